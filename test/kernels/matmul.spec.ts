// The matmul family on every backend: forward (z = x·wᵀ + b), weightGradients (dw = scale·Δᵀ·x,
// db = scale·ΣΔ) and propagateDelta (dx = Δ·w), against float64 references and Wasm vs JS.
import { describe, expect, it } from 'vitest';
import { Random } from '../../src/random.js';
import { PACK_FLOATS } from '../../src/kernels.js';
import {
  BACKENDS, SAME_BITS, SIZES, WASM_BUILDS, Scratch, expectClose, expectParity, expectSameBits, expectSplit, openBackend, randomFloats, randomShapes, type Name,
} from './harness.js';

type Shape = { batch: number; inputs: number; units: number };
const SHAPES: Shape[] = [
  ...SIZES.flatMap((batch) => SIZES.flatMap((inputs) => SIZES.map((units) => ({ batch, inputs, units })))),
  ...randomShapes(99, 6, 200).map(([batch, inputs, units]) => ({ batch, inputs, units })),
];
/** Awkward sizes around the register tiles (4 and 8 wide) and SIMD width: each dimension in turn, the others fixed. */
const AWKWARD = [1, 3, 5, 17, 63, 65, 127, 129];
const AWKWARD_SHAPES: Shape[] = AWKWARD.flatMap((v) => [
  { batch: v, inputs: 33, units: 9 },
  { batch: 6, inputs: v, units: 9 },
  { batch: 6, inputs: 33, units: v },
  { batch: v, inputs: v, units: v },
]);
/**
 * Wide layers, which run the cache-blocked products (assembly/packed.ts), at sizes straddling
 * their blocks: dw/dx blocks of 256 samples or units × 128 inputs in strips of 8, from 2^16
 * weights and 4 samples on (dx on relaxed SIMD: from 64 samples, or 2^18 weights); forward blocks of 2^17 floats of w (whole rows) from 2^18
 * weights on; tails of 1–3 in the 4-wide register tiles, odd batches and batch 1.
 */
const BLOCKED: Shape[] = [
  { batch: 257, inputs: 129, units: 511 },
  { batch: 5, inputs: 255, units: 259 },
  { batch: 4, inputs: 127, units: 1025 },
  { batch: 63, inputs: 258, units: 255 },
  { batch: 3, inputs: 385, units: 2731 },
  { batch: 67, inputs: 1027, units: 1023 },
  { batch: 9, inputs: 515, units: 517 },
  { batch: 1, inputs: 385, units: 2731 },
];
const label = (s: Shape) => `${s.batch}×${s.inputs}→${s.units}`;

function data(s: Shape, seed: number) {
  const rng = new Random(seed);
  return {
    x: randomFloats(rng, s.batch * s.inputs),
    w: randomFloats(rng, s.units * s.inputs),
    b: randomFloats(rng, s.units),
    delta: randomFloats(rng, s.batch * s.units),
  };
}

/** Absolute tolerance for a float32 sum of n products of values in [−1, 1]. */
const sumTol = (n: number) => 2e-6 * Math.sqrt(n) + 1e-6;

/** Garbage after the packing buffer, which no kernel may touch. */
const GUARD = 64;

/**
 * A packing buffer of PACK_FLOATS per thread, as the engine's layout gives (or 0, none: the
 * direct loops), run `call` with it, and check nothing past it was written.
 */
function withPack(m: Scratch, packed: boolean, call: (pack: number) => void): void {
  if (!packed) return call(0);
  const size = m.backend.threads * PACK_FLOATS;
  const pack = m.put(new Float32Array(size + GUARD).fill(Number.NaN));
  call(pack);
  expect(m.get(pack + size, GUARD).every(Number.isNaN), 'nothing written past the packing buffers').toBe(true);
}

function forwardOn(name: Name, s: Shape, d: ReturnType<typeof data>, hasBias: number, packed = true) {
  const m = new Scratch(name);
  const x = m.put(d.x), w = m.put(d.w), b = m.put(d.b), z = m.put(s.batch * s.units);
  withPack(m, packed, (pack) => m.backend.kernels.forward(x, w, b, z, pack, s.batch, s.inputs, s.units, hasBias));
  return m.get(z, s.batch * s.units);
}

function gradientsOn(name: Name, s: Shape, d: ReturnType<typeof data>, scale: number, packed = true) {
  const m = new Scratch(name);
  const delta = m.put(d.delta), x = m.put(d.x);
  // Fill the outputs with garbage first: the kernel must overwrite, not add to, them.
  const dw = m.put(new Float32Array(s.units * s.inputs).fill(7)), db = m.put(new Float32Array(s.units).fill(7));
  withPack(m, packed, (pack) => m.backend.kernels.weightGradients(delta, x, dw, db, pack, s.batch, s.inputs, s.units, scale, 1));
  return { dw: m.get(dw, s.units * s.inputs), db: m.get(db, s.units) };
}

function propagateOn(name: Name, s: Shape, d: ReturnType<typeof data>, packed = true) {
  const m = new Scratch(name);
  const delta = m.put(d.delta), w = m.put(d.w), dx = m.put(new Float32Array(s.batch * s.inputs).fill(7));
  withPack(m, packed, (pack) => m.backend.kernels.propagateDelta(delta, w, dx, pack, s.batch, s.inputs, s.units));
  return m.get(dx, s.batch * s.inputs);
}

/** The float64 references: z = x·wᵀ + b, dw = scale·Δᵀ·x with db = scale·ΣΔ, and dx = Δ·w. */
function forwardReference(s: Shape, d: ReturnType<typeof data>): Float64Array {
  const expected = new Float64Array(s.batch * s.units);
  for (let n = 0; n < s.batch; n++)
    for (let j = 0; j < s.units; j++) {
      let sum = d.b[j];
      for (let k = 0; k < s.inputs; k++) sum += d.x[n * s.inputs + k] * d.w[j * s.inputs + k];
      expected[n * s.units + j] = sum;
    }
  return expected;
}

function gradientsReference(s: Shape, d: ReturnType<typeof data>, scale: number): { dw: Float64Array; db: Float64Array } {
  const dw = new Float64Array(s.units * s.inputs);
  const db = new Float64Array(s.units);
  for (let n = 0; n < s.batch; n++)
    for (let j = 0; j < s.units; j++) {
      const dj = d.delta[n * s.units + j];
      db[j] += dj * scale;
      for (let k = 0; k < s.inputs; k++) dw[j * s.inputs + k] += dj * d.x[n * s.inputs + k] * scale;
    }
  return { dw, db };
}

function propagateReference(s: Shape, d: ReturnType<typeof data>): Float64Array {
  const dx = new Float64Array(s.batch * s.inputs);
  for (let n = 0; n < s.batch; n++)
    for (let j = 0; j < s.units; j++)
      for (let k = 0; k < s.inputs; k++) dx[n * s.inputs + k] += d.delta[n * s.units + j] * d.w[j * s.inputs + k];
  return dx;
}

describe.each(BACKENDS)('matmul kernels (%s)', (name) => {
  it.each([...SHAPES, ...BLOCKED].map((s) => [label(s), s] as const))('forward %s equals x·wᵀ + b', (_, s) => {
    const d = data(s, s.batch * 1000 + s.inputs * 10 + s.units);
    const expected = forwardReference(s, d);
    expectClose(forwardOn(name, s, d, 1), expected, 1e-5, sumTol(s.inputs), `forward ${label(s)}`);
    const noBias = forwardOn(name, s, d, 0);
    expectClose(noBias, expected.map((v, i) => v - d.b[i % s.units]), 1e-5, sumTol(s.inputs), `forward without bias ${label(s)}`);
  });

  it.each([...SHAPES, ...BLOCKED].map((s) => [label(s), s] as const))('weightGradients %s equals scale·Δᵀ·x and scale·ΣΔ', (_, s) => {
    const d = data(s, 7 + s.batch * 1000 + s.inputs * 10 + s.units);
    const scale = 1 / s.batch;
    const { dw, db } = gradientsReference(s, d, scale);
    const got = gradientsOn(name, s, d, scale);
    expectClose(got.dw, dw, 1e-5, sumTol(s.batch), `dw ${label(s)}`);
    expectClose(got.db, db, 1e-5, sumTol(s.batch), `db ${label(s)}`);
  });

  it.each([...SHAPES, ...BLOCKED].map((s) => [label(s), s] as const))('propagateDelta %s equals Δ·w', (_, s) => {
    const d = data(s, 13 + s.batch * 1000 + s.inputs * 10 + s.units);
    expectClose(propagateOn(name, s, d), propagateReference(s, d), 1e-5, sumTol(s.units), `dx ${label(s)}`);
  });

  it('keeps the arena and the results right after reserve() grows memory', () => {
    const s = { batch: 3, inputs: 17, units: 5 };
    const d = data(s, 5);
    const m = new Scratch(name);
    const x = m.put(d.x), w = m.put(d.w), b = m.put(d.b);
    const before = m.backend.f32;
    m.backend.reserve(m.backend.f32.length + 4_000_000); // forces memory.grow on Wasm
    expect(m.get(x, d.x.length)).toEqual(d.x); // contents survive the grow
    const z = m.put(s.batch * s.units);
    m.backend.kernels.forward(x, w, b, z, 0, s.batch, s.inputs, s.units, 1);
    expect(m.backend.f32.length).toBeGreaterThan(before.length); // the view was re-derived
    expectParity(m.get(z, 15), forwardOn('js', s, d, 1), 'forward after grow');
  });

  it('dispose() lets go of the arena', async () => {
    const m = new Scratch(await openBackend(name));
    m.put(randomFloats(new Random(8), 1000));
    expect(m.backend.f32.length).toBeGreaterThan(1000);
    m.backend.dispose();
    expect(m.backend.f32.length).toBe(0);
    if (name !== 'js') expect(() => m.backend.kernels.countNonFinite(0, 1)).toThrow(/disposed/);
  });
});

/** Parity for a sum of n terms: 1e-5, or for the long sums of wide layers the float32 rounding sumTol allows (blocking changes no sum: see below). */
const parityTol = (n: number) => (n > 256 ? sumTol(n) : 1e-5);

describe.each(WASM_BUILDS)('matmul kernels: %s against JS', (build) => {
  it.each([...SHAPES, ...AWKWARD_SHAPES, ...BLOCKED].map((s) => [label(s), s] as const))('%s within relative 1e-5 (wide: sumTol)', (_, s) => {
    const d = data(s, 31 + s.batch + s.inputs + s.units);
    expectParity(forwardOn(build, s, d, 1), forwardOn('js', s, d, 1), 'forward', parityTol(s.inputs));
    const gw = gradientsOn(build, s, d, 1 / s.batch);
    const gj = gradientsOn('js', s, d, 1 / s.batch);
    expectParity(gw.dw, gj.dw, 'dw', parityTol(s.batch));
    expectParity(gw.db, gj.db, 'db', parityTol(s.batch));
    expectParity(propagateOn(build, s, d), propagateOn('js', s, d), 'dx', parityTol(s.units));
  });
});

// Sparse inputs (MNIST's empty margins, one-hot columns, all-zero samples): z skips the 4-input
// groups where a pair of samples is all zero, dw the samples whose 8 inputs in a strip are all zero.
// (130 × 2100: too many pairs' lists to keep, so each block lists each pair again; → 130 runs 3 blocks.)
const SPARSE: Shape[] = [
  ...BLOCKED, { batch: 128, inputs: 784, units: 1024 }, { batch: 6, inputs: 33, units: 9 }, { batch: 65, inputs: 129, units: 63 },
  { batch: 130, inputs: 2100, units: 130 },
];

/** data with x mostly zero: each sample keeps half its values inside a window of its inputs, one in five samples none; some zeros are −0. */
function sparseData(s: Shape, seed: number): ReturnType<typeof data> {
  const d = data(s, seed);
  const rng = new Random(seed + 1);
  for (let n = 0; n < s.batch; n++) {
    const from = Math.floor(rng.uniform() * s.inputs);
    const to = from + Math.floor(rng.uniform() * (s.inputs - from) * 0.5);
    const empty = rng.uniform() < 0.2;
    for (let k = 0; k < s.inputs; k++) {
      const i = n * s.inputs + k;
      if (empty || k < from || k >= to || rng.uniform() < 0.5) d.x[i] = rng.uniform() < 0.1 ? -0 : 0;
    }
  }
  return d;
}

/** data with a few zeros: inputs 4–7 zero in every sample and every 16th sample all zero, so the products find a little to skip, too little to list. */
function nearlyDenseData(s: Shape, seed: number): ReturnType<typeof data> {
  const d = data(s, seed);
  for (let n = 0; n < s.batch; n++)
    for (let k = 0; k < s.inputs; k++) if ((k >= 4 && k < 8) || n % 16 === 15) d.x[n * s.inputs + k] = 0;
  return d;
}

/**
 * data with Δ half zero, as ReLU and dropout leave a hidden layer's (some zeros −0), one sample in
 * eight and one unit in eight with no non-zero delta at all: dw and dx sum over lists of the
 * non-zero deltas (assembly/rows.ts).
 */
function sparseDeltaData(s: Shape, seed: number): ReturnType<typeof data> {
  const d = data(s, seed);
  const rng = new Random(seed + 2);
  for (let n = 0; n < s.batch; n++)
    for (let j = 0; j < s.units; j++) {
      if (n % 8 === 5 || j % 8 === 3 || rng.uniform() < 0.5) d.delta[n * s.units + j] = rng.uniform() < 0.1 ? -0 : 0;
    }
  return d;
}

/** sparseDeltaData on sparseData's inputs: dw weighs the lists against the tiles that skip zero inputs. */
function sparseBothData(s: Shape, seed: number): ReturnType<typeof data> {
  const d = sparseData(s, seed);
  d.delta = sparseDeltaData(s, seed).delta;
  return d;
}

/** data with 1 delta in 5 zero: dense enough that the tiles stay faster than lists. */
function fewZeroDeltaData(s: Shape, seed: number): ReturnType<typeof data> {
  const d = data(s, seed);
  for (let i = 0; i < d.delta.length; i++) if (i % 5 === 2) d.delta[i] = 0;
  return d;
}

describe.each(BACKENDS)('matmul kernels on sparse deltas (%s)', (name) => {
  it.each(SPARSE.flatMap((s) => [[label(s), s, sparseDeltaData], [`${label(s)} sparse inputs too`, s, sparseBothData], [`${label(s)} few zeros`, s, fewZeroDeltaData]] as const))('%s: weightGradients and propagateDelta equal the float64 references', (_, s, made) => {
    const d = made(s, 71 + s.batch + s.inputs + s.units);
    const scale = 1 / s.batch;
    const { dw, db } = gradientsReference(s, d, scale);
    const got = gradientsOn(name, s, d, scale);
    expectClose(got.dw, dw, 1e-5, sumTol(s.batch), `dw ${label(s)}`);
    expectClose(got.db, db, 1e-5, sumTol(s.batch), `db ${label(s)}`);
    expectClose(propagateOn(name, s, d), propagateReference(s, d), 1e-5, sumTol(s.units), `dx ${label(s)}`);
  });
});

describe.each(BACKENDS)('matmul kernels on sparse inputs (%s)', (name) => {
  it.each(SPARSE.flatMap((s) => [[label(s), s, sparseData], [`${label(s)} nearly dense`, s, nearlyDenseData]] as const))('%s: forward and weightGradients equal the float64 references', (_, s, made) => {
    const d = made(s, 61 + s.batch + s.inputs + s.units);
    expectClose(forwardOn(name, s, d, 1), forwardReference(s, d), 1e-5, sumTol(s.inputs), `forward ${label(s)}`);
    const scale = 1 / s.batch;
    const { dw, db } = gradientsReference(s, d, scale);
    const got = gradientsOn(name, s, d, scale);
    expectClose(got.dw, dw, 1e-5, sumTol(s.batch), `dw ${label(s)}`);
    expectClose(got.db, db, 1e-5, sumTol(s.batch), `db ${label(s)}`);
  });
});

// The blocked products cut no output's sum: they give the direct loops' bits on every build.
// With sparse inputs they skip zeros too (z whole groups of 4 inputs, dw samples), and with sparse
// deltas dw and dx sum over lists of the non-zero ones: zeros add nothing to a sum.
const BIT_CASES = [
  ...BLOCKED.map((s) => [label(s), s, data] as const),
  ...SPARSE.map((s) => [`${label(s)} sparse`, s, sparseData] as const),
  ...SPARSE.map((s) => [`${label(s)} nearly dense`, s, nearlyDenseData] as const),
  ...SPARSE.map((s) => [`${label(s)} sparse deltas`, s, sparseDeltaData] as const),
  ...SPARSE.map((s) => [`${label(s)} sparse inputs and deltas`, s, sparseBothData] as const),
  ...SPARSE.map((s) => [`${label(s)} few zero deltas`, s, fewZeroDeltaData] as const),
];

describe.each(WASM_BUILDS)('matmul kernels: %s blocked against direct, bit for bit', (build) => {
  it.each(BIT_CASES)('%s', (_, s, made) => {
    const d = made(s, 47 + s.batch + s.inputs + s.units);
    expectSameBits(forwardOn(build, s, d, 1), forwardOn(build, s, d, 1, false), 'forward');
    const packed = gradientsOn(build, s, d, 1 / s.batch);
    const direct = gradientsOn(build, s, d, 1 / s.batch, false);
    expectSameBits(packed.dw, direct.dw, 'dw');
    expectSameBits(packed.db, direct.db, 'db');
    expectSameBits(propagateOn(build, s, d), propagateOn(build, s, d, false), 'dx');
  });
});

describe.each(SAME_BITS)('matmul kernels: %s against %s, bit for bit', (threads, one) => {
  it.each([...[...SHAPES, ...AWKWARD_SHAPES].map((s) => [label(s), s, data] as const), ...BIT_CASES])('%s', (_, s, made) => {
    const d = made(s, 43 + s.batch + s.inputs + s.units);
    expectSameBits(forwardOn(threads, s, d, 1), forwardOn(one, s, d, 1), 'forward');
    expectSameBits(forwardOn(threads, s, d, 0), forwardOn(one, s, d, 0), 'forward without bias');
    const gt = gradientsOn(threads, s, d, 1 / s.batch);
    const go = gradientsOn(one, s, d, 1 / s.batch);
    expectSameBits(gt.dw, go.dw, 'dw');
    expectSameBits(gt.db, go.db, 'db');
    expectSameBits(propagateOn(threads, s, d), propagateOn(one, s, d), 'dx');
  });

  it('cut every product across the threads', () => expectSplit(['forward', 'weightGradients', 'propagateDelta']));
});
