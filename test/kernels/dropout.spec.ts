// Dropout's kernels on every backend: the mask is a hash of (key, index), so each backend, each
// thread slice and the backward pass must give the reference's values to the bit.
import { describe, expect, it } from 'vitest';
import { dropoutMask } from '../../src/kernels.js';
import { dropoutDraw } from '../../src/backends/js/dropout.js';
import { Random } from '../../src/random.js';
import { BACKENDS, SIZES, Scratch, expectSameBits, expectSplit, randomFloats } from './harness.js';

/** value · scale where draw(key, i) ≥ threshold, else 0, rounded to float32 as the kernels store it. */
function reference(values: Float32Array, key: number, p: number): Float32Array {
  const { threshold, scale } = dropoutMask(p);
  return values.map((v, i) => (dropoutDraw(key, i) >= threshold ? v * scale : 0));
}

const COUNTS = [...SIZES, 4099];
const KEYS = [0, 1, 0x9e3779b9, 0xffffffff];

describe.each(BACKENDS)('dropout kernels (%s)', (name) => {
  it.each(COUNTS)('forward and backward draw the reference mask, %i values', (count) => {
    const rng = new Random(count);
    const m = new Scratch(name);
    for (const key of KEYS) {
      for (const p of [0.1, 0.5, 0.9]) {
        const { threshold, scale } = dropoutMask(p);
        const a = randomFloats(rng, count), delta = randomFloats(rng, count);
        const ap = m.put(a), out = m.put(count), dp = m.put(delta);
        m.backend.kernels.dropout(ap, out, count, key, threshold, scale);
        m.backend.kernels.dropoutDelta(dp, count, key, threshold, scale);
        expectSameBits(m.get(out, count), reference(a, key, p), `forward, key ${key}, p ${p}`);
        expectSameBits(m.get(dp, count), reference(delta, key, p), `backward, key ${key}, p ${p}`);
        expectSameBits(m.get(ap, count), a, 'the input is left as it was');
      }
    }
  });

  it('drops non-finite values to +0 and keeps them where kept', () => {
    const m = new Scratch(name);
    const a = Float32Array.from({ length: 64 }, (_, i) => [Infinity, -Infinity, NaN, -0][i % 4]);
    const ap = m.put(a), out = m.put(64);
    const { threshold, scale } = dropoutMask(0.5);
    m.backend.kernels.dropout(ap, out, 64, 7, threshold, scale);
    const got = m.get(out, 64);
    got.forEach((v, i) => {
      if (dropoutDraw(7, i) < threshold) expect(Object.is(v, 0), `element ${i}`).toBe(true);
      else expect(Object.is(v, a[i] * scale), `element ${i}`).toBe(true);
    });
  });
});

describe('the dropout draw', () => {
  it('drops a fraction p of many values, and the key changes which', () => {
    for (const p of [0.05, 0.2, 0.5, 0.8]) {
      const { threshold } = dropoutMask(p);
      const n = 200_000;
      let dropped = 0, both = 0;
      for (let i = 0; i < n; i++) {
        const d1 = dropoutDraw(12345, i) < threshold;
        const d2 = dropoutDraw(12346, i) < threshold;
        dropped += d1 ? 1 : 0;
        both += d1 && d2 ? 1 : 0;
      }
      // Binomial: 5 standard deviations of the fraction.
      const sd = Math.sqrt((p * (1 - p)) / n);
      expect(Math.abs(dropped / n - p), `p ${p}`).toBeLessThan(5 * sd);
      expect(Math.abs(both / n - p * p), `neighbouring keys independent, p ${p}`).toBeLessThan(5 * Math.sqrt((p * p * (1 - p * p)) / n));
    }
  });

  it('rounds the scale to float32 and keeps the threshold a uint32', () => {
    expect(dropoutMask(0.3).scale).toBe(Math.fround(1 / 0.7));
    expect(dropoutMask(0.5).threshold).toBe(2 ** 31);
    expect(dropoutMask(1 - 2 ** -40).threshold).toBe(0xffffffff);
  });
});

describe('dropout kernels on the threads', () => {
  it('were cut across the threads', () => expectSplit(['dropout', 'dropoutDelta']));
});
