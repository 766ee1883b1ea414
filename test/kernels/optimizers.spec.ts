// The fused optimizer updates over a flat parameter vector, on every backend, against float64
// references written from each update's formula (Keras' forms, see src/kernels.ts).
import { describe, expect, it } from 'vitest';
import { Random } from '../../src/random.js';
import type { Kernels } from '../../src/kernels.js';
import {
  BACKENDS, SAME_BITS, SIZES, WASM_BUILDS, Scratch, expectClose, expectParity, expectSameBits, expectSplit, randomFloats, type Name,
} from './harness.js';

const COUNTS = [...SIZES, 101_770]; // the last: every parameter of a 784-128-10 network

/** Where one run's vectors sit: parameters, gradient and two state vectors (velocity, or Adam's m and v). */
interface At { p: number; g: number; s1: number; s2: number; count: number }

type Update = (k: Kernels, at: At) => void;

const LR = 0.1;
const MU = 0.9;
// ε large enough that where it enters (√v + ε for Adam, √(s + ε) for RMSprop) shows in the numbers.
const B1 = 0.9, B2 = 0.999, EPS = 1e-2, RHO = 0.9;

const UPDATES: Record<string, Update> = {
  sgd: (k, a) => k.sgdUpdate(a.p, a.g, a.count, LR),
  momentum: (k, a) => k.momentumUpdate(a.p, a.g, a.s1, a.count, LR, MU),
  nesterov: (k, a) => k.nesterovUpdate(a.p, a.g, a.s1, a.count, LR, MU),
  // A fixed step size, as the registry passes for step t (η·√(1−β₂ᵗ)/(1−β₁ᵗ)); the kernel does not know t.
  adam: (k, a) => k.adamUpdate(a.p, a.g, a.s1, a.s2, a.count, 0.05, 1 - B1, 1 - B2, EPS),
  rmsprop: (k, a) => k.rmspropUpdate(a.p, a.g, a.s1, a.count, LR, 1 - RHO, EPS),
};
type UpdateName = keyof typeof UPDATES;

/** The same updates in float64, element by element, from the formulas. */
const REFERENCE: Record<UpdateName, (p: Float64Array, g: Float32Array, s1: Float64Array, s2: Float64Array, i: number) => void> = {
  sgd: (p, g, _s1, _s2, i) => void (p[i] -= LR * g[i]),
  momentum: (p, g, v, _s2, i) => void (p[i] += (v[i] = MU * v[i] - LR * g[i])),
  nesterov: (p, g, v, _s2, i) => {
    v[i] = MU * v[i] - LR * g[i];
    p[i] += MU * v[i] - LR * g[i];
  },
  adam: (p, g, m, v, i) => {
    m[i] = B1 * m[i] + (1 - B1) * g[i];
    v[i] = B2 * v[i] + (1 - B2) * g[i] * g[i];
    p[i] -= (0.05 * m[i]) / (Math.sqrt(v[i]) + EPS);
  },
  rmsprop: (p, g, s, _s2, i) => {
    s[i] = RHO * s[i] + (1 - RHO) * g[i] * g[i];
    p[i] -= (LR * g[i]) / Math.sqrt(s[i] + EPS);
  },
};

function run(name: Name, update: Update, p0: Float32Array, grads: Float32Array[]) {
  const m = new Scratch(name);
  const count = p0.length;
  const at: At = { p: m.put(p0), g: m.put(count), s1: m.put(count), s2: m.put(count), count };
  for (const grad of grads) {
    m.backend.f32.set(grad, at.g);
    update(m.backend.kernels, at);
  }
  return { params: m.get(at.p, count), s1: m.get(at.s1, count), s2: m.get(at.s2, count), grads: m.get(at.g, count) };
}

function reference(which: UpdateName, p0: Float32Array, grads: Float32Array[]) {
  const p = Float64Array.from(p0);
  const s1 = new Float64Array(p0.length);
  const s2 = new Float64Array(p0.length);
  for (const g of grads) for (let i = 0; i < p.length; i++) REFERENCE[which](p, g, s1, s2, i);
  return { params: p, s1, s2 };
}

function data(seed: number, count: number, steps: number) {
  const rng = new Random(seed);
  return { p0: randomFloats(rng, count), grads: Array.from({ length: steps }, () => randomFloats(rng, count)) };
}

describe.each(BACKENDS)('optimizer kernels (%s)', (name) => {
  describe.each(Object.keys(UPDATES) as UpdateName[])('%s', (which) => {
    it.each(COUNTS)('three steps match the float64 formula, %i parameters', (count) => {
      const { p0, grads } = data(count + which.length, count, 3);
      const got = run(name, UPDATES[which], p0, grads);
      const want = reference(which, p0, grads);
      expectClose(got.params, want.params, 1e-5, 1e-6, `${which} params`);
      if (which !== 'sgd') expectClose(got.s1, want.s1, 1e-5, 1e-7, `${which} first state vector`);
      if (which === 'adam') expectClose(got.s2, want.s2, 1e-5, 1e-9, 'adam second moment');
      // The gradient is only read.
      expectClose(got.grads, grads[2], 0, 0, `${which} gradient untouched`);
    });
  });

  it.each(COUNTS)("sgdUpdate with a negative rate adds: L2's g += c·w, %i values", (count) => {
    const { p0: w, grads: [g] } = data(count + 7, count, 1);
    const m = new Scratch(name);
    const gAt = m.put(g), wAt = m.put(w);
    m.backend.kernels.sgdUpdate(gAt, wAt, count, -0.003);
    expectClose(m.get(gAt, count), Array.from(g, (v, i) => v + 0.003 * w[i]), 1e-6, 1e-7, 'g + c·w');
    expectClose(m.get(wAt, count), w, 0, 0, 'weights untouched');
  });
});

describe.each(BACKENDS)('optimizer kernels keep out of subnormal floats (%s)', (name) => {
  // A weight whose gradient stays 0 (an MNIST border pixel): its state decays by β a step, and x86 takes ~100
  // cycles for each operation on a subnormal. State below 2⁻¹⁰⁰ is stored as 0 instead, on every backend.
  const COUNT = 13; // three vectors of four and a tail
  it.each(['momentum', 'nesterov', 'adam', 'rmsprop'] as UpdateName[])('%s: state that decays below 2⁻¹⁰⁰ becomes 0; larger state and tiny gradients are kept', (which) => {
    const m = new Scratch(name);
    const p0 = new Float32Array(COUNT).fill(0.5);
    const at: At = { p: m.put(p0), g: m.put(new Float32Array(COUNT)), s1: m.put(COUNT), s2: m.put(COUNT), count: COUNT };
    const f32 = m.backend.f32;
    f32.fill(2 ** -100 * 1.0005, at.s1, at.s1 + COUNT); // just above the flush line: one step of decay (×0.9 or ×0.999) crosses it
    f32.fill(2 ** -100 * 1.0005, at.s2, at.s2 + COUNT);
    f32[at.s1 + 3] = f32[at.s1 + 12] = 1e-20; // far above it: kept
    f32[at.s2 + 3] = f32[at.s2 + 12] = 1e-20;
    f32[at.g + 5] = f32[at.g + 11] = 1e-28; // tiny gradients still move m and the velocity
    UPDATES[which](m.backend.kernels, at);
    const s1 = m.get(at.s1, COUNT);
    const s2 = m.get(at.s2, COUNT);
    const decayed = [0, 1, 2, 4, 6, 7, 8, 9, 10];
    expectClose(decayed.map((i) => s1[i]), decayed.map(() => 0), 0, 0, `${which} state`);
    if (which === 'adam') expectClose(decayed.map((i) => s2[i]), decayed.map(() => 0), 0, 0, 'adam v');
    if (which === 'adam') expectClose([s2[3], s2[12]], [Math.fround(0.999 * 1e-20), Math.fround(0.999 * 1e-20)], 1e-6, 0, 'v kept');
    expect(s1[3]).toBeGreaterThan(1e-22);
    expect(s1[12]).toBeGreaterThan(1e-22);
    if (which !== 'rmsprop') expect(Math.abs(s1[5])).toBeGreaterThan(1e-33);
    if (which === 'adam') expect(s2[5]).toBe(0); // g² = 1e-56 would be subnormal: taken as 0
    expect(m.get(at.p, COUNT).every(Number.isFinite)).toBe(true);
  });
});

describe.each(WASM_BUILDS)('optimizer kernels: %s against JS over four steps', (build) => {
  describe.each(Object.keys(UPDATES) as UpdateName[])('%s', (which) => {
    it.each(COUNTS)('%i parameters', (count) => {
      const { p0, grads } = data(count + 2, count, 4);
      const wasm = run(build, UPDATES[which], p0, grads);
      const js = run('js', UPDATES[which], p0, grads);
      expectParity(wasm.params, js.params, `${which} params`);
      expectParity(wasm.s1, js.s1, `${which} state`);
      expectParity(wasm.s2, js.s2, `${which} second state`);
    });
  });
});

describe.each(SAME_BITS)('optimizer kernels: %s against %s over four steps, bit for bit', (threads, one) => {
  describe.each(Object.keys(UPDATES) as UpdateName[])('%s', (which) => {
    it.each(COUNTS)('%i parameters', (count) => {
      const { p0, grads } = data(count + 3, count, 4);
      const t = run(threads, UPDATES[which], p0, grads);
      const o = run(one, UPDATES[which], p0, grads);
      expectSameBits(t.params, o.params, `${which} params`);
      expectSameBits(t.s1, o.s1, `${which} state`);
      expectSameBits(t.s2, o.s2, `${which} second state`);
    });
  });

  it('cut every update across the threads', () => expectSplit(['sgdUpdate', 'momentumUpdate', 'nesterovUpdate', 'adamUpdate', 'rmspropUpdate']));
});

// brain.js's online update fused: the gradient of one sample is never stored. Against the two kernels it
// replaces, weightGradients (batch 1) then momentumUpdate, bit for bit on each backend, over three steps.
const OUTER_SHAPES: Array<[inputs: number, units: number]> = [[1, 1], [3, 5], [4, 4], [5, 17], [17, 3], [21, 3], [64, 5], [784, 128]];

function outerSteps(name: Name, fused: boolean, inputs: number, units: number) {
  const rng = new Random(inputs * 131 + units);
  const m = new Scratch(name);
  const count = inputs * units;
  const w = m.put(randomFloats(rng, count)), v = m.put(count), g = m.put(count), gb = m.put(units);
  // Every third input is 0 on every step and its velocity starts just above 2⁻¹⁰⁰: it decays across the flush line.
  const quiet = (x: Float32Array) => x.map((value, i) => (i % 3 === 1 ? 0 : value));
  const steps = Array.from({ length: 3 }, () => ({ delta: m.put(randomFloats(rng, units)), x: m.put(quiet(randomFloats(rng, inputs, 0, 1))) }));
  const f32 = m.backend.f32;
  for (let i = 1; i < count; i += 3) f32[v + i] = 2 ** -100 * 1.0005;
  const k = m.backend.kernels;
  for (const s of steps) {
    if (fused) {
      k.outerMomentumUpdate(s.delta, s.x, w, v, inputs, units, LR, MU);
    } else {
      k.weightGradients(s.delta, s.x, g, gb, 0, 1, inputs, units, 1, 0);
      k.momentumUpdate(w, g, v, count, LR, MU);
    }
  }
  return { weights: m.get(w, count), velocity: m.get(v, count) };
}

describe.each(BACKENDS)('outerMomentumUpdate (%s)', (name) => {
  it.each(OUTER_SHAPES)('%i inputs × %i units: the bits of weightGradients then momentumUpdate', (inputs, units) => {
    const fused = outerSteps(name, true, inputs, units);
    const apart = outerSteps(name, false, inputs, units);
    expectSameBits(fused.weights, apart.weights, 'weights');
    expectSameBits(fused.velocity, apart.velocity, 'velocity');
  });
});

describe.each(WASM_BUILDS)('outerMomentumUpdate: %s against JS', (build) => {
  it.each(OUTER_SHAPES)('%i inputs × %i units', (inputs, units) => {
    const wasm = outerSteps(build, true, inputs, units);
    const js = outerSteps('js', true, inputs, units);
    expectParity(wasm.weights, js.weights, 'weights');
    expectParity(wasm.velocity, js.velocity, 'velocity');
  });
});

describe.each(SAME_BITS)('outerMomentumUpdate: %s against %s, bit for bit', (threads, one) => {
  it.each(OUTER_SHAPES)('%i inputs × %i units', (inputs, units) => {
    const t = outerSteps(threads, true, inputs, units);
    const o = outerSteps(one, true, inputs, units);
    expectSameBits(t.weights, o.weights, 'weights');
    expectSameBits(t.velocity, o.velocity, 'velocity');
  });

  it('cut it across the threads', () => expectSplit(['outerMomentumUpdate']));
});
