import type { Backend } from '../backends/backend.js';
import type { Layout } from './layout.js';
import type { ActivationEntry } from '../registry/activations.js';
import type { LossEntry } from '../registry/losses.js';
import { customForward, customBackward, customLossValue, customOutputDelta } from './custom-loops.js';

/**
 * Forward pass over `rows` samples already in layout.input: per layer z = x·Wᵀ + b, a = f(z).
 * Returns the offset of the output activations.
 */
export function forwardPass(backend: Backend, layout: Layout, rows: number): number {
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
  }
  return x;
}

/**
 * Backward pass after forwardPass on the same rows, targets in layout.target.
 * Fills the gradient vector with dE/dw averaged over the batch and returns the batch loss.
 *
 * Output layer: δ = dE/da ⊙ f'(z) (or a − y for a fused cross-entropy).
 * Each layer:  dW = δᵀ·x / rows (one outer product δ·xᵀ per sample, averaged), db = Σδ / rows.
 * Below it:    δ_prev = (δ·W) ⊙ f'(z_prev): each hidden unit sums the errors of all the
 *              units it feeds, weighted by the weights it feeds them through.
 */
export function backwardPass(backend: Backend, layout: Layout, loss: LossEntry, rows: number): number {
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

  const hasBias = layout.hasBias ? 1 : 0;
  const scale = 1 / rows;
  for (let i = last; i >= 0; i--) {
    const s = layout.shapes[i];
    const l = layout.layers[i];
    const x = i === 0 ? layout.input : layout.layers[i - 1].a;
    k.weightGradients(l.delta, x, l.gradWeights, l.gradBias, layout.pack, rows, s.inputs, s.units, scale, hasBias);
    if (i > 0) {
      const below = layout.layers[i - 1];
      const belowShape = layout.shapes[i - 1];
      k.propagateDelta(l.delta, l.weights, below.delta, layout.pack, rows, s.inputs, s.units);
      activationBackward(backend, belowShape.activation, below.z, below.a, below.delta, rows, belowShape.units);
    }
  }
  return value;
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
