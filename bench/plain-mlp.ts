// The hand-written baseline the JS backend is held to: 784-128-10 sigmoid, quadratic loss,
// online SGD on Float32Arrays, what a careful person writes by hand. Shared by
// bench/peers.bench.ts, bench/backends.bench.ts and scripts/profile-js.ts so all three time
// the same loop. The sizes are constants on purpose: that is how such a loop is written.
import type { Random } from '../src/index.js';

// Module-local constants, not imported or exported ones: V8 reads an import or export through
// a cell on every use; taking PIXELS and CLASSES from mnist.ts ran this loop at ~0.74× the speed.
const PIXELS = 784;
const HIDDEN = 128;
const CLASSES = 10;
/** The baseline's shape, for the benchmarks that set up the same network. */
export const PLAIN_SHAPE = { inputs: PIXELS, hidden: HIDDEN, outputs: CLASSES } as const;

/** N(0, 1/√fan_in) weights (our 'normal' init), units × inputs row-major, for the peers we initialise ourselves. */
export function normalWeights(rng: Random, units: number, inputs: number): Float32Array {
  const w = new Float32Array(units * inputs);
  for (let i = 0; i < w.length; i++) w[i] = rng.normal() / Math.sqrt(inputs);
  return w;
}

/** 784-128-10 sigmoid, quadratic loss, online SGD on Float32Arrays: the hand-written baseline. */
export class PlainMlp {
  readonly w1: Float32Array; // HIDDEN × PIXELS
  readonly b1 = new Float32Array(HIDDEN);
  readonly w2: Float32Array; // CLASSES × HIDDEN
  readonly b2 = new Float32Array(CLASSES);
  private readonly h = new Float32Array(HIDDEN);
  readonly o = new Float32Array(CLASSES);
  private readonly d1 = new Float32Array(HIDDEN);
  private readonly d2 = new Float32Array(CLASSES);

  constructor(rng: Random) {
    this.w1 = normalWeights(rng, HIDDEN, PIXELS);
    this.w2 = normalWeights(rng, CLASSES, HIDDEN);
  }

  forward(X: Float32Array, row: number): void {
    const { w1, b1, w2, b2, h, o } = this;
    const x0 = row * PIXELS;
    for (let j = 0; j < HIDDEN; j++) {
      let s = b1[j];
      const w = j * PIXELS;
      for (let k = 0; k < PIXELS; k++) s += w1[w + k] * X[x0 + k];
      h[j] = 1 / (1 + Math.exp(-s));
    }
    for (let m = 0; m < CLASSES; m++) {
      let s = b2[m];
      const w = m * HIDDEN;
      for (let j = 0; j < HIDDEN; j++) s += w2[w + j] * h[j];
      o[m] = 1 / (1 + Math.exp(-s));
    }
  }

  train(X: Float32Array, Y: Float32Array, row: number, lr: number): void {
    this.forward(X, row);
    const { w1, b1, w2, b2, h, o, d1, d2 } = this;
    const x0 = row * PIXELS;
    const y0 = row * CLASSES;
    for (let m = 0; m < CLASSES; m++) d2[m] = (o[m] - Y[y0 + m]) * o[m] * (1 - o[m]);
    for (let j = 0; j < HIDDEN; j++) {
      let s = 0;
      for (let m = 0; m < CLASSES; m++) s += w2[m * HIDDEN + j] * d2[m];
      d1[j] = s * h[j] * (1 - h[j]);
    }
    for (let m = 0; m < CLASSES; m++) {
      const g = lr * d2[m];
      const w = m * HIDDEN;
      for (let j = 0; j < HIDDEN; j++) w2[w + j] -= g * h[j];
      b2[m] -= g;
    }
    for (let j = 0; j < HIDDEN; j++) {
      const g = lr * d1[j];
      const w = j * PIXELS;
      for (let k = 0; k < PIXELS; k++) w1[w + k] -= g * X[x0 + k];
      b1[j] -= g;
    }
  }
}
