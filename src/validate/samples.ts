/**
 * Turning the caller's samples into rows of float32, with errors that say which argument,
 * which row and what was expected. Accepted forms: number[][] or an array of typed
 * arrays (one row each), or one flat row-major array/typed array of rows × width numbers.
 * For one-wide data (a single output) a plain number[] is a column: one value per row.
 */
import { countNonFinite } from '../backends/js/finite.js';
import { describe } from './values.js';

/** Samples: number[][], an array of typed arrays (a row each), or one flat row-major array of rows × width. */
export type Samples = ArrayLike<number> | ArrayLike<ArrayLike<number>>;

const isRowList = (v: ArrayLike<unknown>): v is ArrayLike<ArrayLike<number>> =>
  v.length > 0 && typeof v[0] === 'object' && v[0] !== null;

/** Validate the shape of `value` and return how many rows it holds. */
export function rowCount(value: unknown, width: number, label: string): number {
  if (value === null || typeof value !== 'object' || typeof (value as ArrayLike<unknown>).length !== 'number') {
    throw new TypeError(`${label}: expected an array of rows or a flat Float32Array, got ${describe(value)}`);
  }
  const v = value as ArrayLike<unknown>;
  if (v.length === 0) throw new RangeError(`${label}: expected at least one row of ${width} values, got an empty array`);
  if (isRowList(v)) {
    for (let r = 0; r < v.length; r++) {
      const row = v[r] as ArrayLike<unknown> | null;
      if (row === null || typeof row !== 'object' || typeof row.length !== 'number') {
        throw new TypeError(`${label}: row ${r} is ${describe(row)}, expected an array of ${width} numbers`);
      }
      if (row.length !== width) {
        throw new RangeError(`${label}: expected ${width} values per row, got ${row.length} in row ${r}`);
      }
    }
    return v.length;
  }
  if (v.length % width !== 0) {
    throw new RangeError(`${label}: expected a multiple of ${width} values (rows × ${width}), got ${v.length}`);
  }
  if (!ArrayBuffer.isView(v)) {
    // The first and last values, now: an object that only claims a length fails before any memory grows for it.
    for (const i of [0, v.length - 1]) {
      const x = v[i];
      if (typeof x !== 'number' || !Number.isFinite(Math.fround(x))) throw nonFinite(label, Math.floor(i / width), i % width, x, width);
    }
  }
  return v.length / width;
}

/**
 * Copy validated rows [first, first + count) into dest at `at`, checking every value is a
 * finite number; an error names the row as the caller numbers it.
 */
export function copyRows(value: Samples, width: number, dest: Float32Array, at: number, label: string, first = 0, count = -1): void {
  if (isRowList(value)) {
    const end = count < 0 ? value.length : first + count;
    for (let r = first; r < end; r++) {
      const row = value[r];
      const o = at + (r - first) * width;
      for (let k = 0; k < width; k++) {
        const x = row[k];
        if (typeof x !== 'number' || !Number.isFinite(Math.fround(x))) throw nonFinite(label, r, k, x, width);
        dest[o + k] = x;
      }
    }
    return;
  }
  const flat = value as ArrayLike<number>;
  const from = first * width;
  const to = count < 0 ? flat.length : (first + count) * width;
  if (flat instanceof Float32Array || flat instanceof Float64Array) {
    dest.set(flat.subarray(from, to), at);
    // The JS backend's check: one float64 sum, and a count only when that sum is not finite.
    if (countNonFinite(dest, at, to - from) === 0) return;
    for (let i = from; i < to; i++) {
      if (!Number.isFinite(dest[at + i - from])) throw nonFinite(label, Math.floor(i / width), i % width, flat[i], width);
    }
    return;
  }
  for (let i = from; i < to; i++) {
    const x = flat[i];
    if (typeof x !== 'number' || !Number.isFinite(Math.fround(x))) throw nonFinite(label, Math.floor(i / width), i % width, x, width);
    dest[at + i - from] = x;
  }
}

/** Rows [first, first + rows) of samples, checked as copyRows checks them, as a new row-major Float32Array. */
export function copyOfRows(value: Samples, width: number, rows: number, label: string, first = 0): Float32Array {
  const out = new Float32Array(rows * width);
  copyRows(value, width, out, 0, label, first, rows);
  return out;
}

function nonFinite(label: string, row: number, col: number, x: unknown, width: number): Error {
  const where = width === 1 ? `row ${row}` : `row ${row}, column ${col}`;
  if (typeof x !== 'number') return new TypeError(`${label}: ${where} is ${describe(x)}, expected a finite number`);
  // A float64 beyond ±3.4e38 is finite here but Infinity once stored as float32, as the network computes.
  if (Number.isFinite(x)) return new RangeError(`${label}: ${where} is ${x}, beyond float32's range (±3.4028234663852886e38)`);
  return new RangeError(`${label}: ${where} is ${x}, expected a finite number`);
}

/** Targets are class labels when every value is 0 or 1 and, for several outputs, each row is one-hot. */
export function isClassLabels(y: Float32Array, K: number): boolean {
  for (let r = 0; r < y.length; r += K) {
    let ones = 0;
    for (let k = 0; k < K; k++) {
      const v = y[r + k];
      if (v !== 0 && v !== 1) return false;
      ones += v;
    }
    if (K > 1 && ones !== 1) return false;
  }
  return true;
}
