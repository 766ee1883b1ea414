// gradientCheck: does backpropagation compute the derivative of the loss? Nudge each parameter
// both ways, read the loss through the network itself (evaluate), and compare the centred
// difference (E(w + ε) − E(w − ε)) / 2ε with net.gradients. The network runs in float32, so ε is
// large (1e-2): small enough for the O(ε²) truncation error, large enough for the round-off.
import type { Network } from './network.js';
import type { Samples } from './validate/samples.js';
import { describe } from './validate/values.js';
import { parseGradientCheckOptions, type GradientCheckOptions } from './validate/call-options.js';

/** One parameter's two gradients, as gradientCheck compares them. */
export interface GradientCheckEntry {
  /** Which weighted layer, from 0. */
  layer: number;
  /** Whether the parameter is a weight or a bias. */
  kind: 'weights' | 'bias';
  /** Index into getWeights(layer).weights (j · inputs + k) or .bias. */
  index: number;
  /** dE/dparameter by backpropagation (net.gradients). */
  analytic: number;
  /** The centred difference (E(w + ε) − E(w − ε)) / 2ε. */
  numeric: number;
  /** |analytic − numeric| / max(|analytic| + |numeric|, 1e-3). */
  relativeError: number;
}

/** What gradientCheck returns. */
export interface GradientCheckResult {
  /** max over parameters of |analytic − numeric| / max(|analytic| + |numeric|, 1e-3). */
  maxRelativeError: number;
  /** The parameter with that error. */
  worst: GradientCheckEntry;
  /** Whether maxRelativeError is at most `tolerance`. */
  passed: boolean;
  /** Parameters checked. */
  checked: number;
  /** The nudge ε used. */
  epsilon: number;
  /** The largest relative error that passes. */
  tolerance: number;
}

/** Below this, |analytic| + |numeric| is float32 round-off of the loss divided by 2ε, not a gradient. */
const TINY = 1e-3;

/**
 * Check every weight and bias of `net` on the batch (X, Y). Every parameter is restored from
 * the original Float32Arrays afterwards, bit for bit, even if a call throws.
 */
export function gradientCheck(net: Network, X: Samples, Y: Samples, options: GradientCheckOptions = {}): GradientCheckResult {
  const label = 'gradientCheck';
  const { epsilon, tolerance } = parseGradientCheckOptions(options, label);
  if (net === null || typeof net !== 'object' || typeof net.gradients !== 'function') {
    throw new TypeError(`${label}: net: expected a Network, got ${describe(net)}`);
  }
  const analytic = net.gradients(X, Y); // also validates X and Y, and that the network is live
  const originals = Array.from({ length: net.layerCount }, (_, l) => net.getWeights(l));
  let worst: GradientCheckEntry | null = null;
  let checked = 0;
  try {
    originals.forEach((original, layer) => {
      const weights = original.weights.slice();
      const bias = original.bias ? original.bias.slice() : null;
      const parts: Array<['weights' | 'bias', Float32Array, Float32Array]> = [['weights', weights, analytic[layer].weights]];
      if (bias && analytic[layer].bias) parts.push(['bias', bias, analytic[layer].bias!]);
      for (const [kind, values, grads] of parts) {
        for (let index = 0; index < values.length; index++) {
          const at = values[index];
          const lossAt = (v: number): number => {
            values[index] = v;
            if (bias) net.setWeights(layer, weights, bias);
            else net.setWeights(layer, weights);
            return net.evaluate(X, Y).loss;
          };
          // The nudged values are float32 too: divide by the step actually taken.
          const up = Math.fround(at + epsilon);
          const down = Math.fround(at - epsilon);
          const numeric = (lossAt(up) - lossAt(down)) / (up - down);
          values[index] = at;
          const a = grads[index];
          const relativeError = Math.abs(a - numeric) / Math.max(Math.abs(a) + Math.abs(numeric), TINY);
          checked++;
          if (worst === null || relativeError > worst.relativeError || Number.isNaN(relativeError)) {
            worst = { layer, kind, index, analytic: a, numeric, relativeError };
          }
        }
      }
      net.setWeights(layer, original.weights, original.bias ?? undefined);
    });
  } finally {
    originals.forEach((original, layer) => net.setWeights(layer, original.weights, original.bias ?? undefined));
  }
  const w = worst as GradientCheckEntry | null;
  if (w === null) throw new Error(`${label}: the network has no parameters`);
  return { maxRelativeError: w.relativeError, worst: w, passed: w.relativeError <= tolerance, checked, epsilon, tolerance };
}
