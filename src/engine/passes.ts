import type { Backend } from '../backends/backend.js';
import type { Layout } from './layout.js';
import type { ActivationEntry } from '../registry/activations.js';
import type { LossEntry } from '../registry/losses.js';
import { customForward, customBackward, customLossValue, customOutputDelta } from './custom-loops.js';
import { dropoutMask } from '../kernels.js';

/**
 * A training pass's dropout: per layer, the key its mask is drawn under (read only for layers
 * with dropout). null runs the network as it predicts, with no dropout.
 */
export type DropoutKeys = readonly number[] | null;

/**
 * Forward pass over `rows` samples already in layout.input: per layer z = x·Wᵀ + b, a = f(z),
 * and with `keys` a layer with dropout hands its layer above a ⊙ mask (in l.dropped, a kept for
 * the backward pass). Returns the offset of the output activations.
 */
export function forwardPass(backend: Backend, layout: Layout, rows: number, keys: DropoutKeys = null): number {
  const k = backend.kernels;
  let x = layout.input;
  const hasBias = layout.hasBias ? 1 : 0;
  for (let i = 0; i < layout.shapes.length; i++) {
    const s = layout.shapes[i];
    const l = layout.layers[i];
    k.forward(x, l.weights, l.bias, l.z, layout.pack, rows, s.inputs, s.units, hasBias);
    const f = s.activation;
    // Hook: an activation from registerActivation runs its TypeScript function (custom-loops.ts).
    if (f.custom) customForward(backend.f32, f, l.z, l.a, rows, s.units);
    else k[f.forward](l.z, l.a, rows, s.units);
    x = l.a;
    if (keys !== null && s.dropout > 0) {
      const { threshold, scale } = dropoutMask(s.dropout);
      k.dropout(l.a, l.dropped, rows * s.units, keys[i], threshold, scale);
      x = l.dropped;
    }
  }
  return x;
}

/**
 * Backward pass after forwardPass on the same rows and keys, targets in layout.target.
 * Fills the gradient vector with dE/dw averaged over the batch and returns the batch loss.
 *
 * Output layer: δ = dE/da ⊙ f'(z) (or a − y for a fused cross-entropy).
 * Each layer:  dW = δᵀ·x / rows (one outer product δ·xᵀ per sample, averaged), db = Σδ / rows.
 * Below it:    δ_prev = (δ·W) ⊙ f'(z_prev): each hidden unit sums the errors of all the
 *              units it feeds, weighted by the weights it feeds them through; a layer's
 *              dropout mask multiplies that error before f'(z), as it multiplied a.
 */
export function backwardPass(backend: Backend, layout: Layout, loss: LossEntry, rows: number, keys: DropoutKeys = null): number {
  const value = deltaPass(backend, layout, loss, rows, keys);
  const hasBias = layout.hasBias ? 1 : 0;
  for (let i = 0; i < layout.shapes.length; i++) {
    const s = layout.shapes[i];
    const l = layout.layers[i];
    const x = i === 0 ? layout.input : layerOutput(layout, i - 1, keys);
    backend.kernels.weightGradients(l.delta, x, l.gradWeights, l.gradBias, layout.pack, rows, s.inputs, s.units, 1 / rows, hasBias);
  }
  return value;
}

/** The deltas of every layer (δ = dE/dz) after forwardPass with the same keys, targets in layout.target; no gradient yet. Returns the batch loss. */
export function deltaPass(backend: Backend, layout: Layout, loss: LossEntry, rows: number, keys: DropoutKeys = null): number {
  const k = backend.kernels;
  const last = layout.shapes.length - 1;
  const out = layout.layers[last];
  const outShape = layout.shapes[last];
  const K = outShape.units;
  const value = batchLoss(backend, layout, loss, rows);
  // Hook: a loss from registerLoss runs its TypeScript derivative (custom-loops.ts).
  if (loss.custom) customOutputDelta(backend.f32, loss, out.a, layout.target, out.delta, rows * K);
  else k.outputDelta(out.a, layout.target, out.delta, rows * K, loss.deltaScale(K));
  if (loss.fusedWith === null) activationBackward(backend, outShape.activation, out.z, out.a, out.delta, rows, K);
  for (let i = last; i > 0; i--) {
    const s = layout.shapes[i];
    const l = layout.layers[i];
    const below = layout.layers[i - 1];
    const belowShape = layout.shapes[i - 1];
    k.propagateDelta(l.delta, l.weights, below.delta, layout.pack, rows, s.inputs, s.units);
    if (keys !== null && belowShape.dropout > 0) {
      const { threshold, scale } = dropoutMask(belowShape.dropout);
      k.dropoutDelta(below.delta, rows * belowShape.units, keys[i - 1], threshold, scale);
    }
    activationBackward(backend, belowShape.activation, below.z, below.a, below.delta, rows, belowShape.units);
  }
  return value;
}

/** What layer i handed the layer above in a pass with these keys: a, or a after dropout. */
export function layerOutput(layout: Layout, i: number, keys: DropoutKeys): number {
  const l = layout.layers[i];
  return keys !== null && layout.shapes[i].dropout > 0 ? l.dropped : l.a;
}

/** The loss of the `rows` samples whose outputs forwardPass left in the last layer, against layout.target. */
export function batchLoss(backend: Backend, layout: Layout, loss: LossEntry, rows: number): number {
  const out = layout.layers[layout.layers.length - 1];
  const K = layout.outputWidth;
  if (loss.custom) return customLossValue(backend.f32, loss, out.a, layout.target, rows, K);
  return loss.value(backend.kernels, { z: out.z, a: out.a, y: layout.target, batch: rows, outputs: K });
}

/** delta *= f'(z): the activation's backward kernel, or (hook) a registered activation's function. */
function activationBackward(backend: Backend, f: ActivationEntry, z: number, a: number, delta: number, rows: number, cols: number): void {
  if (f.custom) customBackward(backend.f32, f, z, a, delta, rows, cols);
  else backend.kernels[f.backward](z, a, delta, rows, cols);
}
