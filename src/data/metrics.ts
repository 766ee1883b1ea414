// How well predictions match targets, both row-major with `width` values per sample. One output
// is a yes/no class (≥ 0.5 is 1); several are one-hot classes (the largest output is the class).
import { describe, expectArray } from '../validate/values.js';

/** The class of each row: threshold 0.5 for one column, argmax for several. */
export function classes(values: ArrayLike<number>, width: number): Uint32Array {
  expectArray(values, 'classes: values', 'an array of numbers');
  checkWidth(values.length, width, 'classes');
  const n = values.length / width;
  const out = new Uint32Array(n);
  for (let r = 0; r < n; r++) {
    if (width === 1) {
      out[r] = values[r] >= 0.5 ? 1 : 0;
      continue;
    }
    let best = 0;
    for (let k = 1; k < width; k++) if (values[r * width + k] > values[r * width + best]) best = k;
    out[r] = best;
  }
  return out;
}

/** Fraction of rows whose predicted class is the target's class. */
export function accuracy(predictions: ArrayLike<number>, targets: ArrayLike<number>, width: number): number {
  sameShape(predictions, targets, width, 'accuracy');
  const p = classes(predictions, width);
  const t = classes(targets, width);
  let right = 0;
  for (let r = 0; r < p.length; r++) if (p[r] === t[r]) right++;
  return right / p.length;
}

/** counts[actual][predicted]; 2 × 2 for one output column, width × width otherwise. */
export function confusionMatrix(predictions: ArrayLike<number>, targets: ArrayLike<number>, width: number): number[][] {
  sameShape(predictions, targets, width, 'confusionMatrix');
  const k = width === 1 ? 2 : width;
  const counts = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const p = classes(predictions, width);
  const t = classes(targets, width);
  for (let r = 0; r < p.length; r++) counts[t[r]][p[r]]++;
  return counts;
}

/** Mean over every value of (prediction − target)², as the course's MSE. */
export function meanSquaredError(predictions: ArrayLike<number>, targets: ArrayLike<number>): number {
  expectArray(predictions, 'meanSquaredError: predictions', 'an array of numbers');
  expectArray(targets, 'meanSquaredError: targets', 'an array of numbers');
  if (predictions.length !== targets.length || predictions.length === 0) {
    throw new RangeError(`meanSquaredError: expected two non-empty arrays of one length, got ${predictions.length} and ${targets.length}`);
  }
  let sum = 0;
  for (let i = 0; i < predictions.length; i++) sum += (predictions[i] - targets[i]) ** 2;
  return sum / predictions.length;
}

function sameShape(p: ArrayLike<number>, t: ArrayLike<number>, width: number, label: string): void {
  expectArray(p, `${label}: predictions`, 'an array of numbers');
  expectArray(t, `${label}: targets`, 'an array of numbers');
  checkWidth(p.length, width, label);
  if (p.length !== t.length || p.length === 0) {
    throw new RangeError(`${label}: expected predictions and targets of one non-zero length, got ${p.length} and ${t.length}`);
  }
}

function checkWidth(length: number, width: number, label: string): void {
  if (!Number.isInteger(width) || width < 1 || length % width !== 0) {
    throw new RangeError(`${label}: width: expected a whole number ≥ 1 dividing ${length}, got ${describe(width)}`);
  }
}
