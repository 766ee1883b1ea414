// SIMD helpers the products share (assembly/matmul.ts, packed.ts, rows.ts, density.ts); nothing here is a kernel.

/** Horizontal sum of the four lane sums, pairwise: (l0 + l1) + (l2 + l3). */
@inline export function hsum(v: v128): f32 {
  return (f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1)) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}

/** Whether any of the 8 floats at p has a bit set (−0 counts: a test that need only let every non-zero through). */
@inline export function anyNonzero8(p: usize): bool {
  return v128.any_true(v128.or(v128.load(p), v128.load(p, 16)));
}

/** a·b + c. The relaxed-SIMD build turns it into one fused multiply-add. */
@inline export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

/** The dot product's lane sums reduced, then the k % 4 tail one by one, then the bias last. */
@inline export function finishDot(acc: v128, xr: usize, wr: usize, k4: i32, inputs: i32, bias: f32): f32 {
  let s = hsum(acc);
  for (let k = k4; k < inputs; k++) s += load<f32>(xr + (<usize>k << 2)) * load<f32>(wr + (<usize>k << 2));
  return s + bias;
}

@inline export function biasAt(b: usize, j: i32, hasBias: i32): f32 {
  return hasBias ? load<f32>(b + (<usize>j << 2)) : 0;
}
