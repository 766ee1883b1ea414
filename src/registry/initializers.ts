import type { Random } from '../random.js';

/**
 * The built-in weight initialisers: 'normal' N(0, 1/√fan_in) (default), 'xavier', 'he',
 * 'uniform' U(±1/√fan_in), 'standard-normal' N(0, 1).
 */
export type InitName = 'normal' | 'xavier' | 'he' | 'uniform' | 'standard-normal';

/** How biases start: 'zeros' (default) or 'standard-normal' N(0, 1), as Nielsen's network.py and network2.py draw them. */
export type BiasInitName = 'zeros' | 'standard-normal';

/**
 * Network.create's `init`: a weight initialiser (biases start at 0), or both parts, e.g.
 * `{ weights: 'standard-normal', bias: 'standard-normal' }` for Nielsen's network.py.
 */
export type InitOption = InitName | InitParts;

/** The object form of Network.create's `init`. */
export interface InitParts {
  /** How the weights start. */
  weights: InitName;
  /** How the biases start. */
  bias: BiasInitName;
}

/** Draws one weight for a layer with fanIn inputs and fanOut units. */
export type WeightSampler = (rng: Random, fanIn: number, fanOut: number) => number;

export const initializers: Readonly<Record<InitName, WeightSampler>> = {
  // N(0, 1/√fan_in): the lessons' np.random.normal(scale=1/n_features**.5), keeping sigmoids out of saturation.
  normal: (rng, fanIn) => rng.normal() / Math.sqrt(fanIn),
  // Glorot & Bengio (2010) uniform: U(±√(6/(fan_in + fan_out))), Keras' default.
  xavier: (rng, fanIn, fanOut) => (2 * rng.uniform() - 1) * Math.sqrt(6 / (fanIn + fanOut)),
  // He et al. (2015) normal: N(0, √(2/fan_in)), for relu layers.
  he: (rng, fanIn) => rng.normal() * Math.sqrt(2 / fanIn),
  // U(±1/√fan_in), as LeCun and PyTorch's Linear do.
  uniform: (rng, fanIn) => (2 * rng.uniform() - 1) / Math.sqrt(fanIn),
  // N(0, 1): numpy's randn, Nielsen's network.py (which saturates sigmoids of wide layers; kept to reproduce it).
  'standard-normal': (rng) => rng.normal(),
};

export const BIAS_INITS: readonly BiasInitName[] = ['zeros', 'standard-normal'];

export const DEFAULT_INIT: InitName = 'normal';

/** The weight part of an init option. */
export const weightInit = (init: InitOption): InitName => (typeof init === 'string' ? init : init.weights);

/** The bias part of an init option. */
export const biasInit = (init: InitOption): BiasInitName => (typeof init === 'string' ? 'zeros' : init.bias);
