// The fused optimizer updates over a flat parameter vector, on every backend.
import { describe, it } from 'vitest';
import { Random } from '../../src/random.js';
import { BACKENDS, WASM_BUILDS, SIZES, Scratch, expectClose, expectParity, randomFloats, type Name } from './harness.js';

const COUNTS = [...SIZES, 101_770]; // the last: every parameter of a 784-128-10 network

function steps(name: Name, p0: Float32Array, grads: Float32Array[], optimizer: 'sgd' | 'momentum') {
  const m = new Scratch(name);
  const p = m.put(p0), g = m.put(p0.length), v = m.put(p0.length);
  for (const grad of grads) {
    m.backend.f32.set(grad, g);
    if (optimizer === 'sgd') m.backend.kernels.sgdUpdate(p, g, p0.length, 0.1);
    else m.backend.kernels.momentumUpdate(p, g, v, p0.length, 0.1, 0.9);
  }
  return { params: m.get(p, p0.length), velocity: m.get(v, p0.length) };
}

describe.each(BACKENDS)('optimizer kernels (%s)', (name) => {
  it.each(COUNTS)('sgd: p −= η·g, %i parameters', (count) => {
    const rng = new Random(count);
    const p0 = randomFloats(rng, count);
    const g = randomFloats(rng, count);
    expectClose(steps(name, p0, [g], 'sgd').params, Array.from(p0, (p, i) => p - 0.1 * g[i]), 1e-6, 1e-7, 'sgd');
  });

  it.each(COUNTS)('momentum: v = μv − ηg, p += v over three steps, %i parameters', (count) => {
    const rng = new Random(count + 1);
    const p0 = randomFloats(rng, count);
    const gs = [randomFloats(rng, count), randomFloats(rng, count), randomFloats(rng, count)];
    const p = Float64Array.from(p0);
    const v = new Float64Array(count);
    for (const g of gs) for (let i = 0; i < count; i++) p[i] += (v[i] = 0.9 * v[i] - 0.1 * g[i]);
    const got = steps(name, p0, gs, 'momentum');
    expectClose(got.params, p, 1e-5, 1e-6, 'momentum params');
    expectClose(got.velocity, v, 1e-5, 1e-6, 'momentum velocity');
  });
});

describe.each(WASM_BUILDS)('optimizer kernels: %s against JS', (build) => {
  it.each(COUNTS)('%i parameters', (count) => {
    const rng = new Random(count + 2);
    const p0 = randomFloats(rng, count);
    const gs = [randomFloats(rng, count), randomFloats(rng, count)];
    expectParity(steps(build, p0, gs, 'sgd').params, steps('js', p0, gs, 'sgd').params, 'sgd');
    expectParity(steps(build, p0, gs, 'momentum').params, steps('js', p0, gs, 'momentum').params, 'momentum');
  });
});
