import type { Kernels } from '../kernels.js';

/** Where the flat vectors live (float offsets) and how long they are. */
export interface UpdateArgs {
  params: number;
  grads: number;
  state: number;
  count: number;
}

export interface OptimizerEntry {
  readonly name: OptimizerName;
  /** Options this optimizer accepts beyond learningRate, with their defaults. */
  readonly defaults: Readonly<Record<string, number>>;
  /** How many parameter-sized state vectors it keeps (velocity, moments…). */
  readonly stateVectors: number;
  update(k: Kernels, p: UpdateArgs, learningRate: number, options: Readonly<Record<string, number>>): void;
}

export type OptimizerName = 'sgd' | 'momentum';

export const optimizers: Readonly<Record<OptimizerName, OptimizerEntry>> = {
  sgd: {
    name: 'sgd',
    defaults: {},
    stateVectors: 0,
    update: (k, p, lr) => k.sgdUpdate(p.params, p.grads, p.count, lr),
  },
  momentum: {
    name: 'momentum',
    defaults: { momentum: 0.9 },
    stateVectors: 1,
    update: (k, p, lr, o) => k.momentumUpdate(p.params, p.grads, p.state, p.count, lr, o.momentum),
  },
};

export const DEFAULT_OPTIMIZER: OptimizerName = 'sgd';
/** Most state vectors any optimizer keeps; the arena reserves this many at create. */
export const MAX_STATE_VECTORS = 2;
