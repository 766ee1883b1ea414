/**
 * How many of the count floats at p are NaN or ±Infinity (x − x is NaN exactly for those).
 * A training step checks every gradient, so the common case (none) is one branch-free pass:
 * the float64 sum of float32 values cannot overflow, so it is finite exactly when every value
 * is (an infinity or NaN makes it ±Infinity or NaN); only then are they counted one by one.
 */
export function countNonFinite(m: Float32Array, p: number, count: number): number {
  const end = p + count;
  let s0 = 0, s1 = 0;
  let i = end - 4;
  for (; i >= p; i -= 4) {
    s0 += m[i] + m[i + 1];
    s1 += m[i + 2] + m[i + 3];
  }
  for (i += 3; i >= p; i--) s0 += m[i];
  const sum = s0 + s1;
  if (sum - sum === 0) return 0;
  let bad = 0;
  for (let j = p; j < end; j++) {
    const v = m[j];
    if (v - v !== 0) bad++;
  }
  return bad;
}
