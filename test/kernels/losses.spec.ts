// Loss values and output deltas on every backend, against float64 formulas; the fused
// cross-entropies stay finite at saturated logits.
import { describe, expect, it } from 'vitest';
import { Random } from '../../src/random.js';
import { BACKENDS, SAME_BITS, SIZES, WASM_BUILDS, Scratch, expectClose, expectParity, expectSameBits, randomFloats, type Name } from './harness.js';

function losses(name: Name, a: Float32Array, y: Float32Array, z: Float32Array, rows: number, cols: number, scale: number) {
  const m = new Scratch(name);
  const ap = m.put(a), yp = m.put(y), zp = m.put(z), dp = m.put(a.length);
  const k = m.backend.kernels;
  k.outputDelta(ap, yp, dp, a.length, scale);
  return {
    delta: m.get(dp, a.length),
    sse: k.sumSquaredError(ap, yp, a.length),
    bce: k.sigmoidCrossEntropy(zp, yp, z.length),
    cce: k.softmaxCrossEntropy(zp, yp, rows, cols),
  };
}

function reference(a: Float32Array, y: Float32Array, z: Float32Array, rows: number, cols: number) {
  let sse = 0, bce = 0, cce = 0;
  for (let i = 0; i < a.length; i++) sse += (a[i] - y[i]) ** 2;
  for (let i = 0; i < z.length; i++) {
    const p = 1 / (1 + Math.exp(-z[i]));
    bce += -(y[i] * Math.log(p) + (1 - y[i]) * Math.log(1 - p));
  }
  for (let r = 0; r < rows; r++) {
    const row = Array.from(z.subarray(r * cols, (r + 1) * cols));
    const lse = Math.log(row.reduce((s, v) => s + Math.exp(v), 0));
    row.forEach((v, k) => (cce += -y[r * cols + k] * (v - lse)));
  }
  return { sse, bce, cce };
}

const SHAPES = SIZES.flatMap((rows) => SIZES.map((cols) => [rows, cols] as const));

describe.each(BACKENDS)('loss kernels (%s)', (name) => {
  it.each(SHAPES)('values and output delta, %i × %i', (rows, cols) => {
    const rng = new Random(rows * 50 + cols);
    const n = rows * cols;
    const z = randomFloats(rng, n, -4, 4);
    const a = randomFloats(rng, n, 0, 1);
    const y = randomFloats(rng, n, 0, 1);
    const got = losses(name, a, y, z, rows, cols, 0.5);
    const ref = reference(a, y, z, rows, cols);
    expectClose(got.delta, Array.from(a, (v, i) => 0.5 * (v - y[i])), 1e-6, 1e-7, 'outputDelta');
    expect(got.sse).toBeCloseTo(ref.sse, 5);
    expectClose([got.bce, got.cce], [ref.bce, ref.cce], 1e-6, 1e-6, 'cross-entropies');
  });

  it('cross-entropies are finite and right for logits of ±1e4', () => {
    const z = Float32Array.from([1e4, -1e4, 1e4, -1e4]);
    const y = Float32Array.from([1, 0, 0, 1]);
    const got = losses(name, new Float32Array(4), y, z, 2, 2, 1);
    // Right answers cost 0; confidently wrong ones cost |z| each (ln(1 + e^1e4) ≈ 1e4).
    expect(got.bce).toBeCloseTo(2e4, 3);
    // Row 0: softmax picks class 0 = target → 0. Row 1: picks class 0 but target is 1 → 2e4.
    expect(got.cce).toBeCloseTo(2e4, 3);
  });
});

describe.each(WASM_BUILDS)('loss kernels: %s against JS', (build) => {
  it.each(SHAPES)('%i × %i', (rows, cols) => {
    const rng = new Random(rows * 3 + cols * 97);
    const n = rows * cols;
    const args = [randomFloats(rng, n, 0, 1), randomFloats(rng, n, 0, 1), randomFloats(rng, n, -9, 9)] as const;
    const w = losses(build, ...args, rows, cols, 2 / cols);
    const j = losses('js', ...args, rows, cols, 2 / cols);
    expectParity(w.delta, j.delta, 'outputDelta');
    expectParity([w.sse, w.bce, w.cce], [j.sse, j.bce, j.cce], 'loss values');
  });
});

// Losses are never cut (another grouping of a sum changes its bits): the threads run them whole.
describe.each(SAME_BITS)('loss kernels: %s against %s, bit for bit', (threads, one) => {
  it.each(SHAPES)('%i × %i', (rows, cols) => {
    const rng = new Random(rows * 5 + cols * 89);
    const n = rows * cols;
    const args = [randomFloats(rng, n, 0, 1), randomFloats(rng, n, 0, 1), randomFloats(rng, n, -9, 9)] as const;
    const t = losses(threads, ...args, rows, cols, 2 / cols);
    const o = losses(one, ...args, rows, cols, 2 / cols);
    expectSameBits(t.delta, o.delta, 'outputDelta');
    for (const key of ['sse', 'bce', 'cce'] as const) expectSameBits(t[key], o[key], key);
  });
});
