// Standardisation: x → (x − mean) / std, with the mean and std kept so a prediction made on the
// standardised scale can be mapped back (the bike-sharing project predicts standardised counts).
import { describe, expectArray } from '../validate/values.js';

/** What fitScaler learns from a column, for standardize and unstandardize. */
export interface Scaler {
  /** The column's mean. */
  mean: number;
  /** Sample standard deviation (n − 1 in the denominator), as pandas' .std() in the course. */
  std: number;
}

/** The mean and sample standard deviation of `values`; a constant column cannot be standardised. */
export function fitScaler(values: ArrayLike<number>, name = 'values'): Scaler {
  expectArray(values, `fitScaler: ${name}`, 'an array of numbers');
  const n = values.length;
  if (n < 2) throw new RangeError(`fitScaler: ${name}: expected at least 2 values, got ${n}`);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    if (typeof values[i] !== 'number') throw new TypeError(`fitScaler: ${name}: value ${i} is ${describe(values[i])}, expected a number`);
    sum += values[i];
  }
  const mean = sum / n;
  let squares = 0;
  for (let i = 0; i < n; i++) squares += (values[i] - mean) ** 2;
  const std = Math.sqrt(squares / (n - 1));
  if (!Number.isFinite(std)) throw new RangeError(`fitScaler: ${name}: the values are not all finite numbers`);
  if (std === 0) throw new RangeError(`fitScaler: ${name}: every value is ${mean}, so there is no spread to standardise by`);
  return { mean, std };
}

/** (x − mean) / std for every value, as a new array. */
export function standardize(values: ArrayLike<number>, scaler: Scaler): Float64Array {
  checkScaler(values, scaler, 'standardize');
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = (values[i] - scaler.mean) / scaler.std;
  return out;
}

/** The inverse: x · std + mean, e.g. a standardised prediction back in counts. */
export function unstandardize(values: ArrayLike<number>, scaler: Scaler): Float64Array {
  checkScaler(values, scaler, 'unstandardize');
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = values[i] * scaler.std + scaler.mean;
  return out;
}

function checkScaler(values: unknown, scaler: Scaler, label: string): void {
  expectArray(values, `${label}: values`, 'an array of numbers');
  const s = scaler as Scaler | null;
  if (s === null || typeof s !== 'object' || !Number.isFinite(s.mean) || !Number.isFinite(s.std) || !(s.std > 0)) {
    throw new TypeError(`${label}: scaler: expected { mean, std } from fitScaler, got ${describe(scaler)}`);
  }
}
