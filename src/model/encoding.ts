// How named columns (a CSV file's, a JSON API's records) become network inputs and targets, and
// network outputs become answers in the target's terms. Fitted on the training rows one row at a
// time (EncodingBuilder), so streamed rows can be fitted in one pass, then kept in the model file
// so new rows encode exactly as the training rows did: Keras' preprocessing layers, as data.
import { categoriesOf } from '../data/encode.js';
import { MISSING } from '../data/csv.js';
import { ScalerAccumulator, type Scaler } from '../data/standardize.js';
import { describe } from '../validate/values.js';

/** One input column: a number (standardised when it has a scaler) or a category (one 0/1 input per category). */
export type InputColumn =
  | {
      /** The column's name. */
      column: string;
      /** A number, fed as it is or standardised. */
      kind: 'number';
      /** The training rows' mean and standard deviation, or null to feed the value as it is. */
      scaler: Scaler | null;
    }
  | {
      /** The column's name. */
      column: string;
      /** A category, fed as one 0/1 input per category. */
      kind: 'dummies';
      /** The categories seen in training, in input order. */
      categories: string[];
    };

/** The target: one 0/1 output (sigmoid), one output per class (softmax), or a number (identity). */
export type TargetColumn =
  | {
      /** The column's name. */
      column: string;
      /** Values 0 and 1: one output, the probability of 1. */
      kind: 'binary';
    }
  | {
      /** The column's name. */
      column: string;
      /** Classes: one output per class, their probabilities. */
      kind: 'classes';
      /** The class labels, in output order. */
      categories: string[];
    }
  | {
      /** The column's name. */
      column: string;
      /** A number (regression). */
      kind: 'number';
      /** The network predicts the standardised value when this is set. */
      scaler: Scaler | null;
    };

/** The JSON form of an Encoding: the `preprocessing` section of a model file. */
export interface EncodingJSON {
  /** The input columns, in the network's input order. */
  inputs: InputColumn[];
  /** The column the network predicts. */
  target: TargetColumn;
  /** Columns the training data had and the model leaves out (allowed in records, not read). */
  drop?: string[];
}

/** Which column to predict and how to treat the others. */
export interface EncodingChoices {
  /** The column to predict. */
  target: string;
  /** Text columns: an input becomes one 0/1 input per category, the target becomes classes. */
  categorical?: readonly string[];
  /** Columns rescaled to mean 0 and standard deviation 1. */
  standardize?: readonly string[];
  /** Columns to leave out. */
  drop?: readonly string[];
}

/** A row of named values: a JSON record, or a CSV row of strings. */
export type DataRecord = Readonly<Record<string, unknown>>;

/** Makes the error for a problem at row `row` (null: the column as a whole), e.g. a CsvError with the file line. */
export type RowError = (row: number | null, detail: string) => Error;

/** How records are read besides their fields. */
export interface EncodeOptions {
  /** Values for fields a record lacks (an absent key, null, or a missing marker such as '' or 'NA'), by column. */
  defaults?: Readonly<Record<string, unknown>>;
  /** 'error' (the default): a field the model does not know is an error (usually a typo); 'ignore': skip it. */
  extraFields?: 'error' | 'ignore';
}

/** One prediction in the target's terms: `{ admit: 1, probability: 0.71 }`, `{ species: 'setosa', probabilities: {…} }` or `{ cnt: 143.2 }`. */
export type Prediction = Record<string, number | string | Record<string, number>>;

/** Column name → category → its index, or null for a number column. */
type Lookup = Map<string, number> | null;

/**
 * A network's input and target columns with what was learned about them (categories, means and
 * standard deviations): turns records into inputs and targets, and outputs into predictions.
 */
export class Encoding {
  /** The network's input width. */
  readonly inputWidth: number;
  /** The network's output width. */
  readonly outputWidth: number;
  private readonly lookups: Lookup[];
  private readonly targetLookup: Map<string, number> | null;
  private readonly known: Set<string>;

  /**
   * From the parts of its JSON form; EncodingBuilder fits one, Encoding.fromJSON reads one.
   * @param inputs The input columns, in the network's input order.
   * @param target The column the network predicts.
   * @param drop Columns the training data had and the model leaves out.
   */
  constructor(readonly inputs: readonly InputColumn[], readonly target: TargetColumn, readonly drop: readonly string[] = []) {
    this.inputWidth = inputs.reduce((sum, f) => sum + (f.kind === 'dummies' ? f.categories.length : 1), 0);
    this.outputWidth = target.kind === 'classes' ? target.categories.length : 1;
    this.lookups = inputs.map((f) => (f.kind === 'dummies' ? indexOf(f.categories) : null));
    this.targetLookup = target.kind === 'classes' ? indexOf(target.categories) : null;
    this.known = new Set([...inputs.map((f) => f.column), target.column, ...drop]);
  }

  /** The network's inputs by name: a number column's name, or column_category per dummy. */
  get inputNames(): string[] {
    return this.inputs.flatMap((f) => (f.kind === 'dummies' ? f.categories.map((c) => `${f.column}_${c}`) : [f.column]));
  }

  /** The records as network inputs (n × inputWidth, row-major); a bad field throws error(row, detail). */
  encodeInputs(records: readonly DataRecord[], error: RowError, options: EncodeOptions = {}): Float32Array {
    const I = this.inputWidth;
    const out = new Float32Array(records.length * I);
    records.forEach((record, r) => this.encodeRecord(record, out, r * I, (detail) => { throw error(r, detail); }, options));
    return out;
  }

  /** The records' target fields as network targets (n × outputWidth). */
  encodeTargets(records: readonly DataRecord[], error: RowError): Float32Array {
    const t = this.target;
    const K = this.outputWidth;
    const out = new Float32Array(records.length * K);
    records.forEach((record, r) => {
      const fail = (detail: string): never => { throw error(r, detail); };
      const value = presentValue(checkRecord(record, fail), t.column, undefined, fail);
      if (t.kind === 'classes') out[r * K + category(value, t.column, this.targetLookup!, t.categories, fail)] = 1;
      else {
        const v = numberValue(value, t.column, fail);
        if (t.kind === 'binary' && v !== 0 && v !== 1) fail(`the target ${JSON.stringify(t.column)} is ${v}; this model predicts 0 or 1`);
        out[r] = t.kind === 'number' && t.scaler ? (v - t.scaler.mean) / t.scaler.std : v;
      }
    });
    return out;
  }

  /** Network outputs (rows × outputWidth) as predictions in the target's terms. */
  decode(outputs: Float32Array, rows: number): Prediction[] {
    const t = this.target;
    const K = this.outputWidth;
    const out: Prediction[] = [];
    for (let r = 0; r < rows; r++) {
      const o = outputs.subarray(r * K, (r + 1) * K);
      // Object.fromEntries makes own fields, even for a column named __proto__.
      if (t.kind === 'binary') out.push(Object.fromEntries([[t.column, o[0] >= 0.5 ? 1 : 0], ['probability', o[0]]]));
      else if (t.kind === 'number') out.push(Object.fromEntries([[t.column, t.scaler ? o[0] * t.scaler.std + t.scaler.mean : o[0]]]));
      else {
        let best = 0;
        for (let k = 1; k < K; k++) if (o[k] > o[best]) best = k;
        const probabilities = Object.fromEntries(t.categories.map((c, k) => [c, o[k]]));
        out.push(Object.fromEntries([[t.column, t.categories[best]], ['probabilities', probabilities]]));
      }
    }
    return out;
  }

  /** The JSON form (what a model file keeps as `preprocessing`). */
  toJSON(): EncodingJSON {
    const json: EncodingJSON = { inputs: this.inputs.map((f) => ({ ...f })), target: { ...this.target } };
    if (this.drop.length) json.drop = [...this.drop];
    return json;
  }

  /** Read the JSON form, checked enough that a hand-edited file fails with a message naming the field, not a crash. */
  static fromJSON(value: unknown, label: string): Encoding {
    const bad = (what: string): never => {
      throw new TypeError(`${label}: preprocessing: ${what}`);
    };
    const o = value as EncodingJSON;
    if (typeof o !== 'object' || o === null || !Array.isArray(o.inputs) || typeof o.target !== 'object' || o.target === null) {
      bad('expected { inputs: [...], target: {...} }');
    }
    const isScaler = (s: unknown) => s === null || (typeof s === 'object' && Number.isFinite((s as Scaler).mean) && (s as Scaler).std > 0);
    const isNames = (c: unknown) => Array.isArray(c) && c.every((x) => typeof x === 'string');
    const isCategories = (c: unknown) => isNames(c) && (c as string[]).length > 0;
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
    if (o.drop !== undefined && !isNames(o.drop)) bad('drop: expected an array of column names');
    return new Encoding(o.inputs, t, o.drop);
  }

  /** One record's inputs into out[at…]; out is zero there (dummies set only their 1). */
  private encodeRecord(record: DataRecord, out: Float32Array, at: number, fail: (detail: string) => never, options: EncodeOptions): void {
    checkRecord(record, fail);
    if (options.extraFields !== 'ignore') {
      for (const key of Object.keys(record)) {
        if (!this.known.has(key)) fail(`unknown column ${JSON.stringify(key)}; the model reads ${this.inputs.map((f) => f.column).join(', ')}`);
      }
    }
    this.inputs.forEach((f, i) => {
      const value = presentValue(record, f.column, options.defaults, fail);
      if (f.kind === 'dummies') {
        out[at + category(value, f.column, this.lookups[i]!, f.categories, fail)] = 1;
        at += f.categories.length;
      } else {
        const v = numberValue(value, f.column, fail);
        out[at++] = f.scaler ? (v - f.scaler.mean) / f.scaler.std : v;
      }
    });
  }
}

/** Fits an Encoding on training rows given one at a time (add), then finish. */
export class EncodingBuilder {
  private columns: readonly string[] | null;
  private stats: Map<string, ColumnStats> | null = null;
  private rows = 0;
  private readonly error: RowError;
  private readonly spell: (option: 'categorical' | 'standardize' | 'drop', column: string) => string;
  private readonly choices: Required<EncodingChoices>;

  /**
   * `columns`: the data's columns in order (a CSV header); without it, the first record's keys.
   * `error` makes the errors (default: a RangeError naming the record); `spell` writes an option
   * as the user would type it, for the hints (default `categorical: ["x"]`; the CLI's `--categorical x`).
   */
  constructor(choices: EncodingChoices, options: { columns?: readonly string[]; error?: RowError; spell?: (option: 'categorical' | 'standardize' | 'drop', column: string) => string } = {}) {
    this.choices = { categorical: [], standardize: [], drop: [], ...choices };
    this.columns = options.columns ?? null;
    this.error = options.error ?? recordError('EncodingBuilder');
    this.spell = options.spell ?? ((option, column) => `${option}: [${JSON.stringify(column)}]`);
  }

  /** Count one training row. */
  add(record: DataRecord): void {
    const row = this.rows++;
    const fail = (detail: string): never => { throw this.error(row, detail); };
    checkRecord(record, fail);
    const stats = (this.stats ??= this.start(Object.keys(record)));
    for (const [column, s] of stats) {
      const value = Object.hasOwn(record, column) ? record[column] : undefined;
      if (s.kind === 'category') {
        if (isMissing(value)) fail(`column ${JSON.stringify(column)} has a missing value (${JSON.stringify(value ?? null)})`);
        s.categories.add(categoryText(value, column, fail));
        continue;
      }
      if (typeof value === 'string' && Number.isNaN(Number(value.trim()))) {
        if (s.text++ === 0) s.firstText = { row, value };
      }
      try {
        const v = numberValue(presentValue(record, column, undefined, fail), column, fail);
        s.scaler?.add(v);
        s.zeroOne &&= v === 0 || v === 1;
      } catch (e) {
        s.firstProblem ??= e as Error;
      }
    }
  }

  /** The fitted encoding; throws when a column cannot be encoded as chosen (text in a number column, one class…). */
  finish(): Encoding {
    if (this.rows === 0 || !this.stats) throw this.error(null, 'no rows to fit the encoding on');
    const { target, standardize, drop } = this.choices;
    const stats = this.stats;
    // A column of words read as numbers fails on its first row; when most of it is text, the fix is almost always categorical.
    for (const [column, s] of stats) {
      if (s.kind !== 'number' || s.text * 2 <= this.rows) continue;
      const isTarget = column === target;
      const fix = isTarget
        ? `to predict its classes, add ${this.spell('categorical', column)}`
        : `to use it as an input, add ${this.spell('categorical', column)} (or leave it out with ${this.spell('drop', column)})`;
      throw this.error(s.firstText!.row, `${isTarget ? 'the target' : 'column'} ${JSON.stringify(column)} holds text (${JSON.stringify(s.firstText!.value)}); ${fix}`);
    }
    for (const s of stats.values()) if (s.kind === 'number' && s.firstProblem) throw s.firstProblem;
    const scalerOf = (column: string, s: NumberStats): Scaler | null => {
      try {
        return s.scaler?.finish(`column ${JSON.stringify(column)}`) ?? null;
      } catch (e) {
        throw this.error(null, (e as Error).message); // constant or too short: about the column, not a row
      }
    };
    const inputs: InputColumn[] = [];
    for (const [column, s] of stats) {
      if (column === target) continue;
      inputs.push(s.kind === 'category'
        ? { column, kind: 'dummies', categories: categoriesOf([...s.categories]) }
        : { column, kind: 'number', scaler: scalerOf(column, s) });
    }
    const t = stats.get(target)!;
    let spec: TargetColumn;
    if (t.kind === 'category') {
      const categories = categoriesOf([...t.categories]);
      if (categories.length < 2) throw this.error(null, `the target ${JSON.stringify(target)} has only one class, ${JSON.stringify(categories[0])}`);
      spec = { column: target, kind: 'classes', categories };
    } else {
      spec = t.zeroOne && !standardize.includes(target) ? { column: target, kind: 'binary' } : { column: target, kind: 'number', scaler: scalerOf(target, t) };
    }
    return new Encoding(inputs, spec, drop);
  }

  /** Check the choices against the columns and set up one accumulator per column read. */
  private start(keys: string[]): Map<string, ColumnStats> {
    const columns = this.columns ?? keys;
    const { target, categorical, standardize, drop } = this.choices;
    for (const name of [target, ...categorical, ...standardize, ...drop]) {
      if (!columns.includes(name)) throw this.error(null, `no column ${JSON.stringify(name)}; the columns are ${columns.join(', ')}`);
    }
    const both = categorical.find((c) => standardize.includes(c));
    if (both) throw this.error(null, `column ${JSON.stringify(both)} is in both ${this.spell('categorical', both)} and ${this.spell('standardize', both)}; a category has no mean to standardise by`);
    if (drop.includes(target)) throw this.error(null, `the target ${JSON.stringify(target)} cannot be dropped`);
    const read = columns.filter((c) => !drop.includes(c));
    if (read.length < 2) throw this.error(null, `no input columns are left besides the target ${JSON.stringify(target)}`);
    this.columns = columns;
    return new Map(read.map((column): [string, ColumnStats] => [column, categorical.includes(column)
      ? { kind: 'category', categories: new Set() }
      : { kind: 'number', scaler: standardize.includes(column) ? new ScalerAccumulator() : null, zeroOne: true, text: 0, firstText: null, firstProblem: null }]));
  }
}

interface NumberStats {
  kind: 'number';
  scaler: ScalerAccumulator | null;
  /** Every value so far is 0 or 1 (a binary target). */
  zeroOne: boolean;
  /** Values that are words, not numbers, and the first of them. */
  text: number;
  firstText: { row: number; value: string } | null;
  /** The first value that is not a number, reported when the column is not mostly text. */
  firstProblem: Error | null;
}

type ColumnStats = NumberStats | { kind: 'category'; categories: Set<string> };

/** Errors for records given in code: `label: record 3: detail`. */
export function recordError(label: string): RowError {
  return (row, detail) => new RangeError(row === null ? `${label}: ${detail}` : `${label}: record ${row}: ${detail}`);
}

function indexOf(categories: readonly string[]): Map<string, number> {
  return new Map(categories.map((c, k) => [c, k]));
}

function checkRecord(record: DataRecord, fail: (detail: string) => never): DataRecord {
  if (record === null || typeof record !== 'object' || Array.isArray(record)) fail(`expected a record of named fields, got ${describe(record)}`);
  return record;
}

function isMissing(v: unknown): boolean {
  return v === undefined || v === null || (typeof v === 'string' && MISSING.has(v.trim()));
}

/** The record's own field (never one inherited, e.g. through __proto__), or its default; a missing one is an error. */
function presentValue(record: DataRecord, column: string, defaults: EncodeOptions['defaults'], fail: (detail: string) => never): unknown {
  const value = Object.hasOwn(record, column) ? record[column] : undefined;
  if (!isMissing(value)) return value;
  if (defaults && Object.hasOwn(defaults, column)) return defaults[column];
  return value === undefined
    ? fail(`column ${JSON.stringify(column)} is missing`)
    : fail(`column ${JSON.stringify(column)} has a missing value (${JSON.stringify(value)})`);
}

/** A number, or text that reads as one (a CSV field). */
function numberValue(value: unknown, column: string, fail: (detail: string) => never): number {
  const v = typeof value === 'string' ? Number(value.trim()) : value;
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof value === 'string') fail(`column ${JSON.stringify(column)}: ${JSON.stringify(value)} is not a number`);
  return fail(`column ${JSON.stringify(column)}: expected a number, got ${describe(value)}`);
}

/** A category as text: a string (trimmed), or a number such as rank 1 for category '1'. */
function categoryText(value: unknown, column: string, fail: (detail: string) => never): string {
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return fail(`column ${JSON.stringify(column)}: expected a category (text or a number), got ${describe(value)}`);
}

function category(value: unknown, column: string, lookup: Map<string, number>, categories: readonly string[], fail: (detail: string) => never): number {
  const text = categoryText(value, column, fail);
  const k = lookup.get(text);
  return k ?? fail(`column ${JSON.stringify(column)}: unknown category ${JSON.stringify(text)}; known: ${categories.join(', ')}`);
}
