// countNonFinite finds NaN and ±Infinity wherever they sit, including every SIMD tail position.
import { describe, expect, it } from 'vitest';
import { BACKENDS, SIZES, Scratch, WASM_BUILDS, expectSplit } from './harness.js';

describe.each(BACKENDS)('countNonFinite (%s)', (name) => {
  it.each(SIZES)('finds one bad value at every position of %i floats', (count) => {
    for (const bad of [NaN, Infinity, -Infinity]) {
      for (let at = 0; at < count; at++) {
        const values = new Float32Array(count).fill(1.5);
        values[at] = bad;
        const m = new Scratch(name);
        expect(m.backend.kernels.countNonFinite(m.put(values), count), `${bad} at ${at}`).toBe(1);
      }
    }
  });

  it('counts all of them and ignores huge finite values, −0 and denormals', () => {
    const values = Float32Array.from([NaN, 3.4e38, -0, 1e-45, Infinity, -3.4e38, -Infinity, 0, NaN]);
    const m = new Scratch(name);
    expect(m.backend.kernels.countNonFinite(m.put(values), values.length)).toBe(4);
    expect(m.backend.kernels.countNonFinite(m.put(new Float32Array(0)), 0)).toBe(0);
  });

  it('does not mistake many huge finite values, whose float32 sum overflows, for infinities', () => {
    const m = new Scratch(name);
    const huge = m.put(new Float32Array(1001).fill(3.4e38));
    expect(m.backend.kernels.countNonFinite(huge, 1001)).toBe(0);
    m.backend.f32[huge + 1000] = -Infinity;
    expect(m.backend.kernels.countNonFinite(huge, 1001)).toBe(1);
  });
});

describe('countNonFinite on the threads', () => {
  it('was cut across the threads, each slice counting its part', () => expectSplit(['countNonFinite']));
});

describe('kernel builds', () => {
  it('the test runtime validates both Wasm builds, so both are tested', () => {
    expect(WASM_BUILDS).toEqual(['wasm-relaxed-simd', 'wasm-simd']);
  });
});
