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
  const acc = new ScalerAccumulator();
  for (let i = 0; i < values.length; i++) {
    if (typeof values[i] !== 'number') throw new TypeError(`fitScaler: ${name}: value ${i} is ${describe(values[i])}, expected a number`);
    acc.add(values[i]);
  }
  return acc.finish(`fitScaler: ${name}`);
}

/**
 * fitScaler one value at a time, so a scaler can be fitted on rows streamed past once: the mean
 * as sum / n, the squared deviations by Welford's update (no second pass, no cancellation).
 */
export class ScalerAccumulator {
  private n = 0;
  private sum = 0;
  private runningMean = 0;
  private squares = 0;

  /** Count one value. */
  add(value: number): void {
    this.n++;
    this.sum += value;
    const before = value - this.runningMean;
    this.runningMean += before / this.n;
    this.squares += before * (value - this.runningMean);
  }

  /** The scaler of the values added; `label` starts the error for too few, non-finite or constant values. */
  finish(label: string): Scaler {
    const n = this.n;
    if (n < 2) throw new RangeError(`${label}: expected at least 2 values, got ${n}`);
    const mean = this.sum / n;
    const std = Math.sqrt(this.squares / (n - 1));
    if (!Number.isFinite(std) || !Number.isFinite(mean)) throw new RangeError(`${label}: the values are not all finite numbers`);
    if (std === 0) throw new RangeError(`${label}: every value is ${mean}, so there is no spread to standardise by`);
    return { mean, std };
  }
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
