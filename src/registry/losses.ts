import type { Kernels } from '../kernels.js';
import type { ActivationName } from './activations.js';

/** Offsets and sizes a loss needs to compute its value over a batch. */
export interface LossArgs {
  z: number;
  a: number;
  y: number;
  batch: number;
  outputs: number;
}

/** A built-in loss: its value and output delta are kernels every backend implements. */
export interface BuiltinLoss {
  readonly name: LossName;
  /** The batch's loss: per-sample loss averaged over the batch. */
  value(k: Kernels, p: LossArgs): number;
  /** Output delta = deltaScale(K)·(a − y); for a fused loss that is already dE/dz. */
  deltaScale(outputs: number): number;
  /** The output activation a fused loss requires; its delta skips the activation's derivative. */
  readonly fusedWith: ActivationName | null;
  readonly custom?: undefined;
}

/** A loss registered from TypeScript (src/custom.ts): elementwise, summed over the outputs. */
export interface CustomLossEntry {
  readonly name: string;
  readonly custom: {
    /** The loss of one output a against its target y. */
    readonly value: (a: number, y: number) => number;
    /** ∂loss/∂a for one output. */
    readonly derivative: (a: number, y: number) => number;
  };
  readonly fusedWith: null;
  readonly value?: undefined;
  readonly deltaScale?: undefined;
}

/** One entry per loss: the table that validation, the passes and toJSON all read. */
export type LossEntry = BuiltinLoss | CustomLossEntry;

/** The built-in losses: ½Σ(a − y)², mean squared error, and the two cross-entropies. */
export type LossName = 'quadratic' | 'mse' | 'binary-cross-entropy' | 'categorical-cross-entropy';

export const losses: Readonly<Record<LossName, BuiltinLoss>> = {
  // ½ Σ_k (a_k − y_k)²: Nielsen's quadratic cost, the Udacity E = ½(y − ŷ)².
  quadratic: {
    name: 'quadratic',
    value: (k, p) => (0.5 * k.sumSquaredError(p.a, p.y, p.batch * p.outputs)) / p.batch,
    deltaScale: () => 1,
    fusedWith: null,
  },
  // (1/K) Σ_k (a_k − y_k)², as Keras and TensorFlow.js define mean squared error.
  mse: {
    name: 'mse',
    value: (k, p) => k.sumSquaredError(p.a, p.y, p.batch * p.outputs) / (p.batch * p.outputs),
    deltaScale: (outputs) => 2 / outputs,
    fusedWith: null,
  },
  // −[y ln a + (1 − y) ln(1 − a)] for sigmoid outputs; fused, its delta is a − y.
  'binary-cross-entropy': {
    name: 'binary-cross-entropy',
    value: (k, p) => k.sigmoidCrossEntropy(p.z, p.y, p.batch * p.outputs) / p.batch,
    deltaScale: () => 1,
    fusedWith: 'sigmoid',
  },
  // −Σ_k y_k ln a_k for softmax outputs; fused, its delta is a − y.
  'categorical-cross-entropy': {
    name: 'categorical-cross-entropy',
    value: (k, p) => k.softmaxCrossEntropy(p.z, p.y, p.batch, p.outputs) / p.batch,
    deltaScale: () => 1,
    fusedWith: 'softmax',
  },
};

export const DEFAULT_LOSS: LossName = 'quadratic';

/** Losses added with registerLoss (src/custom.ts), by name. */
export const customLosses = new Map<string, CustomLossEntry>();

/** The entry for a built-in or registered loss name, or undefined. */
export function lossEntry(name: string): LossEntry | undefined {
  return Object.hasOwn(losses, name) ? losses[name as LossName] : customLosses.get(name);
}
