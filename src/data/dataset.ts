// csvDataset: a CSV file (or stream, Blob, Response) as a dataset for fit, read as it streams.
// The encoding (categories, means, standard deviations, the target's kind) is fitted by the
// model's own EncodingBuilder in one streaming pass first, or taken from a saved model; then
// each epoch reads the source again and encodes rows straight from the bytes into batches.
import { CsvError } from './csv.js';
import { CsvRowReader, fieldText, type CsvRecord } from './csv-stream.js';
import { parseDecimal } from './number-parser.js';
import { checkByteSource, openBytes, readOnce, sourceName, type ByteSource } from './byte-source.js';
import { Encoding, EncodingBuilder, type EncodingChoices, type EncodingJSON } from '../model/encoding.js';
import type { Dataset } from '../validate/dataset-options.js';
import { MISSING } from './csv.js';
import { describe, fraction, optionalFunction, optionsObject, wholeNumber } from '../validate/values.js';

/** Options of csvDataset. */
export interface CsvDatasetOptions {
  /** The column to predict (not needed with `encoding`). */
  target?: string;
  /** Text columns: an input becomes one 0/1 input per category, the target becomes classes. */
  categorical?: readonly string[];
  /** Columns rescaled to mean 0 and standard deviation 1 (mean and deviation from the first pass). */
  standardize?: readonly string[];
  /** Columns to leave out. */
  drop?: readonly string[];
  /** Encode as a saved model does (its `encoding`, or the JSON form): no first pass, new data encoded the training way. */
  encoding?: Encoding | EncodingJSON;
  /** Field separator, one ASCII character (default ','). */
  delimiter?: string;
  /** Names the source in error messages (default: the file path, a File's name, else 'csv'). */
  source?: string;
  /** Rows per { x, y } batch the dataset yields (default 512); fit re-batches them to its batchSize. */
  batchRows?: number;
  /** Hold out this fraction of rows, chosen by a seeded hash of the row number, as `validation` (default 0). */
  validation?: number;
  /** Seeds the hold-out (default 1). */
  seed?: number;
  /** Called after each chunk read, with the rows and bytes read so far in this pass (and the total bytes where known). */
  onProgress?: (progress: CsvProgress) => void;
}

/** What onProgress hears. */
export interface CsvProgress {
  /** Data rows read so far in this pass (held-out rows included). */
  rows: number;
  /** Bytes read so far in this pass. */
  bytes: number;
  /** The source's size in bytes, where known (a file, a Blob, a Response with a length). */
  totalBytes: number | null;
  /** Which pass over the source this is, from 0: this dataset's and its validation's passes counted together, the encoding's first. */
  pass: number;
}

/** A dataset of { x, y } Float32Array batches read from a CSV, with what it learned on the way. */
export interface CsvDataset extends Dataset {
  /** How columns become inputs and targets: fitted by the first pass, or the one given. */
  readonly encoding: Encoding;
  /** The header's column names. */
  readonly columns: readonly string[];
  /** Rows this dataset yields per epoch, when a first pass counted them (else undefined). */
  readonly rows?: number;
  /** The held-out rows as a dataset (with `validation`), else null. */
  readonly validation: CsvDataset | null;
}

const KEYS = ['target', 'categorical', 'standardize', 'drop', 'encoding', 'delimiter', 'source', 'batchRows', 'validation', 'seed', 'onProgress'];

/**
 * A CSV as a dataset for `net.fit(dataset, …)`, never held in memory: `await csvDataset(path,
 * { target, categorical, standardize })` reads it once to fit the encoding (unless one is
 * given), then each epoch reads it again, rows encoded straight from the bytes. Errors are
 * CsvErrors naming the source and line, as parseCsv's.
 */
export async function csvDataset(source: ByteSource, options: CsvDatasetOptions): Promise<CsvDataset> {
  const label = 'csvDataset';
  checkByteSource(source, `${label}: source`);
  const o = optionsObject(options, KEYS, `${label}: options`);
  const name = o.source === undefined ? sourceName(source) : stringOption(o.source, `${label}: source`);
  const delimiter = o.delimiter === undefined ? ',' : stringOption(o.delimiter, `${label}: delimiter`);
  const batchRows = wholeNumber(o.batchRows ?? 512, `${label}: batchRows`, 1, 1 << 20);
  const held = o.validation === undefined ? 0 : fraction(o.validation, `${label}: validation`);
  const seed = wholeNumber(o.seed ?? 1, `${label}: seed`, 0, 0xffffffff);
  const onProgress = optionalFunction<CsvDatasetOptions['onProgress']>(o.onProgress, `${label}: onProgress`);
  const read: ReadPlan = { source, name, delimiter, label, onProgress, passes: 0 };
  let encoding: Encoding;
  let columns: readonly string[];
  let counts: { train: number; held: number } | null = null;
  if (o.encoding !== undefined) {
    for (const key of ['target', 'categorical', 'standardize', 'drop']) {
      if (o[key] !== undefined) throw new TypeError(`${label}: ${key}: the encoding given decides the columns; leave ${key} out`);
    }
    encoding = o.encoding instanceof Encoding ? o.encoding : Encoding.fromJSON(o.encoding, `${label}: encoding`);
    columns = await readHeader(read, encoding);
  } else {
    if (readOnce(source)) {
      throw new TypeError(`${label}: source: a stream can be read once, and fitting the encoding takes a pass before training; pass a function returning a fresh stream (e.g. () => fetch(url)), or an encoding`);
    }
    if (typeof o.target !== 'string') throw new TypeError(`${label}: target: expected the name of the column to predict, got ${describe(o.target)}`);
    const choices = { target: o.target, categorical: names(o.categorical, `${label}: categorical`), standardize: names(o.standardize, `${label}: standardize`), drop: names(o.drop, `${label}: drop`) };
    ({ encoding, columns, counts } = await fitPass(read, choices, held, seed));
  }
  const make = (part: Part): CsvDataset => {
    const dataset = () => encodedBatches(read, encoding, batchRows, part);
    const rows = counts ? (part.keep === 'train' ? counts.train : counts.held) : undefined;
    return Object.assign(dataset, { encoding, columns, rows, validation: null });
  };
  const train = make({ keep: 'train', held, seed });
  if (held === 0) return train;
  return Object.assign(train, { validation: make({ keep: 'held', held, seed }) });
}

interface ReadPlan {
  source: ByteSource;
  name: string;
  delimiter: string;
  label: string;
  onProgress: CsvDatasetOptions['onProgress'];
  /** Passes begun so far (what onProgress reports). */
  passes: number;
}

/** Which rows a pass keeps: those not held out (train) or those held out. */
interface Part {
  keep: 'train' | 'held';
  held: number;
  seed: number;
}

/** Whether data row r (from 0) is held out: a hash of (seed, r) against the fraction, so each pass agrees without keeping a list. */
function isHeld(r: number, held: number, seed: number): boolean {
  if (held === 0) return false;
  let z = (Math.imul(r ^ 0x5bd1e995, 0x9e3779b1) + seed) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return ((z ^ (z >>> 16)) >>> 0) / 4294967296 < held;
}

/** What a pass calls: with the header's names, then with every data row (the record, valid during the call, and its number from 0). */
interface PassHandlers {
  header(columns: readonly string[]): void;
  row(r: CsvRecord, row: number): void;
}

/**
 * One pass over the source, yielding after each chunk (onProgress hears then). Returning from
 * the generator early (a consumer that stops) returns from `chunks`, which closes the file or
 * cancels the stream.
 */
async function* pass(read: ReadPlan, handlers: PassHandlers): AsyncGenerator<void> {
  const { chunks, size } = await openBytes(read.source, `${read.label}: source`);
  const n = read.passes++;
  let row = 0;
  const reader = new CsvRowReader(read.name, read.delimiter, (r) => handlers.row(r, row++), (columns) => handlers.header(columns));
  for await (const chunk of chunks) {
    reader.push(chunk);
    read.onProgress?.({ rows: row, bytes: reader.bytesRead, totalBytes: size, pass: n });
    yield;
  }
  const before = row;
  reader.end();
  // A last line without a newline ends only now.
  if (row > before) read.onProgress?.({ rows: row, bytes: reader.bytesRead, totalBytes: size, pass: n });
}

/** Every column the encoding reads must be in the header; a column it does not know is an error, as for records. */
function checkColumns(encoding: Encoding, columns: readonly string[], source: string): void {
  const known = new Set([...encoding.inputs.map((f) => f.column), encoding.target.column, ...encoding.drop]);
  for (const c of known) {
    if (!columns.includes(c) && !encoding.drop.includes(c)) throw new CsvError(source, 1, `no column ${JSON.stringify(c)}; the columns are ${columns.join(', ')}`);
  }
  const unknown = columns.find((c) => !known.has(c));
  if (unknown !== undefined) throw new CsvError(source, 1, `unknown column ${JSON.stringify(unknown)}; the model reads ${encoding.inputs.map((f) => f.column).join(', ')}`);
}

/**
 * The first pass: the model's EncodingBuilder sees every training row (held-out rows are not
 * fitted on). Fields of number columns that parse on the fast path go in as numbers, the
 * rest as their text, so the builder judges them as it judges parsed CSV.
 */
async function fitPass(read: ReadPlan, choices: Required<Omit<EncodingChoices, 'target'>> & { target: string }, held: number, seed: number) {
  const lines = new RowLines();
  const error = (row: number | null, detail: string) => new CsvError(read.name, row === null ? 1 : lines.lineOf(row), detail);
  let builder: EncodingBuilder | null = null;
  let columns: readonly string[] = [];
  let numeric: boolean[] = [];
  // One record object, refilled per row: the builder reads it during add() and keeps nothing of it.
  let record: Record<string, unknown> = {};
  let trained = 0;
  const counts = { train: 0, held: 0 };
  const handlers: PassHandlers = {
    header(names) {
      columns = names;
      builder = new EncodingBuilder(choices, { columns, error });
      numeric = columns.map((c) => !choices.categorical.includes(c));
      record = Object.fromEntries(columns.map((c) => [c, '']));
    },
    row(r, row) {
      if (isHeld(row, held, seed)) {
        counts.held++;
        return;
      }
      counts.train++;
      lines.note(trained++, r.line);
      for (let i = 0; i < r.count; i++) {
        const v = numeric[i] ? parseDecimal(r.bytes, r.starts[i], r.ends[i]) : NaN;
        record[columns[i]] = Number.isNaN(v) ? fieldText(r, i) : v;
      }
      builder!.add(record);
    },
  };
  for await (const _ of pass(read, handlers)) {
    // each chunk's rows have been fitted
  }
  if (builder === null) throw new CsvError(read.name, 1, 'the file is empty; expected a header line');
  return { encoding: (builder as EncodingBuilder).finish(), columns, counts };
}

/** Data row number → file line, kept as the few places they stop moving together (blank lines, multi-line fields). */
class RowLines {
  private rows: number[] = [];
  private lines: number[] = [];
  private next = -1;

  note(row: number, line: number): void {
    if (line !== this.next) {
      this.rows.push(row);
      this.lines.push(line);
    }
    this.next = line + 1;
  }

  lineOf(row: number): number {
    let lo = 0;
    let hi = this.rows.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.rows[mid] <= row) lo = mid;
      else hi = mid - 1;
    }
    return this.lines[lo] + (row - this.rows[lo]);
  }
}

function names(value: unknown, label: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) throw new TypeError(`${label}: expected an array of column names, got ${describe(value)}`);
  return value as string[];
}

function stringOption(value: unknown, label: string): string {
  if (typeof value !== 'string') throw new TypeError(`${label}: expected a string, got ${describe(value)}`);
  return value;
}

/** The header alone (the source is closed once it has arrived), checked against a given encoding. */
async function readHeader(read: ReadPlan, encoding: Encoding): Promise<readonly string[]> {
  let columns: readonly string[] | null = null;
  const it = pass(read, { header: (names) => (columns = names), row: () => undefined });
  for await (const _ of it) if (columns !== null) break; // leaving the loop closes the source
  if (columns === null) throw new CsvError(read.name, 1, 'the file is empty; expected a header line');
  checkColumns(encoding, columns, read.name);
  return columns;
}

/**
 * One epoch: the rows of this part encoded straight from the bytes into { x, y } batches of
 * batchRows (the last may be short). A chunk's batches are made before the first is yielded,
 * so memory is a chunk's worth of batches at most.
 */
async function* encodedBatches(read: ReadPlan, encoding: Encoding, batchRows: number, part: Part): AsyncGenerator<{ x: Float32Array; y: Float32Array }> {
  const I = encoding.inputWidth;
  const K = encoding.outputWidth;
  const keepHeld = part.keep === 'held';
  let encoder: RowEncoder | null = null;
  let x = new Float32Array(batchRows * I);
  let y = new Float32Array(batchRows * K);
  let n = 0;
  const ready: Array<{ x: Float32Array; y: Float32Array }> = [];
  const handlers: PassHandlers = {
    header(columns) {
      checkColumns(encoding, columns, read.name);
      encoder = new RowEncoder(encoding, columns, read.name);
    },
    row(r, row) {
      if (isHeld(row, part.held, part.seed) !== keepHeld) return;
      encoder!.encode(r, x, n * I, y, n * K);
      if (++n < batchRows) return;
      ready.push({ x, y });
      x = new Float32Array(batchRows * I);
      y = new Float32Array(batchRows * K);
      n = 0;
    },
  };
  for await (const _ of pass(read, handlers)) {
    while (ready.length > 0) yield ready.shift()!;
  }
  while (ready.length > 0) yield ready.shift()!;
  if (n > 0) yield { x: x.subarray(0, n * I), y: y.subarray(0, n * K) };
}

/**
 * An Encoding applied to CSV records as bytes: the same values and the same messages as
 * Encoding.encodeInputs/encodeTargets on the parsed table, without a string per number field.
 */
class RowEncoder {
  /** Per input column: its field index, and its category lookup (dummies) or scaler (numbers). */
  private readonly fields: Array<{ at: number; column: string; lookup: Map<string, number> | null; width: number; mean: number; std: number }>;
  private readonly targetAt: number;
  private readonly targetLookup: Map<string, number> | null;

  constructor(private readonly encoding: Encoding, columns: readonly string[], private readonly source: string) {
    this.fields = encoding.inputs.map((f) => ({
      at: columns.indexOf(f.column),
      column: f.column,
      lookup: f.kind === 'dummies' ? new Map(f.categories.map((c, k) => [c, k])) : null,
      width: f.kind === 'dummies' ? f.categories.length : 1,
      mean: f.kind === 'number' && f.scaler ? f.scaler.mean : 0,
      std: f.kind === 'number' && f.scaler ? f.scaler.std : 1,
    }));
    const t = encoding.target;
    this.targetAt = columns.indexOf(t.column);
    this.targetLookup = t.kind === 'classes' ? new Map(t.categories.map((c, k) => [c, k])) : null;
  }

  /** The record's inputs into x at xAt (zero there: dummies set only their 1) and its target into y at yAt. */
  encode(r: CsvRecord, x: Float32Array, xAt: number, y: Float32Array, yAt: number): void {
    let o = xAt;
    for (const f of this.fields) {
      if (f.lookup) {
        x[o + this.category(r, f.at, f.column, f.lookup)] = 1;
        o += f.width;
      } else {
        // Standardised in float64 as Encoding does, then stored as float32.
        x[o++] = (this.number(r, f.at, f.column) - f.mean) / f.std;
      }
    }
    const t = this.encoding.target;
    if (t.kind === 'classes') {
      y[yAt + this.category(r, this.targetAt, t.column, this.targetLookup!)] = 1;
      return;
    }
    const v = this.number(r, this.targetAt, t.column);
    if (t.kind === 'binary' && v !== 0 && v !== 1) throw new CsvError(this.source, r.line, `the target ${JSON.stringify(t.column)} is ${v}; this model predicts 0 or 1`);
    y[yAt] = t.kind === 'number' && t.scaler ? (v - t.scaler.mean) / t.scaler.std : v;
  }

  private number(r: CsvRecord, i: number, column: string): number {
    const v = parseDecimal(r.bytes, r.starts[i], r.ends[i]);
    if (v === v) return v;
    // Not the fast path: read the text as Number() does, and say what is wrong with it.
    const raw = fieldText(r, i);
    const text = raw.trim();
    if (MISSING.has(text)) throw new CsvError(this.source, r.line, `column ${JSON.stringify(column)} has a missing value (${JSON.stringify(raw)})`);
    const n = Number(text);
    if (!Number.isFinite(n)) throw new CsvError(this.source, r.line, `column ${JSON.stringify(column)}: ${JSON.stringify(raw)} is not a number`);
    return n;
  }

  private category(r: CsvRecord, i: number, column: string, lookup: Map<string, number>): number {
    const raw = fieldText(r, i);
    const text = raw.trim();
    if (MISSING.has(text)) throw new CsvError(this.source, r.line, `column ${JSON.stringify(column)} has a missing value (${JSON.stringify(raw)})`);
    const k = lookup.get(text);
    if (k !== undefined) return k;
    throw new CsvError(this.source, r.line, `column ${JSON.stringify(column)}: unknown category ${JSON.stringify(text)}; known: ${[...lookup.keys()].join(', ')}`);
  }
}
