// The matmul family on every backend: forward (z = x·wᵀ + b), weightGradients (dw = scale·Δᵀ·x,
// db = scale·ΣΔ) and propagateDelta (dx = Δ·w), against float64 references and Wasm vs JS.
import { describe, expect, it } from 'vitest';
import { Random } from '../../src/random.js';
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

function forwardOn(name: Name, s: Shape, d: ReturnType<typeof data>, hasBias: number) {
  const m = new Scratch(name);
  const x = m.put(d.x), w = m.put(d.w), b = m.put(d.b), z = m.put(s.batch * s.units);
  m.backend.kernels.forward(x, w, b, z, s.batch, s.inputs, s.units, hasBias);
  return m.get(z, s.batch * s.units);
}

function gradientsOn(name: Name, s: Shape, d: ReturnType<typeof data>, scale: number) {
  const m = new Scratch(name);
  const delta = m.put(d.delta), x = m.put(d.x);
  // Fill the outputs with garbage first: the kernel must overwrite, not add to, them.
  const dw = m.put(new Float32Array(s.units * s.inputs).fill(7)), db = m.put(new Float32Array(s.units).fill(7));
  m.backend.kernels.weightGradients(delta, x, dw, db, s.batch, s.inputs, s.units, scale, 1);
  return { dw: m.get(dw, s.units * s.inputs), db: m.get(db, s.units) };
}

function propagateOn(name: Name, s: Shape, d: ReturnType<typeof data>) {
  const m = new Scratch(name);
  const delta = m.put(d.delta), w = m.put(d.w), dx = m.put(new Float32Array(s.batch * s.inputs).fill(7));
  m.backend.kernels.propagateDelta(delta, w, dx, s.batch, s.inputs, s.units);
  return m.get(dx, s.batch * s.inputs);
}

describe.each(BACKENDS)('matmul kernels (%s)', (name) => {
  it.each(SHAPES.map((s) => [label(s), s] as const))('forward %s equals x·wᵀ + b', (_, s) => {
    const d = data(s, s.batch * 1000 + s.inputs * 10 + s.units);
    const expected = new Float64Array(s.batch * s.units);
    for (let n = 0; n < s.batch; n++)
      for (let j = 0; j < s.units; j++) {
        let sum = d.b[j];
        for (let k = 0; k < s.inputs; k++) sum += d.x[n * s.inputs + k] * d.w[j * s.inputs + k];
        expected[n * s.units + j] = sum;
      }
    expectClose(forwardOn(name, s, d, 1), expected, 1e-5, sumTol(s.inputs), `forward ${label(s)}`);
    const noBias = forwardOn(name, s, d, 0);
    expectClose(noBias, expected.map((v, i) => v - d.b[i % s.units]), 1e-5, sumTol(s.inputs), `forward without bias ${label(s)}`);
  });

  it.each(SHAPES.map((s) => [label(s), s] as const))('weightGradients %s equals scale·Δᵀ·x and scale·ΣΔ', (_, s) => {
    const d = data(s, 7 + s.batch * 1000 + s.inputs * 10 + s.units);
    const scale = 1 / s.batch;
    const dw = new Float64Array(s.units * s.inputs);
    const db = new Float64Array(s.units);
    for (let n = 0; n < s.batch; n++)
      for (let j = 0; j < s.units; j++) {
        const dj = d.delta[n * s.units + j];
        db[j] += dj * scale;
        for (let k = 0; k < s.inputs; k++) dw[j * s.inputs + k] += dj * d.x[n * s.inputs + k] * scale;
      }
    const got = gradientsOn(name, s, d, scale);
    expectClose(got.dw, dw, 1e-5, sumTol(s.batch), `dw ${label(s)}`);
    expectClose(got.db, db, 1e-5, sumTol(s.batch), `db ${label(s)}`);
  });

  it.each(SHAPES.map((s) => [label(s), s] as const))('propagateDelta %s equals Δ·w', (_, s) => {
    const d = data(s, 13 + s.batch * 1000 + s.inputs * 10 + s.units);
    const dx = new Float64Array(s.batch * s.inputs);
    for (let n = 0; n < s.batch; n++)
      for (let j = 0; j < s.units; j++)
        for (let k = 0; k < s.inputs; k++) dx[n * s.inputs + k] += d.delta[n * s.units + j] * d.w[j * s.inputs + k];
    expectClose(propagateOn(name, s, d), dx, 1e-5, sumTol(s.units), `dx ${label(s)}`);
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
    m.backend.kernels.forward(x, w, b, z, s.batch, s.inputs, s.units, 1);
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

describe.each(WASM_BUILDS)('matmul kernels: %s against JS', (build) => {
  it.each([...SHAPES, ...AWKWARD_SHAPES].map((s) => [label(s), s] as const))('%s within relative 1e-5', (_, s) => {
    const d = data(s, 31 + s.batch + s.inputs + s.units);
    expectParity(forwardOn(build, s, d, 1), forwardOn('js', s, d, 1), 'forward');
    const gw = gradientsOn(build, s, d, 1 / s.batch);
    const gj = gradientsOn('js', s, d, 1 / s.batch);
    expectParity(gw.dw, gj.dw, 'dw');
    expectParity(gw.db, gj.db, 'db');
    expectParity(propagateOn(build, s, d), propagateOn('js', s, d), 'dx');
  });
});

describe.each(SAME_BITS)('matmul kernels: %s against %s, bit for bit', (threads, one) => {
  it.each([...SHAPES, ...AWKWARD_SHAPES].map((s) => [label(s), s] as const))('%s', (_, s) => {
    const d = data(s, 43 + s.batch + s.inputs + s.units);
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
