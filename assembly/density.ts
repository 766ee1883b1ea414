// How much of an operand is zero, for assembly/matmul.ts to choose a product's path: counts only,
// nothing here writes memory.
import { anyNonzero8 } from './simd';

/** Floats with a bit set (−0 counts) in `rows` rows of `cols` floats, rows rowBytes apart. */
export function countNonzero(p: usize, rows: i32, rowBytes: usize, cols: i32): i32 {
  let zeros = 0;
  const c4 = cols & ~3;
  for (let r = 0; r < rows; r++) {
    const row = p + <usize>r * rowBytes;
    let c = 0;
    for (; c < c4; c += 4) zeros += <i32>popcnt<u32>(i32x4.bitmask(i32x4.eq(v128.load(row + (<usize>c << 2)), i32x4.splat(0))));
    for (; c < cols; c++) zeros += i32(load<u32>(row + (<usize>c << 2)) == 0);
  }
  return rows * cols - zeros;
}

/**
 * Of the rows' groups of 8 floats (the last group of a row may be shorter), how many have a bit
 * set: the rows packed.ts's dw keeps in its strips of 8 inputs.
 */
export function countNonzeroGroups(p: usize, rows: i32, rowBytes: usize, cols: i32): i32 {
  let count = 0;
  const c8 = cols & ~7;
  for (let r = 0; r < rows; r++) {
    const row = p + <usize>r * rowBytes;
    for (let c = 0; c < c8; c += 8) count += i32(anyNonzero8(row + (<usize>c << 2)));
    let tail = false;
    for (let c = c8; c < cols; c++) tail = tail || load<u32>(row + (<usize>c << 2)) != 0;
    count += i32(tail);
  }
  return count;
}
