// One-hot (dummy) encoding: a categorical column becomes one 0/1 column per category, as the
// admissions lesson does for `rank` (rank_1 … rank_4) and the bike-sharing project for season,
// weathersit, mnth, hr and weekday. The categories are kept so new data encodes the same way.
import { describe, expectArray } from '../validate/values.js';

/** What dummies returns: the categories it used and one 0/1 column per category. */
export interface Dummies {
  /** The categories in column order: numbers in numeric order, otherwise in text order. */
  categories: string[];
  /** One name per new column: `${prefix}_${category}`. */
  names: string[];
  /** One 0/1 column per category, each as long as the input. */
  columns: Float64Array[];
}

/** Options of dummies. */
export interface DummyOptions {
  /** Use these categories (e.g. those found in the training data) instead of the values' own. */
  categories?: readonly string[];
  /** Column name prefix (default 'value'). */
  prefix?: string;
  /** Names where each value came from, for errors: the file line of value i (default i + 1). */
  lines?: readonly number[];
}

/** The distinct values, sorted numerically when every one is a number, else as text. */
export function categoriesOf(values: readonly string[]): string[] {
  strings(values, 'categoriesOf: values');
  const distinct = [...new Set(values.map((v) => v.trim()))];
  const numeric = distinct.every((v) => v !== '' && Number.isFinite(Number(v)));
  return numeric ? distinct.sort((a, b) => Number(a) - Number(b)) : distinct.sort();
}

/** Dummy-encode `values`; a value outside `options.categories` throws, naming it and its line. */
export function dummies(values: readonly string[], options: DummyOptions = {}): Dummies {
  strings(values, 'dummies: values');
  if (options === null || typeof options !== 'object') throw new TypeError(`dummies: options: expected an options object, got ${describe(options)}`);
  if (options.categories !== undefined) strings(options.categories, 'dummies: categories');
  const prefix = options.prefix ?? 'value';
  const categories = options.categories ? [...options.categories] : categoriesOf(values);
  if (categories.length === 0) throw new RangeError(`dummies: ${prefix}: expected at least one category, got none`);
  const index = new Map(categories.map((c, i) => [c, i]));
  const columns = categories.map(() => new Float64Array(values.length));
  values.forEach((raw, r) => {
    const k = index.get(raw.trim());
    if (k === undefined) {
      const where = options.lines ? `line ${options.lines[r]}` : `value ${r + 1}`;
      throw new RangeError(`dummies: ${prefix}, ${where}: unknown category ${JSON.stringify(raw)}; known: ${categories.join(', ')}`);
    }
    columns[k][r] = 1;
  });
  return { categories, names: categories.map((c) => `${prefix}_${c}`), columns };
}

/** Class labels 0…classes−1 as one-hot rows (n × classes, row-major): targets for a softmax output. */
export function oneHot(labels: ArrayLike<number>, classes: number): Float32Array {
  expectArray(labels, 'oneHot: labels', 'an array of class labels');
  if (!Number.isInteger(classes) || classes < 2 || classes > 2 ** 24) {
    throw new RangeError(`oneHot: classes: expected a whole number from 2 to ${2 ** 24}, got ${describe(classes)}`);
  }
  if (labels.length * classes > 2 ** 30) throw new RangeError(`oneHot: ${labels.length} labels × ${classes} classes is more than one Float32Array holds`);
  const out = new Float32Array(labels.length * classes);
  for (let r = 0; r < labels.length; r++) {
    const k = labels[r];
    if (!Number.isInteger(k) || k < 0 || k >= classes) throw new RangeError(`oneHot: label ${r} is ${describe(k)}, expected a whole number from 0 to ${classes - 1}`);
    out[r * classes + k] = 1;
  }
  return out;
}

/** Columns (each n long) side by side as samples: n × columns.length, row-major. */
export function columnsToRows(columns: readonly ArrayLike<number>[]): Float32Array {
  expectArray(columns, 'columnsToRows: columns', 'an array of columns');
  columns.forEach((c, i) => expectArray(c, `columnsToRows: column ${i}`, 'an array of numbers'));
  if (columns.length === 0) throw new RangeError('columnsToRows: expected at least one column, got none');
  const n = columns[0].length;
  columns.forEach((c, i) => {
    if (c.length !== n) throw new RangeError(`columnsToRows: column ${i} has ${c.length} values, expected ${n} like column 0`);
  });
  const width = columns.length;
  const out = new Float32Array(n * width);
  columns.forEach((c, k) => {
    for (let r = 0; r < n; r++) out[r * width + k] = c[r];
  });
  return out;
}

function strings(values: unknown, label: string): void {
  expectArray(values, label, 'an array of strings');
  (values as unknown[]).forEach((v, i) => {
    if (typeof v !== 'string') throw new TypeError(`${label}: value ${i} is ${describe(v)}, expected a string`);
  });
}
