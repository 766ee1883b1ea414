// Named keys, as brain.js takes them: `{ input: { r: 1, g: 0.4 }, output: { dark: 1 } }`. A table
// gives each key seen in the data a position, in the order first seen; missing keys count as 0.
import { describe } from '../validate/values.js';

/** A key's position in the vector: brain.js's inputLookup / outputLookup. */
export type Lookup = Record<string, number>;

/** A sample as brain.js takes it: numbers by position, or by name. */
export type BrainValue = ArrayLike<number> | Record<string, number>;

/** Whether a value is given by position (an array or typed array) rather than by name. */
export function isVector(value: unknown): value is ArrayLike<number> {
  return Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView));
}

/** Every own key of the objects, in the order first met: what brain.js's LookupTable builds. */
export function buildLookup(objects: readonly unknown[], label: string): Lookup {
  const table: Lookup = Object.create(null) as Lookup;
  let length = 0;
  objects.forEach((o, i) => {
    if (o === null || typeof o !== 'object') throw new TypeError(`${label}[${i}]: expected an object of named numbers, got ${describe(o)}`);
    for (const key of Object.keys(o)) if (!(key in table)) table[key] = length++;
  });
  return table;
}

/** The keys of a lookup in position order. */
export function lookupKeys(table: Lookup): string[] {
  return Object.keys(table).sort((a, b) => table[a] - table[b]);
}

/** Named numbers to a vector of `length`: keys not in the table are ignored, keys missing are 0. */
export function namedToVector(table: Lookup, length: number, value: unknown, label: string): Float32Array {
  if (value === null || typeof value !== 'object' || isVector(value)) throw new TypeError(`${label}: expected an object of named numbers, got ${describe(value)}`);
  const out = new Float32Array(length);
  const o = value as Record<string, unknown>;
  for (const key of Object.keys(table)) {
    if (!Object.hasOwn(o, key)) continue;
    const v = o[key];
    if (typeof v !== 'number') throw new TypeError(`${label}: ${JSON.stringify(key)}: expected a number, got ${describe(v)}`);
    out[table[key]] = v;
  }
  return out;
}

/** A vector back to named numbers. */
export function vectorToNamed(table: Lookup, values: ArrayLike<number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const key of Object.keys(table)) out[key] = values[table[key]];
  return out;
}

/** A copy of a lookup as a plain object (what toJSON writes). */
export function copyLookup(table: Lookup | null): Lookup | null {
  return table ? { ...table } : null;
}
