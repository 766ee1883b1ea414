// Dropout: value i keeps when draw(key, i) ≥ threshold, scaled by `scale`, else becomes 0. The
// draw is splitmix32 on the counter i (src/backends/js/dropout.ts has the same integer steps),
// four counters a vector; the ranged forms take [from, to) of the global indices, so a thread's
// slice draws what one thread would.
import { byteAddress } from './pointers';

const GOLDEN: u32 = 0x9e3779b9;
const MIX1: u32 = 0x85ebca6b;
const MIX2: u32 = 0xc2b2ae35;

@inline function draw(key: u32, i: i32): u32 {
  let z = key + <u32>(i + 1) * GOLDEN;
  z = (z ^ (z >>> 16)) * MIX1;
  z = (z ^ (z >>> 13)) * MIX2;
  return z ^ (z >>> 16);
}

// MIX1 and MIX2 in four lanes each, read from memory at each use: V8 builds a vector constant afresh in
// every iteration (3 instructions), where a load from L1 is one.
const MIX_LANES = memory.data<u32>([MIX1, MIX1, MIX1, MIX1, MIX2, MIX2, MIX2, MIX2]);

/** The four draws of the state vector z (key + counter·golden per lane), as a mask: all ones where kept. */
@inline function keepMask(z: v128, threshold: v128): v128 {
  z = i32x4.mul(v128.xor(z, i32x4.shr_u(z, 16)), v128.load(MIX_LANES));
  z = i32x4.mul(v128.xor(z, i32x4.shr_u(z, 13)), v128.load(MIX_LANES, 16));
  return i32x4.ge_u(v128.xor(z, i32x4.shr_u(z, 16)), threshold);
}

/** Lanes' states for counters i + 1 … i + 4. */
@inline function firstStates(key: u32, i: i32): v128 {
  const z = key + <u32>(i + 1) * GOLDEN;
  return i32x4(z, z + GOLDEN, z + 2 * GOLDEN, z + 3 * GOLDEN);
}

export function dropout(a: usize, out: usize, count: i32, key: u32, threshold: u32, scale: f32): void {
  dropoutRange(a, out, count, key, threshold, scale, 0, count);
}

export function dropoutRange(a: usize, out: usize, count: i32, key: u32, threshold: u32, scale: f32, from: i32, to: i32): void {
  a = byteAddress(a); out = byteAddress(out);
  const t = i32x4.splat(threshold);
  const s = f32x4.splat(scale);
  const step = i32x4.splat(4 * GOLDEN);
  let z = firstStates(key, from);
  let i = from;
  for (; i + 4 <= to; i += 4) {
    const o = <usize>i << 2;
    v128.store(out + o, v128.and(f32x4.mul(v128.load(a + o), s), keepMask(z, t)));
    z = i32x4.add(z, step);
  }
  for (; i < to; i++) {
    const o = <usize>i << 2;
    store<f32>(out + o, draw(key, i) >= threshold ? load<f32>(a + o) * scale : 0);
  }
}

export function dropoutDelta(delta: usize, count: i32, key: u32, threshold: u32, scale: f32): void {
  dropoutDeltaRange(delta, count, key, threshold, scale, 0, count);
}

export function dropoutDeltaRange(delta: usize, count: i32, key: u32, threshold: u32, scale: f32, from: i32, to: i32): void {
  dropoutRange(delta, delta, count, key, threshold, scale, from, to); // in place: the same loop
}
