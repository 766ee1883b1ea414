/**
 * How many of the count floats at p are NaN or ±Infinity (x − x is NaN exactly for those).
 * A training step checks every gradient, so the common case (none) is one branch-free pass:
 * four running sums of x − x stay 0 until a NaN or infinity makes them NaN; only then count.
 */
export function countNonFinite(m: Float32Array, p: number, count: number): number {
  const end = p + count;
  const end4 = p + (count & ~3);
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  let i = p;
  for (; i < end4; i += 4) {
    const v0 = m[i], v1 = m[i + 1], v2 = m[i + 2], v3 = m[i + 3];
    s0 += v0 - v0;
    s1 += v1 - v1;
    s2 += v2 - v2;
    s3 += v3 - v3;
  }
  for (; i < end; i++) {
    const v = m[i];
    s0 += v - v;
  }
  if (s0 + s1 + s2 + s3 === 0) return 0;
  let bad = 0;
  for (let j = p; j < end; j++) {
    const v = m[j];
    if (v - v !== 0) bad++;
  }
  return bad;
}
