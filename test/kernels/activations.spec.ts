// Activations forward and backward on every backend, against float64 formulas, plus the
// accuracy of the SIMD sigmoid and tanh over [−100, 100] and softmax at extreme logits.
import { describe, expect, it } from 'vitest';
import type { Kernels } from '../../src/kernels.js';
import { LEAKY_RELU_SLOPE } from '../../src/kernels.js';
import { Random } from '../../src/random.js';
import {
  BACKENDS, SAME_BITS, SIZES, WASM_BUILDS, Scratch, expectClose, expectParity, expectSameBits, expectSplit, randomFloats, type Name,
} from './harness.js';

type Fn = (z: number) => number;
const sigmoid: Fn = (z) => 1 / (1 + Math.exp(-z));
/** Each elementwise activation: its kernels, f, and f' in terms of z. */
const ELEMENTWISE: Array<{ name: string; forward: keyof Kernels; backward: keyof Kernels; f: Fn; df: Fn }> = [
  { name: 'sigmoid', forward: 'sigmoidForward', backward: 'sigmoidBackward', f: sigmoid, df: (z) => sigmoid(z) * (1 - sigmoid(z)) },
  { name: 'tanh', forward: 'tanhForward', backward: 'tanhBackward', f: Math.tanh, df: (z) => 1 - Math.tanh(z) ** 2 },
  { name: 'relu', forward: 'reluForward', backward: 'reluBackward', f: (z) => Math.max(z, 0), df: (z) => (z > 0 ? 1 : 0) },
  { name: 'leaky-relu', forward: 'leakyReluForward', backward: 'leakyReluBackward', f: (z) => (z > 0 ? z : LEAKY_RELU_SLOPE * z), df: (z) => (z > 0 ? 1 : LEAKY_RELU_SLOPE) },
  { name: 'identity', forward: 'identityForward', backward: 'identityBackward', f: (z) => z, df: () => 1 },
];
const SHAPES = SIZES.flatMap((rows) => SIZES.map((cols) => [rows, cols] as const));

/** Run forward, then backward on the given upstream gradient; return a and dE/dz. */
function run(name: Name, forward: keyof Kernels, backward: keyof Kernels, z: Float32Array, upstream: Float32Array, rows: number, cols: number) {
  const m = new Scratch(name);
  const zp = m.put(z), ap = m.put(z.length), dp = m.put(upstream);
  const k = m.backend.kernels as unknown as Record<string, (...args: number[]) => void>;
  k[forward](zp, ap, rows, cols);
  k[backward](zp, ap, dp, rows, cols);
  return { a: m.get(ap, z.length), dz: m.get(dp, z.length) };
}

function softmaxRows(z: Float32Array, rows: number, cols: number): Float64Array {
  const out = new Float64Array(z.length);
  for (let r = 0; r < rows; r++) {
    const row = Array.from(z.subarray(r * cols, (r + 1) * cols));
    const max = Math.max(...row);
    const e = row.map((v) => Math.exp(v - max));
    const s = e.reduce((p, q) => p + q, 0);
    e.forEach((v, k) => (out[r * cols + k] = v / s));
  }
  return out;
}

describe.each(BACKENDS)('activation kernels (%s)', (name) => {
  for (const act of ELEMENTWISE) {
    it.each(SHAPES)(`${act.name} forward and backward, %i × %i`, (rows, cols) => {
      const rng = new Random(rows * 100 + cols);
      const z = randomFloats(rng, rows * cols, -6, 6);
      const up = randomFloats(rng, rows * cols);
      const { a, dz } = run(name, act.forward, act.backward, z, up, rows, cols);
      expectClose(a, Array.from(z, act.f), 1e-6, 2e-7, `${act.name} forward`);
      expectClose(dz, Array.from(z, (v, i) => up[i] * act.df(v)), 1e-5, 1e-6, `${act.name} backward`);
    });
  }

  it.each(SHAPES.filter(([, cols]) => cols > 1))('softmax forward and backward, %i × %i', (rows, cols) => {
    const rng = new Random(rows * 7 + cols);
    const z = randomFloats(rng, rows * cols, -5, 5);
    const up = randomFloats(rng, rows * cols);
    const { a, dz } = run(name, 'softmaxForward', 'softmaxBackward', z, up, rows, cols);
    const s = softmaxRows(z, rows, cols);
    expectClose(a, s, 1e-6, 1e-7, 'softmax forward');
    // dz_i = s_i (up_i − Σ_k up_k s_k)
    const expected = new Float64Array(z.length);
    for (let r = 0; r < rows; r++) {
      let dot = 0;
      for (let k = 0; k < cols; k++) dot += up[r * cols + k] * s[r * cols + k];
      for (let k = 0; k < cols; k++) expected[r * cols + k] = s[r * cols + k] * (up[r * cols + k] - dot);
    }
    expectClose(dz, expected, 1e-5, 1e-6, 'softmax backward');
  });

  it('softmax rows sum to 1 and stay finite for logits of ±1e4', () => {
    const z = Float32Array.from([1e4, -1e4, 0, 1e4, 1e4, 1e4, -1e4, -1e4, -1e4]);
    const { a } = run(name, 'softmaxForward', 'softmaxBackward', z, new Float32Array(9), 3, 3);
    expect(Array.from(a).every(Number.isFinite)).toBe(true);
    for (let r = 0; r < 3; r++) expect(a[3 * r] + a[3 * r + 1] + a[3 * r + 2]).toBeCloseTo(1, 6);
    expect(Array.from(a.subarray(0, 3))).toEqual([1, 0, 0]);
  });

  for (const [act, forward, f] of [['sigmoid', 'sigmoidForward', sigmoid], ['tanh', 'tanhForward', Math.tanh]] as const) {
    it(`${act} is within 1e-7 absolute of the float64 formula on [−100, 100], ±0 and saturation`, () => {
      const n = 200_001;
      const z = new Float32Array(n + 8);
      for (let i = 0; i < n; i++) z[i] = -100 + (200 * i) / (n - 1);
      z.set([0, -0, 1e-30, -1e-7, 0.625, -0.625, 88.7, -88.7], n);
      const { a } = run(name, forward, forward.replace('Forward', 'Backward') as keyof Kernels, z, new Float32Array(z.length), 1, z.length);
      let worst = 0;
      let at = 0;
      for (let i = 0; i < z.length; i++) {
        const err = Math.abs(a[i] - f(z[i]));
        if (!(err <= worst)) [worst, at] = [err, z[i]];
      }
      expect(worst, `worst at z = ${at}`).toBeLessThanOrEqual(1e-7);
      expect(a[n + 0]).toBe(f(0));
    });
  }
});

describe.each(WASM_BUILDS)('activation kernels: %s against JS', (build) => {
  for (const act of [...ELEMENTWISE, { name: 'softmax', forward: 'softmaxForward' as const, backward: 'softmaxBackward' as const }]) {
    it.each(SHAPES.filter(([, c]) => act.name !== 'softmax' || c > 1))(`${act.name}, %i × %i`, (rows, cols) => {
      const rng = new Random(rows * 31 + cols);
      const z = randomFloats(rng, rows * cols, -8, 8);
      const up = randomFloats(rng, rows * cols);
      const w = run(build, act.forward, act.backward, z, up, rows, cols);
      const j = run('js', act.forward, act.backward, z, up, rows, cols);
      expectParity(w.a, j.a, `${act.name} forward`);
      expectParity(w.dz, j.dz, `${act.name} backward`);
    });
  }
});

describe.each(SAME_BITS)('activation kernels: %s against %s, bit for bit', (threads, one) => {
  const ALL = [...ELEMENTWISE, { name: 'softmax', forward: 'softmaxForward' as const, backward: 'softmaxBackward' as const }];
  for (const act of ALL) {
    // Beyond the fixed sizes, rows that leave the second thread a short slice, and a block that ends mid-vector.
    it.each([...SHAPES, [129, 127] as const, [37, 9] as const])(`${act.name}, %i × %i`, (rows, cols) => {
      const rng = new Random(rows * 53 + cols);
      const z = randomFloats(rng, rows * cols, -8, 8);
      const up = randomFloats(rng, rows * cols);
      const t = run(threads, act.forward, act.backward, z, up, rows, cols);
      const o = run(one, act.forward, act.backward, z, up, rows, cols);
      expectSameBits(t.a, o.a, `${act.name} forward`);
      expectSameBits(t.dz, o.dz, `${act.name} backward`);
    });
  }

  it('cut every activation across the threads', () => expectSplit(ALL.flatMap((a) => [a.forward, a.backward])));
});
