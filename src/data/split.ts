// Train / validation / test splits as row indices: random (seeded) for independent samples, by
// position for a time series, where the model must be judged on days after those it learned from.
import { Random } from '../random.js';
import { describe, expectArray, plainObject } from '../validate/values.js';

/** Row indices of each part, for takeRows; every row is in exactly one part. */
export interface Split {
  /** The rows to train on (shuffled by randomSplit, in file order by positionSplit). */
  train: Uint32Array;
  /** The rows held out to validate (empty without `validation`). */
  validation: Uint32Array;
  /** The rows held out to test (empty without `test`). */
  test: Uint32Array;
}

/** Shuffle rows 0…n−1 with `seed`, then hold out the given fractions for test and validation. */
export function randomSplit(n: number, options: { validation?: number; test?: number; seed: number }): Split {
  wholeRows(n, 'randomSplit: n');
  plainObject(options, 'randomSplit: options');
  const validation = fraction(options.validation ?? 0, 'validation');
  const test = fraction(options.test ?? 0, 'test');
  if (validation + test >= 1) throw new RangeError(`randomSplit: validation + test: expected less than 1, got ${validation + test}`);
  const order = Uint32Array.from({ length: n }, (_, i) => i);
  new Random(options.seed).shuffle(order);
  const nTest = Math.round(n * test);
  const nValidation = Math.round(n * validation);
  return cut(order, n - nTest - nValidation, nValidation, 'randomSplit');
}

/** In file order: the last `test` rows are the test set, the `validation` rows before them validate. */
export function positionSplit(n: number, options: { validation?: number; test?: number }): Split {
  wholeRows(n, 'positionSplit: n');
  plainObject(options, 'positionSplit: options');
  const validation = wholeRows(options.validation ?? 0, 'positionSplit: validation');
  const test = wholeRows(options.test ?? 0, 'positionSplit: test');
  const order = Uint32Array.from({ length: n }, (_, i) => i);
  return cut(order, n - test - validation, validation, 'positionSplit');
}

/** The given rows of a row-major matrix, in that order, as a new matrix. */
export function takeRows(data: ArrayLike<number>, width: number, rows: ArrayLike<number>): Float32Array {
  expectArray(data, 'takeRows: data', 'an array of numbers');
  expectArray(rows, 'takeRows: rows', 'an array of row indices');
  if (!Number.isInteger(width) || width < 1 || data.length % width !== 0) {
    throw new RangeError(`takeRows: width: expected a whole number ≥ 1 dividing ${data.length}, got ${describe(width)}`);
  }
  const available = data.length / width;
  const out = new Float32Array(rows.length * width);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    if (!Number.isInteger(r) || r < 0 || r >= available) throw new RangeError(`takeRows: rows[${i}] is ${String(r)}, expected a row from 0 to ${available - 1}`);
    for (let k = 0; k < width; k++) out[i * width + k] = data[r * width + k];
  }
  return out;
}

function cut(order: Uint32Array, nTrain: number, nValidation: number, label: string): Split {
  if (nTrain < 1) throw new RangeError(`${label}: no rows are left to train on out of ${order.length}`);
  return {
    train: order.slice(0, nTrain),
    validation: order.slice(nTrain, nTrain + nValidation),
    test: order.slice(nTrain + nValidation),
  };
}

function fraction(v: number, name: string): number {
  if (typeof v !== 'number' || !(v >= 0 && v < 1)) throw new RangeError(`randomSplit: ${name}: expected a fraction in [0, 1), got ${describe(v)}`);
  return v;
}

function wholeRows(v: number, label: string): number {
  // Row indices live in a Uint32Array.
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 0xffffffff) {
    throw new RangeError(`${label}: expected a whole number from 0 to ${0xffffffff}, got ${describe(v)}`);
  }
  return v;
}
