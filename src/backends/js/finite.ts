/** How many of the count floats at p are NaN or ±Infinity (x − x is NaN exactly for those). */
export function countNonFinite(m: Float32Array, p: number, count: number): number {
  let bad = 0;
  for (let i = 0; i < count; i++) {
    const v = m[p + i];
    if (v - v !== 0) bad++;
  }
  return bad;
}
