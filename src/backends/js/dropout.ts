// Dropout's mask, drawn where it is applied: value i of a pass keeps when dropoutDraw(key, i) is
// at least the threshold. The draw is splitmix32's output for the counter i under the key, in
// 32-bit integer arithmetic that assembly/dropout.ts repeats lane for lane, so both backends and
// every thread slice drop the same values, and the backward pass redraws the forward's mask.

const GOLDEN = 0x9e3779b9;

/** A uniform uint32 for counter i under key (splitmix32: the state key + (i + 1)·golden, mixed). */
export function dropoutDraw(key: number, i: number): number {
  let z = (key + Math.imul(i + 1, GOLDEN)) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

export function dropout(m: Float32Array, a: number, out: number, count: number, key: number, threshold: number, scale: number): void {
  // Both factors are float32, so the float64 product is exact and the store rounds it as Wasm's f32 multiply does.
  for (let i = 0; i < count; i++) m[out + i] = dropoutDraw(key, i) >= threshold ? m[a + i] * scale : 0;
}

export function dropoutDelta(m: Float32Array, delta: number, count: number, key: number, threshold: number, scale: number): void {
  dropout(m, delta, delta, count, key, threshold, scale); // in place: the same loop
}
