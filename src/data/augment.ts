// Data augmentation for images: each training image moved by a random whole-pixel offset, a
// cheap way to show a small network that a digit one pixel to the left is the same digit.
import { Random } from '../random.js';
import { describe, plainObject } from '../validate/values.js';

/** Options of shiftImages. */
export interface ShiftOptions {
  /** Largest move in pixels along each axis (default 1): offsets are drawn from −max…max. */
  max?: number;
  /** Seeds the offsets; pass the same Random across epochs to get new offsets each time. */
  random: Random;
}

/**
 * A copy of `images` (count × rows·cols, row-major, one image per row) with every image moved
 * by its own random (dx, dy); pixels moved in from outside the frame are 0 (the background).
 */
export function shiftImages(images: Float32Array, rows: number, cols: number, options: ShiftOptions): Float32Array {
  const pixels = rows * cols;
  if (!(images instanceof Float32Array)) throw new TypeError(`shiftImages: images: expected a Float32Array, got ${describe(images)}`);
  const o = plainObject(options, 'shiftImages: options');
  if (typeof (o.random as Random | null)?.below !== 'function') throw new TypeError(`shiftImages: random: expected a Random, got ${describe(o.random)}`);
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 1 || cols < 1) {
    throw new RangeError(`shiftImages: rows and cols: expected whole numbers ≥ 1, got ${describe(rows)} and ${describe(cols)}`);
  }
  if (images.length % pixels !== 0) {
    throw new RangeError(`shiftImages: images: expected a multiple of ${pixels} values (${rows}×${cols} each), got ${images.length}`);
  }
  const max = options.max ?? 1;
  if (!Number.isInteger(max) || max < 0 || max >= Math.min(rows, cols)) {
    throw new RangeError(`shiftImages: max: expected a whole number from 0 to ${Math.min(rows, cols) - 1}, got ${describe(max)}`);
  }
  const out = new Float32Array(images.length);
  const count = images.length / pixels;
  for (let i = 0; i < count; i++) {
    const dx = options.random.below(2 * max + 1) - max;
    const dy = options.random.below(2 * max + 1) - max;
    const base = i * pixels;
    for (let r = 0; r < rows; r++) {
      const from = r - dy;
      if (from < 0 || from >= rows) continue;
      const c0 = Math.max(0, dx);
      const c1 = Math.min(cols, cols + dx);
      // Row r, columns c0..c1 of the output come from row `from`, columns c0 − dx..c1 − dx.
      out.set(images.subarray(base + from * cols + c0 - dx, base + from * cols + c1 - dx), base + r * cols + c0);
    }
  }
  return out;
}
