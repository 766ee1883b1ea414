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

export interface LossEntry {
  readonly name: LossName;
  /** The batch's loss: per-sample loss averaged over the batch. */
  value(k: Kernels, p: LossArgs): number;
  /** Output delta = deltaScale(K)·(a − y); for a fused loss that is already dE/dz. */
  deltaScale(outputs: number): number;
  /** The output activation a fused loss requires; its delta skips the activation's derivative. */
  readonly fusedWith: ActivationName | null;
}

export type LossName = 'quadratic' | 'mse' | 'binary-cross-entropy' | 'categorical-cross-entropy';

export const losses: Readonly<Record<LossName, LossEntry>> = {
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
