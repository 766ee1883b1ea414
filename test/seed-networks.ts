// The small networks of the worked examples (the learners' notes this project grew from, not shipped in the repo), built with their exact weights,
// and the comparison helpers test/worked-examples.spec.ts uses against float64 references.
import { expect } from 'vitest';
import type { Network } from '../src/index.js';
import type { Row } from './backends.js';

/**
 * Float32 tolerance: |actual − expected| ≤ REL·max(|expected|, scale) + ABS. REL = 1e-6 is about
 * 16 ulps of a float32 (2⁻²⁴ ≈ 6e-8 relative rounding error per operation). `scale` is the size
 * of the operands a value was computed from when that is larger than the value itself: a
 * difference such as pred − goal, or a sum of terms of both signs, carries the rounding error of
 * its operands, not of its result. ABS = 1e-9 only matters for values that are exactly zero.
 */
export const REL = 1e-6;
export const ABS = 1e-9;

/** Assert each library value against its float64 reference, naming the entry that differs. */
export function expectClose(
  actual: ArrayLike<number> | number,
  expected: readonly number[] | number,
  what: string,
  scale: readonly number[] | number = 0,
): void {
  const a = typeof actual === 'number' ? [actual] : Array.from(actual);
  const e = typeof expected === 'number' ? [expected] : expected;
  expect(a.length, `${what}: length`).toBe(e.length);
  e.forEach((want, i) => {
    const got = a[i];
    const where = e.length > 1 ? `${what}[${i}]` : what;
    const size = Math.max(Math.abs(want), typeof scale === 'number' ? scale : scale[i]);
    expect(Math.abs(got - want), `${where}: library ${got}, float64 reference ${want}`).toBeLessThanOrEqual(REL * size + ABS);
  });
}

/** The value as the note prints it: rounded to `decimals` places after the point. */
export function printed(value: number, decimals: number): number {
  return Number(value.toFixed(decimals));
}

/** x ↦ y for a bias-free net of sigmoid layers with the given weights ([units][inputs] per layer). */
export async function sigmoidNet(
  row: Row,
  widths: number[],
  weights: number[][][],
  options: { bias?: boolean; loss?: 'quadratic' | 'binary-cross-entropy'; activation?: 'sigmoid' | 'identity' } = {},
): Promise<Network> {
  const activation = options.activation ?? 'sigmoid';
  const net = await row.create({
    layers: [widths[0], ...widths.slice(1).map((units) => ({ units, activation }))],
    loss: options.loss ?? 'quadratic',
    bias: options.bias ?? false,
    seed: 1,
  });
  weights.forEach((w, i) => {
    if (options.bias) net.setWeights(i, w, new Array(w.length).fill(0));
    else net.setWeights(i, w);
  });
  return net;
}

// seeds/003 'Gradient Descent[Single Unit]: The Code': x = [0.1, 0.3] → one sigmoid unit.
export const singleUnitWeights = (): number[][][] => [[[-0.8, 0.5]]];

// seeds/003 'Backpropagation: Working through an example': 2 inputs → 1 hidden → 1 output.
export const udacity211Weights = (): number[][][] => [[[0.4, -0.2]], [[0.1]]];

/**
 * seeds/001 office hours: hidden unit 1 gets w1 (from x1) and w3 (from x2), hidden unit 2 gets
 * w2 and w4, the output gets w5 (from z1) and w6 (from z2). Rows are weights INTO a unit, so the
 * flat row-major layer 0 is [w1, w3, w2, w4] and layer 1 is [w5, w6].
 */
export const officeHoursWeights = (): number[][][] => [
  [
    [0.1, 0.3],
    [0.2, 0.4],
  ],
  [[0.5, 0.6]],
];

/** Notebook order w1..w6 from the library's two flat layers. */
export function officeHoursOrder(layer0: ArrayLike<number>, layer1: ArrayLike<number>): number[] {
  return [layer0[0], layer0[2], layer0[1], layer0[3], layer1[0], layer1[1]];
}
