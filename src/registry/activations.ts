import { LEAKY_RELU_SLOPE } from '../kernels.js';

/** A built-in activation: its forward and backward are kernels every backend implements. */
export interface BuiltinActivation {
  readonly name: ActivationName;
  readonly forward: ForwardKernel;
  readonly backward: BackwardKernel;
  /** Softmax couples the units of a row, so it only makes sense as the output layer. */
  readonly outputOnly: boolean;
  /** f'(z) for one element, given z and a = f(z); null where f is not elementwise (softmax). For traces, not the passes. */
  readonly slope: ((z: number, a: number) => number) | null;
  readonly custom?: undefined;
}

/** An activation registered from TypeScript (src/custom.ts): the passes call its functions, no kernel. */
export interface CustomActivationEntry {
  readonly name: string;
  readonly custom: {
    readonly forward: (z: number) => number;
    /** f'(z), given z and a = f(z). */
    readonly derivative: (z: number, a: number) => number;
  };
  readonly outputOnly: false;
  readonly slope: (z: number, a: number) => number;
  readonly forward?: undefined;
  readonly backward?: undefined;
}

/** One entry per activation: the table that validation, the passes and toJSON all read. */
export type ActivationEntry = BuiltinActivation | CustomActivationEntry;

export type ForwardKernel = Extract<keyof import('../kernels.js').Kernels, `${string}Forward`>;
export type BackwardKernel = Extract<keyof import('../kernels.js').Kernels, `${string}Backward`>;

/** The built-in activations (leaky-relu's slope below 0 is 0.01; softmax on the output layer only). */
export type ActivationName = 'sigmoid' | 'tanh' | 'relu' | 'leaky-relu' | 'identity' | 'softmax';

export const activations: Readonly<Record<ActivationName, BuiltinActivation>> = {
  sigmoid: { name: 'sigmoid', forward: 'sigmoidForward', backward: 'sigmoidBackward', outputOnly: false, slope: (_z, a) => a * (1 - a) },
  tanh: { name: 'tanh', forward: 'tanhForward', backward: 'tanhBackward', outputOnly: false, slope: (_z, a) => 1 - a * a },
  relu: { name: 'relu', forward: 'reluForward', backward: 'reluBackward', outputOnly: false, slope: (z) => (z > 0 ? 1 : 0) },
  'leaky-relu': { name: 'leaky-relu', forward: 'leakyReluForward', backward: 'leakyReluBackward', outputOnly: false, slope: (z) => (z > 0 ? 1 : LEAKY_RELU_SLOPE) },
  identity: { name: 'identity', forward: 'identityForward', backward: 'identityBackward', outputOnly: false, slope: () => 1 },
  softmax: { name: 'softmax', forward: 'softmaxForward', backward: 'softmaxBackward', outputOnly: true, slope: null },
};

/** Activations added with registerActivation (src/custom.ts), by name. */
export const customActivations = new Map<string, CustomActivationEntry>();

/** The entry for a built-in or registered activation name, or undefined. */
export function activationEntry(name: string): ActivationEntry | undefined {
  return Object.hasOwn(activations, name) ? activations[name as ActivationName] : customActivations.get(name);
}

export const DEFAULT_ACTIVATION: ActivationName = 'sigmoid';
