// How the CLI turns CSV columns into network inputs and targets, and back. The choices made on
// the training file (which categories, which means and standard deviations) are kept in the
// model file, so predict and evaluate encode new files exactly as training did.
import { numberColumn, textColumn, columnIndex, CsvError, type CsvTable } from '../data/csv.js';
import { dummies, categoriesOf, columnsToRows } from '../data/encode.js';
import { fitScaler, standardize, unstandardize, type Scaler } from '../data/standardize.js';
import { UsageError } from './args.js';

export type InputFeature =
  | { column: string; kind: 'number'; scaler: Scaler | null }
  | { column: string; kind: 'dummies'; categories: string[] };

/** binary: one 0/1 output (sigmoid); classes: one output per category (softmax); number: regression. */
export type TargetSpec =
  | { column: string; kind: 'binary' }
  | { column: string; kind: 'classes'; categories: string[] }
  | { column: string; kind: 'number'; scaler: Scaler | null };

export interface Preprocessing {
  inputs: InputFeature[];
  target: TargetSpec;
}

export interface FeatureChoices {
  target: string;
  categorical: string[];
  standardize: string[];
  drop: string[];
}

/** Decide every column's encoding from the training table. */
export function fitPreprocessing(table: CsvTable, choices: FeatureChoices, source: string): Preprocessing {
  for (const list of ['categorical', 'standardize', 'drop'] as const) {
    for (const name of choices[list]) columnIndex(table, name, source);
  }
  columnIndex(table, choices.target, source);
  const both = choices.categorical.find((c) => choices.standardize.includes(c));
  if (both) throw new UsageError(`train: column ${JSON.stringify(both)} cannot be both --categorical and --standardize`);
  if (choices.drop.includes(choices.target)) throw new UsageError(`train: the target ${JSON.stringify(choices.target)} cannot be dropped`);
  const scale = (name: string): Scaler | null => (choices.standardize.includes(name) ? fitScaler(numberColumn(table, name, source), name) : null);
  for (const column of table.columns) {
    if (!choices.categorical.includes(column) && !choices.drop.includes(column)) checkNotText(table, column, column === choices.target, source);
  }

  const inputs: InputFeature[] = table.columns
    .filter((name) => name !== choices.target && !choices.drop.includes(name))
    .map((column) => (choices.categorical.includes(column)
      ? { column, kind: 'dummies', categories: categoriesOf(textColumn(table, column, source)) }
      : { column, kind: 'number', scaler: scale(column) }));
  if (inputs.length === 0) throw new UsageError(`train: no input columns are left besides the target ${JSON.stringify(choices.target)}`);

  const target = choices.target;
  let spec: TargetSpec;
  if (choices.categorical.includes(target)) {
    const categories = categoriesOf(textColumn(table, target, source));
    if (categories.length < 2) throw new CsvError(source, 1, `the target ${JSON.stringify(target)} has only one class, ${JSON.stringify(categories[0])}`);
    spec = { column: target, kind: 'classes', categories };
  } else {
    const values = numberColumn(table, target, source);
    const binary = !choices.standardize.includes(target) && values.every((v) => v === 0 || v === 1);
    spec = binary ? { column: target, kind: 'binary' } : { column: target, kind: 'number', scaler: scale(target) };
  }
  return { inputs, target: spec };
}

/**
 * A column of words read as numbers fails on its first row with "is not a number"; when most of
 * the column is text, the fix is almost always --categorical, so say that instead, with the column.
 */
function checkNotText(table: CsvTable, column: string, isTarget: boolean, source: string): void {
  const values = textColumn(table, column, source);
  const isText = (v: string) => Number.isNaN(Number(v.trim()));
  if (values.filter(isText).length * 2 <= values.length) return; // a few bad values: numberColumn names the first
  const first = values.findIndex(isText);
  const arg = /^[\w.-]+$/.test(column) ? column : JSON.stringify(column); // as typed in a shell
  const fix = isTarget
    ? `to predict its classes, add --categorical ${arg}`
    : `to use it as an input, add --categorical ${arg} (or leave it out with --drop ${arg})`;
  throw new CsvError(source, table.lines[first], `${isTarget ? 'the target' : 'column'} ${JSON.stringify(column)} holds text (${JSON.stringify(values[first])}); ${fix}`);
}

export function inputWidth(p: Preprocessing): number {
  return p.inputs.reduce((sum, f) => sum + (f.kind === 'dummies' ? f.categories.length : 1), 0);
}

export function outputWidth(p: Preprocessing): number {
  return p.target.kind === 'classes' ? p.target.categories.length : 1;
}

/** The network's input columns, in order: a number column's name, or column_category per dummy. */
export function inputNames(p: Preprocessing): string[] {
  return p.inputs.flatMap((f) => (f.kind === 'dummies' ? f.categories.map((c) => `${f.column}_${c}`) : [f.column]));
}

/** The table's rows as network inputs (n × inputWidth, row-major). */
export function encodeInputs(p: Preprocessing, table: CsvTable, source: string): Float32Array {
  const columns: ArrayLike<number>[] = [];
  for (const f of p.inputs) {
    if (f.kind === 'dummies') {
      const lines = table.lines;
      columns.push(...dummies(textColumn(table, f.column, source), { categories: f.categories, prefix: `${source}: column ${f.column}`, lines }).columns);
    } else {
      const values = numberColumn(table, f.column, source);
      columns.push(f.scaler ? standardize(values, f.scaler) : values);
    }
  }
  return columnsToRows(columns);
}

/** The target column as network targets (n × outputWidth). */
export function encodeTargets(p: Preprocessing, table: CsvTable, source: string): Float32Array {
  const t = p.target;
  if (t.kind === 'classes') {
    const d = dummies(textColumn(table, t.column, source), { categories: t.categories, prefix: `${source}: column ${t.column}`, lines: table.lines });
    return columnsToRows(d.columns);
  }
  const values = numberColumn(table, t.column, source);
  if (t.kind === 'binary') {
    const bad = values.findIndex((v) => v !== 0 && v !== 1);
    if (bad >= 0) throw new CsvError(source, table.lines[bad], `the target ${JSON.stringify(t.column)} is ${values[bad]}; this model predicts 0 or 1`);
    return Float32Array.from(values);
  }
  return Float32Array.from(t.scaler ? standardize(values, t.scaler) : values);
}

/** Network outputs as CSV columns: the prediction in the target's own terms, then the raw outputs. */
export function describeOutputs(p: Preprocessing, outputs: Float32Array, rows: number): { header: string[]; rows: string[][] } {
  const t = p.target;
  const K = outputWidth(p);
  const out: string[][] = [];
  if (t.kind === 'classes') {
    for (let r = 0; r < rows; r++) {
      const o = outputs.subarray(r * K, (r + 1) * K);
      let best = 0;
      for (let k = 1; k < K; k++) if (o[k] > o[best]) best = k;
      out.push([t.categories[best], ...Array.from(o, (v) => round(v))]);
    }
    return { header: [t.column, ...t.categories.map((c) => `p_${c}`)], rows: out };
  }
  if (t.kind === 'binary') {
    for (let r = 0; r < rows; r++) out.push([outputs[r] >= 0.5 ? '1' : '0', round(outputs[r])]);
    return { header: [t.column, `p_${t.column}`], rows: out };
  }
  const values = t.scaler ? unstandardize(outputs, t.scaler) : outputs;
  for (let r = 0; r < rows; r++) out.push([round(values[r])]);
  return { header: [t.column], rows: out };
}

const round = (v: number) => String(Number(v.toPrecision(6)));

/** Check a model file's preprocessing section: enough that a hand-edited file fails with a message, not a crash. */
export function parsePreprocessing(value: unknown, label: string): Preprocessing {
  const bad = (what: string): never => {
    throw new TypeError(`${label}: preprocessing: ${what}`);
  };
  const o = value as Preprocessing;
  if (typeof o !== 'object' || o === null || !Array.isArray(o.inputs) || typeof o.target !== 'object' || o.target === null) {
    bad('expected { inputs: [...], target: {...} }');
  }
  const isScaler = (s: unknown) => s === null || (typeof s === 'object' && Number.isFinite((s as Scaler).mean) && (s as Scaler).std > 0);
  const isCategories = (c: unknown) => Array.isArray(c) && c.length > 0 && c.every((x) => typeof x === 'string');
  o.inputs.forEach((f, i) => {
    if (typeof f?.column !== 'string') bad(`inputs[${i}].column: expected a column name`);
    if (f.kind === 'number' ? !isScaler(f.scaler) : f.kind !== 'dummies' || !isCategories(f.categories)) {
      bad(`inputs[${i}]: expected kind 'number' with a scaler or null, or kind 'dummies' with categories`);
    }
  });
  const t = o.target;
  if (typeof t.column !== 'string') bad('target.column: expected a column name');
  const ok = t.kind === 'binary' || (t.kind === 'classes' && isCategories(t.categories)) || (t.kind === 'number' && isScaler(t.scaler));
  if (!ok) bad(`target: expected kind 'binary', 'classes' with categories, or 'number' with a scaler or null`);
  return o;
}

/**
 * For a bare network JSON (no preprocessing kept): every column but the target is a number input,
 * as it is; with several outputs the target holds the class index 0…K−1.
 */
export function plainPreprocessing(table: CsvTable, net: { inputs: number; outputs: number; spec: { layers: Array<{ activation: string }> } }, target: string | undefined, source: string): Preprocessing {
  if (target !== undefined) columnIndex(table, target, source);
  const columns = table.columns.filter((c) => c !== target);
  if (columns.length !== net.inputs) {
    throw new UsageError(`${source}: the network takes ${net.inputs} inputs but the file has ${columns.length} input columns (${columns.join(', ')})`);
  }
  const column = target ?? 'prediction';
  const output = net.spec.layers[net.spec.layers.length - 1].activation;
  const spec: TargetSpec = net.outputs > 1
    ? { column, kind: 'classes', categories: Array.from({ length: net.outputs }, (_, k) => String(k)) }
    : output === 'sigmoid' ? { column, kind: 'binary' } : { column, kind: 'number', scaler: null };
  return { inputs: columns.map((c) => ({ column: c, kind: 'number', scaler: null })), target: spec };
}
