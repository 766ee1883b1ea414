// Decimal numbers read straight from UTF-8 bytes, for streamed CSV: no string per field. The
// common case (at most 15 significant digits, a power of ten up to 22) is Clinger's fast path:
// an exact integer times or divided by an exact power of ten is one correctly rounded
// operation, so the result is the float64 Number() gives. Anything else returns NaN and the
// caller reads that field as Number() does (long mantissas, hex, Infinity, missing values).

/** 10^0 … 10^22: every one exact in float64. */
const POWERS = Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));

/** Mantissas up to this many significant digits are exact integers in float64 (10^15 < 2^53). */
const MAX_DIGITS = 15;

const ZERO = 48;
const DOT = 46;
const MINUS = 45;
const PLUS = 43;
const SPACE = 32;
const TAB = 9;

/**
 * The number in bytes[start, end) exactly as Number() reads its text, or NaN where the fast
 * path does not apply (then the caller falls back to Number() on the decoded text). Spaces and
 * tabs around the number are allowed, as Number() allows them.
 */
export function parseDecimal(bytes: Uint8Array, start: number, end: number): number {
  let i = start;
  if (i < end && (bytes[i] === SPACE || bytes[i] === TAB || bytes[end - 1] === SPACE || bytes[end - 1] === TAB)) {
    while (i < end && (bytes[i] === SPACE || bytes[i] === TAB)) i++;
    while (end > i && (bytes[end - 1] === SPACE || bytes[end - 1] === TAB)) end--;
  }
  if (i === end) return NaN;
  let negative = false;
  const sign = bytes[i];
  if (sign === MINUS || sign === PLUS) {
    negative = sign === MINUS;
    i++;
  }
  let mantissa = 0;
  let d = 0;
  const first = i;
  while (i < end && (d = bytes[i] - ZERO) >= 0 && d <= 9) {
    mantissa = mantissa * 10 + d;
    i++;
  }
  let digits = i - first;
  let scale = 0; // the power of ten the mantissa is multiplied by
  if (i < end && bytes[i] === DOT) {
    const point = ++i;
    while (i < end && (d = bytes[i] - ZERO) >= 0 && d <= 9) {
      mantissa = mantissa * 10 + d;
      i++;
    }
    scale = point - i;
    digits += i - point;
  }
  if (digits === 0) return NaN;
  // Leading zeros are not significant: count them out only when the digits look too many.
  if (digits > MAX_DIGITS && significantDigits(bytes, first, i) > MAX_DIGITS) return NaN;
  if (i < end && (bytes[i] | 0x20) === 101) {
    i++;
    let exponentNegative = false;
    if (i < end && (bytes[i] === MINUS || bytes[i] === PLUS)) exponentNegative = bytes[i++] === MINUS;
    let exponent = 0;
    const from = i;
    while (i < end && (d = bytes[i] - ZERO) >= 0 && d <= 9 && exponent < 1000) {
      exponent = exponent * 10 + d;
      i++;
    }
    if (i === from) return NaN;
    scale += exponentNegative ? -exponent : exponent;
  }
  if (i !== end) return NaN;
  let value: number;
  if (mantissa === 0) value = 0;
  else if (scale >= 0 && scale <= 22) value = mantissa * POWERS[scale];
  else if (scale < 0 && scale >= -22) value = mantissa / POWERS[-scale];
  else return NaN;
  return negative ? -value : value;
}

/** Digits in bytes[from, to) (a mantissa with its point) after the leading zeros. */
function significantDigits(bytes: Uint8Array, from: number, to: number): number {
  let count = 0;
  for (let i = from; i < to; i++) {
    const c = bytes[i];
    if (c === DOT || (count === 0 && c === ZERO)) continue;
    count++;
  }
  return count;
}
