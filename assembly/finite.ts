import { byteAddress } from './pointers';

/**
 * How many of the count floats at p are NaN or ±Infinity. x·0 is 0 for a finite x and NaN
 * otherwise, so four running sums of x·0 stay 0 exactly when everything is finite: two cheap
 * operations per vector. Only when a sum turns NaN is the slower exact count taken.
 */
export function countNonFinite(p: usize, count: i32): i32 {
  p = byteAddress(p);
  const c16 = count & ~15;
  const zero = f32x4.splat(0);
  let s0 = zero, s1 = zero, s2 = zero, s3 = zero;
  let i = 0;
  for (; i < c16; i += 16) {
    const o = p + (<usize>i << 2);
    s0 = f32x4.add(s0, f32x4.mul(v128.load(o), zero));
    s1 = f32x4.add(s1, f32x4.mul(v128.load(o, 16), zero));
    s2 = f32x4.add(s2, f32x4.mul(v128.load(o, 32), zero));
    s3 = f32x4.add(s3, f32x4.mul(v128.load(o, 48), zero));
  }
  const s = f32x4.add(f32x4.add(s0, s1), f32x4.add(s2, s3));
  let clean = f32x4.extract_lane(s, 0) + f32x4.extract_lane(s, 1) + f32x4.extract_lane(s, 2) + f32x4.extract_lane(s, 3) == 0;
  for (let j = i; j < count; j++) {
    const x = load<f32>(p + (<usize>j << 2));
    if (x - x != 0) clean = false;
  }
  return clean ? 0 : exactCount(p, count);
}

/** The exact count, on the rare path where something is not finite. */
function exactCount(p: usize, count: i32): i32 {
  let n = 0;
  for (let i = 0; i < count; i++) {
    const x = load<f32>(p + (<usize>i << 2));
    if (x - x != 0) n++;
  }
  return n;
}
