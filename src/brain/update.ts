// brain.js's update rules run by our kernels. Its backward pass is ours on the quadratic loss
// ½Σ(a − y)² (its delta is error·f′ with error = y − a); what differs is the update:
// - momentum: change = η·δ·x + μ·change on the weights, but biases take plain η·δ steps. One
//   sample at a time that is the fused outerMomentumUpdate (weights) and sgdUpdate (biases); for a
//   batch, our momentum kernel does v ← μv − ηg, w ← w + v on every parameter, so the biases'
//   velocity is cleared after each step: their next v is −ηg alone (the same bits either way).
// - adam: its ε is added to √v̂ (ours to √v), so each step passes ε·√(1 − β₂ᵗ); and its biases
//   move by the moments from before the step (1.6.1 and 2.x alike), redone here from a copy.
import type { Engine } from '../engine/engine.js';
import { optimizers } from '../registry/optimizers.js';
import type { ParsedStep } from '../validate/step-options.js';
import type { TrainOpts } from './options.js';

/** Where each layer's biases sit, as an offset into the parameter vector and a count. */
interface BiasSpan {
  offset: number;
  units: number;
}

export class BrainUpdate {
  private readonly step: ParsedStep;
  private readonly biases: BiasSpan[];

  /** Adam: the biases and their moments from before the step, one slot per bias. */
  private readonly saved: { bias: Float64Array; m: Float64Array; v: Float64Array } | null;

  constructor(
    private readonly engine: Engine,
    readonly adam: boolean,
    /** Adam's t: updates made since the network was initialised (the engine's step runner counts the same). */
    public adamSteps = 0,
  ) {
    const { layout } = engine;
    this.biases = layout.layers.map((l, i) => ({ offset: l.bias - layout.params, units: layout.shapes[i].units }));
    const count = this.biases.reduce((n, b) => n + b.units, 0);
    this.saved = adam ? { bias: new Float64Array(count), m: new Float64Array(count), v: new Float64Array(count) } : null;
    this.step = adam
      ? { learningRate: 0.3, optimizer: optimizers.adam, options: { beta1: 0.9, beta2: 0.999, epsilon: 1e-8 }, weightDecay: 0, setSize: null }
      : { learningRate: 0.3, optimizer: optimizers.momentum, options: { momentum: 0.1, nesterov: 0 }, weightDecay: 0, setSize: null };
  }

  /** Take the learning rate and the optimizer's settings from brain.js's options. */
  configure(o: TrainOpts): void {
    this.step.learningRate = o.learningRate;
    if (this.adam) Object.assign(this.step.options, { beta1: o.beta1, beta2: o.beta2, epsilon: o.epsilon });
    else this.step.options.momentum = o.momentum;
  }

  /** One update on the n samples in the engine's batch buffers; returns their mean ½Σ(a − y)² before it. */
  run(n: number, label: string): number {
    const { learningRate } = this.step;
    // One sample at learningRate ≤ 1 takes the fused kernel; a batch (or a rate whose overflow the step runner guards) the general step.
    if (!this.adam && n === 1 && learningRate <= 1) return this.engine.onlineMomentumStep(learningRate, this.step.options.momentum, label);
    if (!this.adam) {
      const loss = this.engine.step(n, this.step, label);
      this.clearBiasVelocity();
      return loss;
    }
    const t = this.adamSteps + 1;
    const { beta1, beta2 } = this.step.options;
    const epsilon = this.step.options.epsilon;
    this.saveBiases();
    this.step.options.epsilon = epsilon * Math.sqrt(1 - beta2 ** t);
    let loss: number;
    try {
      loss = this.engine.step(n, this.step, label);
    } finally {
      this.step.options.epsilon = epsilon;
    }
    this.adamSteps = t;
    this.laggedBiasStep(this.step.learningRate, 1 - beta1 ** t, 1 - beta2 ** t, epsilon);
    return loss;
  }

  private clearBiasVelocity(): void {
    const { f32 } = this.engine.backend;
    const velocity = this.engine.layout.stateVector(0);
    for (const b of this.biases) f32.fill(0, velocity + b.offset, velocity + b.offset + b.units);
  }

  private saveBiases(): void {
    const { f32 } = this.engine.backend;
    const { layout } = this.engine;
    const [m, v] = [layout.stateVector(0), layout.stateVector(1)];
    const s = this.saved!;
    let i = 0;
    for (const b of this.biases) {
      for (let j = b.offset; j < b.offset + b.units; j++, i++) {
        s.bias[i] = f32[layout.params + j];
        s.m[i] = f32[m + j];
        s.v[i] = f32[v + j];
      }
    }
  }

  /** b ← b − η·(m/(1 − β₁ᵗ))/(√(v/(1 − β₂ᵗ)) + ε) with the moments from before the step, as brain.js moves its biases. */
  private laggedBiasStep(learningRate: number, c1: number, c2: number, epsilon: number): void {
    const { f32 } = this.engine.backend;
    const { params } = this.engine.layout;
    const s = this.saved!;
    let i = 0;
    for (const b of this.biases) {
      for (let j = b.offset; j < b.offset + b.units; j++, i++) {
        f32[params + j] = s.bias[i] - (learningRate * (s.m[i] / c1)) / (Math.sqrt(s.v[i] / c2) + epsilon);
      }
    }
  }
}
