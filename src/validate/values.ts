// The checks every public call makes of its arguments, written once: each throws a TypeError or
// RangeError whose message starts with the label (the call and argument), says what was
// expected, and shows what came instead.

/** A value as an error message shows it: the type, and the value where it is short. */
export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  if (ArrayBuffer.isView(v)) return `a ${v.constructor.name}`;
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 20 ? v.slice(0, 20) + '…' : v)}`;
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${String(v)}`;
}

export function plainObject(value: unknown, label: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new TypeError(`${label}: expected an options object, got ${describe(value)}`);
  }
  return value as Record<string, unknown>;
}

/** Throw a TypeError naming the first key of `obj` that is not in `known`. */
export function rejectUnknownKeys(obj: object, known: readonly string[], label: string): void {
  for (const key of Object.keys(obj)) {
    if (!known.includes(key)) {
      throw new TypeError(`${label}: unknown option ${JSON.stringify(key)}; known options are ${known.join(', ')}`);
    }
  }
}

/** An options object with no keys beyond `known`. */
export function optionsObject(value: unknown, known: readonly string[], label: string): Record<string, unknown> {
  const o = plainObject(value, label);
  rejectUnknownKeys(o, known, label);
  return o;
}

export function oneOf<T extends string>(value: unknown, allowed: readonly T[], label: string): T {
  if (typeof value !== 'string' || !allowed.includes(value as T)) {
    throw new TypeError(`${label}: expected one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${describe(value)}`);
  }
  return value as T;
}

export function boolean(value: unknown, label: string): boolean {
  if (typeof value !== 'boolean') throw new TypeError(`${label}: expected true or false, got ${describe(value)}`);
  return value;
}

/** A finite number. */
export function finite(value: unknown, label: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new RangeError(`${label}: expected a finite number, got ${describe(value)}`);
  return value;
}

/** A finite number > 0. */
export function positive(value: unknown, label: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new RangeError(`${label}: expected a finite number > 0, got ${describe(value)}`);
  }
  return value;
}

/** A finite number ≥ 0. */
export function nonNegative(value: unknown, label: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new RangeError(`${label}: expected a finite number ≥ 0, got ${describe(value)}`);
  }
  return value;
}

/** A number in [0, 1). */
export function fraction(value: unknown, label: string): number {
  if (typeof value !== 'number' || !(value >= 0 && value < 1)) {
    throw new RangeError(`${label}: expected a number in [0, 1), got ${describe(value)}`);
  }
  return value;
}

/** A whole number ≥ min, and at most max. */
export function wholeNumber(value: unknown, label: string, min: number, max = Infinity): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new RangeError(`${label}: expected a whole number ≥ ${min}, got ${describe(value)}`);
  }
  if (value > max) throw new RangeError(`${label}: expected at most ${max}, got ${describe(value)}`);
  return value;
}

/** A whole number in [min, max], said as a range (for options whose both ends matter); `orElse` names what else the option takes. */
export function wholeNumberIn(value: unknown, label: string, min: number, max: number, what = 'a whole number', orElse = ''): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${label}: expected ${what} from ${min} to ${max}${orElse}, got ${describe(value)}`);
  }
  return value;
}

/** A callback, or undefined. */
export function optionalFunction<F>(value: unknown, label: string): F | undefined {
  if (value !== undefined && typeof value !== 'function') throw new TypeError(`${label}: expected a function, got ${describe(value)}`);
  return value as F | undefined;
}

/**
 * An AbortSignal, or undefined. fit only reads `aborted` between batches, so any object with that
 * flag will do; a caller that must hear the abort as it happens (`listens`) needs addEventListener too.
 */
export function optionalSignal(value: unknown, label: string, listens = false): AbortSignal | undefined {
  if (value === undefined) return undefined;
  const s = value as AbortSignal | null;
  if (typeof s !== 'object' || s === null || typeof s.aborted !== 'boolean' || (listens && typeof s.addEventListener !== 'function')) {
    throw new TypeError(`${label}: expected an AbortSignal, got ${describe(value)}`);
  }
  return s;
}

/** An array or typed array (not a string, not an object claiming a length): what the data helpers take. */
export function expectArray(value: unknown, label: string, what = 'an array'): void {
  const numbers = ArrayBuffer.isView(value) && !(value instanceof DataView || value instanceof BigInt64Array || value instanceof BigUint64Array);
  if (!Array.isArray(value) && !numbers) {
    throw new TypeError(`${label}: expected ${what}, got ${describe(value)}`);
  }
}
