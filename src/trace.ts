// net.trace: one forward and backward pass, recorded for learners. The passes are the library's
// own (the backend's kernels, via the network's step runner); this file only copies what they
// left in the arena and derives the few numbers the passes never store on their own:
// dE/da before the activation derivative, f'(z), and the error sent to the layer below, Wᵀδ.
import type { Layout } from './engine/layout.js';
import type { LossEntry } from './registry/losses.js';
import { layerOutput, type DropoutKeys } from './engine/passes.js';
import { dropoutMask } from './kernels.js';
import { dropoutDraw } from './backends/js/dropout.js';

/**
 * One weighted layer (l = 0 is the first). Shapes: n = batch, inputs = the layer's input width,
 * units = its unit count; "n × units" arrays are row-major, one row per sample. Notation: the
 * seed notes' Udacity/Nielsen one: z = W·x + b (pre-activation), a = f(z), δ = dE/dz.
 */
export interface TraceLayer {
  /** Which weighted layer, from 0. */
  layer: number;
  /** The layer's input width. */
  inputs: number;
  /** The layer's unit count. */
  units: number;
  /** The activation's name. */
  activation: string;
  /** n × inputs: the layer's input x (the samples for layer 0, else the previous layer's a, after its dropout mask when that ran). */
  input: Float32Array;
  /** units × inputs (row j = weights into unit j): the weights before any step. */
  weights: Float32Array;
  /** units: the bias before any step; null without biases. */
  bias: Float32Array | null;
  /** n × units: z = x·Wᵀ + b. */
  z: Float32Array;
  /** n × units: a = f(z). */
  a: Float32Array;
  /**
   * n × units: the dropout mask this pass multiplied a by on its way up, and dE/da by on its way
   * down (0 for a dropped output, 1/(1 − p) for a kept one); null unless traced with
   * `training: true` on a layer with dropout.
   */
  dropoutMask: Float32Array | null;
  /**
   * n × units: dE/da, the error arriving at the activations: from the loss for the output
   * layer, Σ_k w_kj δ_k (the layer above's `propagated`, times dropoutMask if any) for a hidden one. Null for an output
   * fused with its loss (cross-entropy), whose δ = a − y comes straight from the loss.
   */
  dEda: Float32Array | null;
  /** n × units: f'(z), the activation's derivative. Null where it is not elementwise (softmax) or fused with the loss. */
  derivative: Float32Array | null;
  /** n × units: δ = dE/dz = dE/da ⊙ f'(z), per sample. */
  delta: Float32Array;
  /** units × inputs: dE/dw = δ·xᵀ, averaged over the batch (what net.gradients returns). */
  gradWeights: Float32Array;
  /** units: dE/db = δ, averaged over the batch; null without biases. */
  gradBias: Float32Array | null;
  /** n × inputs: Wᵀδ = dE/d(input), the error sent to the layer below before its activation derivative. */
  propagated: Float32Array;
  /** units × inputs: w − η·dE/dw; null unless learningRate was given. */
  updatedWeights: Float32Array | null;
  /** units: b − η·dE/db; null unless learningRate was given, or without biases. */
  updatedBias: Float32Array | null;
}

/** What Network.trace returns: one forward and backward pass, layer by layer (all copies). */
export interface Trace {
  /** Samples in the batch (n). */
  batch: number;
  /** The network's input width. */
  inputs: number;
  /** The network's output width. */
  outputs: number;
  /** The loss's name. */
  lossName: string;
  /** The batch loss (mean over the samples), before any step. */
  loss: number;
  /** Whether the output's δ comes straight from the loss (a − y: cross-entropy with its activation). */
  fused: boolean;
  /** n × outputs: the targets y. */
  target: Float32Array;
  /** n × outputs: the outputs ŷ (the last layer's a). */
  output: Float32Array;
  /** The η of TraceOptions that the updated weights use; null when none was given. */
  learningRate: number | null;
  /** One entry per weighted layer, from the first. */
  layers: TraceLayer[];
}

/**
 * Read the trace out of the arena right after forwardPass + backwardPass on `rows` samples
 * (`loss` is what backwardPass returned), with the weights one SGD step of `learningRate` would
 * give where it is not null. Everything returned is a copy.
 */
export function traceBatch(
  f32: Float32Array, layout: Layout, lossEntry: LossEntry, rows: number, loss: number, learningRate: number | null, keys: DropoutKeys,
): Trace {
  const last = layout.shapes.length - 1;
  const K = layout.outputWidth;
  const copy = (at: number, count: number) => f32.slice(at, at + count);
  const target = copy(layout.target, rows * K);
  const fused = lossEntry.fusedWith !== null;
  const eta = learningRate;

  const layers: TraceLayer[] = layout.shapes.map((s, i) => {
    const l = layout.layers[i];
    const units = s.units;
    const weights = copy(l.weights, units * s.inputs);
    const bias = l.bias >= 0 ? copy(l.bias, units) : null;
    const delta = copy(l.delta, rows * units);
    const gradWeights = copy(l.gradWeights, units * s.inputs);
    const gradBias = l.gradBias >= 0 ? copy(l.gradBias, units) : null;
    const z = copy(l.z, rows * units);
    const a = copy(l.a, rows * units);
    const slope = s.activation.slope;
    const outputFused = i === last && fused;
    return {
      layer: i,
      inputs: s.inputs,
      units,
      activation: s.activation.name,
      input: copy(i === 0 ? layout.input : layerOutput(layout, i - 1, keys), rows * s.inputs),
      weights,
      bias,
      z,
      a,
      dropoutMask: keys !== null && s.dropout > 0 ? maskOf(keys[i], s.dropout, rows * units) : null,
      dEda: null,
      derivative: slope && !outputFused ? z.map((zi, e) => slope(zi, a[e])) : null,
      delta,
      gradWeights,
      gradBias,
      propagated: propagate(delta, weights, rows, s.inputs, units),
      updatedWeights: eta === null ? null : gradWeights.map((g, e) => weights[e] - eta * g),
      updatedBias: eta === null || !bias || !gradBias ? null : gradBias.map((g, j) => bias[j] - eta * g),
    };
  });

  // dE/da: the loss's (a − y) scaled, at the output; what the layer above sent, below it.
  const out = layers[last];
  if (lossEntry.custom) {
    const d = lossEntry.custom.derivative;
    out.dEda = out.a.map((ai, e) => d(ai, target[e]));
  } else if (!fused) {
    const scale = lossEntry.deltaScale(K);
    out.dEda = out.a.map((ai, e) => scale * (ai - target[e]));
  }
  for (let i = 0; i < last; i++) {
    const mask = layers[i].dropoutMask;
    layers[i].dEda = mask ? layers[i + 1].propagated.map((d, e) => d * mask[e]) : layers[i + 1].propagated.slice();
  }

  return {
    batch: rows,
    inputs: layout.inputWidth,
    outputs: K,
    lossName: lossEntry.name,
    loss,
    fused,
    target,
    output: out.a.slice(),
    learningRate: eta,
    layers,
  };
}

/** The mask the dropout kernels drew under `key`: their draw, as the factor each value was multiplied by. */
function maskOf(key: number, p: number, count: number): Float32Array {
  const { threshold, scale } = dropoutMask(p);
  return Float32Array.from({ length: count }, (_, e) => (dropoutDraw(key, e) >= threshold ? scale : 0));
}

/** dx[n,k] = Σ_j δ[n,j]·w[j,k]: each input is blamed by every unit it feeds, through that weight. */
function propagate(delta: Float32Array, w: Float32Array, rows: number, inputs: number, units: number): Float32Array {
  const dx = new Float32Array(rows * inputs);
  for (let n = 0; n < rows; n++) {
    for (let k = 0; k < inputs; k++) {
      let sum = 0;
      for (let j = 0; j < units; j++) sum += delta[n * units + j] * w[j * inputs + k];
      dx[n * inputs + k] = sum;
    }
  }
  return dx;
}
