/** How many of the count floats at p are NaN or ±Infinity: x − x is NaN exactly for those. */
export function countNonFinite(p: usize, count: i32): i32 {
  const c4 = count & ~3;
  let bad = i32x4.splat(0);
  let i = 0;
  for (; i < c4; i += 4) {
    const v = v128.load(p + (<usize>i << 2));
    const d = f32x4.sub(v, v);
    // ne(d, d) is all-ones (−1) in lanes where d is NaN
    bad = i32x4.sub(bad, f32x4.ne(d, d));
  }
  let n = i32x4.extract_lane(bad, 0) + i32x4.extract_lane(bad, 1) + i32x4.extract_lane(bad, 2) + i32x4.extract_lane(bad, 3);
  for (; i < count; i++) {
    const x = load<f32>(p + (<usize>i << 2));
    if (x - x != 0) n++;
  }
  return n;
}
