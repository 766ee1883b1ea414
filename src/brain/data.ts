// brain.js's training data, `[{ input, output }]`, turned into packed rows: vectors copied, named
// values placed by the lookups (built from the data where there are none yet). Every value is
// checked here, so nothing the network keeps changes when a sample is bad.
import { describe } from '../validate/values.js';
import { buildLookup, isVector, namedToVector, type BrainValue, type Lookup } from './lookup.js';
import type { PackedSet } from './train-loop.js';

/** One training sample as brain.js takes it. */
export interface BrainDatum {
  /** The input: numbers by position, or by name. */
  input: BrainValue;
  /** The target: numbers by position, or by name. */
  output: BrainValue;
}

/** The lookups in force for a data set. */
export interface Lookups {
  inputLookup: Lookup | null;
  outputLookup: Lookup | null;
}

/** A non-empty array of `{ input, output }`. */
export function checkData(data: unknown, label: string): BrainDatum[] {
  if (!Array.isArray(data) || data.length === 0) throw new TypeError(`${label}: expected a non-empty array of { input, output } samples, got ${describe(data)}`);
  data.forEach((d: unknown, i) => {
    if (d === null || typeof d !== 'object' || !('input' in d) || !('output' in d)) {
      throw new TypeError(`${label}[${i}]: expected a sample { input, output }, got ${describe(d)}`);
    }
  });
  return data as BrainDatum[];
}

/** brain.js builds a lookup from the whole data set when the first sample's values are named and it has none yet. */
export function lookupsFor(data: BrainDatum[], current: Lookups, label: string): Lookups {
  const build = (prop: 'input' | 'output', table: Lookup | null) =>
    table ?? (isVector(data[0][prop]) ? null : buildLookup(data.map((d) => d[prop]), `${label}: ${prop}s`));
  return { inputLookup: build('input', current.inputLookup), outputLookup: build('output', current.outputLookup) };
}

/** One sample's value as a vector of `width`, by position or by name. */
export function valueVector(value: unknown, table: Lookup | null, width: number, label: string): Float32Array {
  const v = new Float32Array(width);
  writeValue(value, table, width, v, 0, label);
  return v;
}

/** Past this a number stored as float32 becomes Infinity (2¹²⁸ − 2¹⁰³, halfway to the next power of two). */
const FLOAT32_OVERFLOW = 3.4028235677973366e38;

/** One sample's value written into `into` from `at` (no vector made per sample), every number checked finite as float32. */
function writeValue(value: unknown, table: Lookup | null, width: number, into: Float32Array, at: number, label: string): void {
  if (!isVector(value)) {
    if (!table) throw new TypeError(`${label}: expected an array of ${width} numbers, got ${describe(value)}`);
    value = namedToVector(table, width, value, label);
  }
  const vector = value as ArrayLike<number>;
  if (vector.length !== width) throw new RangeError(`${label}: expected ${width} numbers, got ${vector.length}`);
  for (let k = 0; k < width; k++) {
    const v = +vector[k];
    // One compare, false for NaN, ±Infinity and numbers too large for float32.
    if (!(Math.abs(v) < FLOAT32_OVERFLOW)) throw new RangeError(`${label}[${k}]: expected a finite number, got ${Math.fround(v)}`);
    into[at + k] = v;
  }
}

/** The width a sample's value gives: its length, or its lookup's. */
export function widthOf(value: unknown, table: Lookup | null): number {
  return isVector(value) ? value.length : table ? Object.keys(table).length : 0;
}

/** Pack the samples at the given widths. */
export function packData(data: BrainDatum[], lookups: Lookups, inputs: number, outputs: number, label: string): PackedSet {
  const x = new Float32Array(data.length * inputs);
  const y = new Float32Array(data.length * outputs);
  for (let i = 0; i < data.length; i++) {
    writeValue(data[i].input, lookups.inputLookup, inputs, x, i * inputs, `${label}[${i}].input`);
    writeValue(data[i].output, lookups.outputLookup, outputs, y, i * outputs, `${label}[${i}].output`);
  }
  return { x, y, rows: data.length };
}
