import type { Random } from '../random.js';

/** The built-in weight initialisers: 'normal' N(0, 1/√fan_in) (default), 'xavier', 'he', 'uniform' U(±1/√fan_in). */
export type InitName = 'normal' | 'xavier' | 'he' | 'uniform';

/** Draws one weight for a layer with fanIn inputs and fanOut units. Biases start at 0. */
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
};

export const DEFAULT_INIT: InitName = 'normal';
