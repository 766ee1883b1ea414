import type { Kernels } from '../kernels.js';

/** Where the flat vectors live (float offsets) and how long they are. */
export interface UpdateArgs {
  params: number;
  grads: number;
  /** The first state vector; the second (Adam's v) follows it directly, at state + count. */
  state: number;
  count: number;
}

/** One optimizer option: its default and the values it accepts. */
export interface OptimizerOption {
  readonly default: number | boolean;
  /** 'fraction': a number in [0, 1); 'positive': a finite number > 0; 'boolean': true or false. */
  readonly kind: 'fraction' | 'positive' | 'boolean';
}

/** Parsed options: numbers as given, booleans as 1 or 0. */
export type OptimizerValues = Readonly<Record<string, number>>;

export interface OptimizerEntry {
  readonly name: OptimizerName;
  /** Options this optimizer accepts beyond learningRate. */
  readonly options: Readonly<Record<string, OptimizerOption>>;
  /** How many parameter-sized state vectors it keeps (velocity, moments…). */
  readonly stateVectors: number;
  /** One update; `t` counts this optimizer's updates from 1 (Adam's bias correction needs it). */
  update(k: Kernels, p: UpdateArgs, learningRate: number, o: OptimizerValues, t: number): void;
}

/** The built-in optimizers, with Keras' update rules. */
export type OptimizerName = 'sgd' | 'momentum' | 'adam' | 'rmsprop';

// Defaults follow Keras (momentum 0.9 as its common use; ε = 1e-7 as Keras' Adam and RMSprop).
export const optimizers: Readonly<Record<OptimizerName, OptimizerEntry>> = {
  sgd: {
    name: 'sgd',
    options: {},
    stateVectors: 0,
    update: (k, p, lr) => k.sgdUpdate(p.params, p.grads, p.count, lr),
  },
  momentum: {
    name: 'momentum',
    options: { momentum: { default: 0.9, kind: 'fraction' }, nesterov: { default: false, kind: 'boolean' } },
    stateVectors: 1,
    update: (k, p, lr, o) =>
      o.nesterov
        ? k.nesterovUpdate(p.params, p.grads, p.state, p.count, lr, o.momentum)
        : k.momentumUpdate(p.params, p.grads, p.state, p.count, lr, o.momentum),
  },
  adam: {
    name: 'adam',
    options: {
      beta1: { default: 0.9, kind: 'fraction' },
      beta2: { default: 0.999, kind: 'fraction' },
      epsilon: { default: 1e-7, kind: 'positive' },
    },
    stateVectors: 2,
    update: (k, p, lr, o, t) => {
      // Bias correction folded into the step size, in float64 (Keras: α = η·√(1−β₂ᵗ)/(1−β₁ᵗ)).
      const stepSize = (lr * Math.sqrt(1 - o.beta2 ** t)) / (1 - o.beta1 ** t);
      k.adamUpdate(p.params, p.grads, p.state, p.state + p.count, p.count, stepSize, 1 - o.beta1, 1 - o.beta2, o.epsilon);
    },
  },
  rmsprop: {
    name: 'rmsprop',
    options: { rho: { default: 0.9, kind: 'fraction' }, epsilon: { default: 1e-7, kind: 'positive' } },
    stateVectors: 1,
    update: (k, p, lr, o) => k.rmspropUpdate(p.params, p.grads, p.state, p.count, lr, 1 - o.rho, o.epsilon),
  },
};

export const DEFAULT_OPTIMIZER: OptimizerName = 'sgd';
/** Most state vectors any optimizer keeps (Adam's m and v); the arena reserves this many at create. */
export const MAX_STATE_VECTORS = Math.max(...Object.values(optimizers).map((o) => o.stateVectors));

/** Every optimizer option name, and the optimizers that take it (for the error when one is given to another). */
export const OPTIMIZER_OPTION_KEYS: ReadonlyMap<string, OptimizerName[]> = (() => {
  const keys = new Map<string, OptimizerName[]>();
  for (const o of Object.values(optimizers)) for (const key of Object.keys(o.options)) keys.set(key, [...(keys.get(key) ?? []), o.name]);
  return keys;
})();
