
/** One entry per activation: the table that validation, the passes and toJSON all read. */
export interface ActivationEntry {
  readonly name: ActivationName;
  readonly forward: ForwardKernel;
  readonly backward: BackwardKernel;
  /** Softmax couples the units of a row, so it only makes sense as the output layer. */
  readonly outputOnly: boolean;
  /** The derivative as the notes write it, for error messages and explanations. */
  readonly derivative: string;
}

export type ForwardKernel =
  'sigmoidForward' | 'tanhForward' | 'reluForward' | 'leakyReluForward' | 'identityForward' | 'softmaxForward';
export type BackwardKernel =
  'sigmoidBackward' | 'tanhBackward' | 'reluBackward' | 'leakyReluBackward' | 'identityBackward' | 'softmaxBackward';

export type ActivationName = 'sigmoid' | 'tanh' | 'relu' | 'leaky-relu' | 'identity' | 'softmax';

export const activations: Readonly<Record<ActivationName, ActivationEntry>> = {
  sigmoid: { name: 'sigmoid', forward: 'sigmoidForward', backward: 'sigmoidBackward', outputOnly: false, derivative: 'a(1 − a)' },
  tanh: { name: 'tanh', forward: 'tanhForward', backward: 'tanhBackward', outputOnly: false, derivative: '1 − a²' },
  relu: { name: 'relu', forward: 'reluForward', backward: 'reluBackward', outputOnly: false, derivative: 'z > 0 ? 1 : 0' },
  'leaky-relu': { name: 'leaky-relu', forward: 'leakyReluForward', backward: 'leakyReluBackward', outputOnly: false, derivative: 'z > 0 ? 1 : 0.01' },
  identity: { name: 'identity', forward: 'identityForward', backward: 'identityBackward', outputOnly: false, derivative: '1' },
  softmax: { name: 'softmax', forward: 'softmaxForward', backward: 'softmaxBackward', outputOnly: true, derivative: 'a_i(δ_i − Σ_k δ_k a_k)' },
};

export const DEFAULT_ACTIVATION: ActivationName = 'sigmoid';
