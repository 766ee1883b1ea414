// Activations, forward and backward side by side. backward turns dE/da into dE/dz in
// place: delta *= f'(z), written with a = f(z) where that is cheaper. Elementwise kernels
// treat the rows × cols block as one vector; softmax works row by row.
import { byteAddress } from './pointers';

const LEAKY_RELU_SLOPE: f32 = 0.01; // the same constant as src/kernels.ts

// ---- vectorised exp ---------------------------------------------------------
// x = n·ln2 + r with a Cody–Waite split of ln2, e^r by a degree-6 polynomial on
// |r| ≤ ln2/2 (Cephes expf), then 2^n put straight into the exponent bits.
// Adding MAGIC = 1.5·2^23 rounds to the nearest integer and leaves it in the low mantissa bits;
// cheaper in V8 than f32x4.nearest + trunc_sat.
const MAGIC_BITS: i32 = 0x4b400000;

// expv's constants, four lanes each, read from memory at each use: V8 builds a vector constant afresh
// in every iteration (3–4 instructions each, 14 of them here), where a load from L1 is one.
const EXP_LANES = memory.data<f32>([
  -87.0, -87.0, -87.0, -87.0, // 0: the clamp
  88.0, 88.0, 88.0, 88.0, // 16
  1.44269504088896341, 1.44269504088896341, 1.44269504088896341, 1.44269504088896341, // 32: LOG2E
  12582912.0, 12582912.0, 12582912.0, 12582912.0, // 48: MAGIC
  0.693359375, 0.693359375, 0.693359375, 0.693359375, // 64: LN2_HI
  -2.12194440e-4, -2.12194440e-4, -2.12194440e-4, -2.12194440e-4, // 80: LN2_LO
  1.9875691500e-4, 1.9875691500e-4, 1.9875691500e-4, 1.9875691500e-4, // 96: the polynomial, highest first
  1.3981999507e-3, 1.3981999507e-3, 1.3981999507e-3, 1.3981999507e-3,
  8.3334519073e-3, 8.3334519073e-3, 8.3334519073e-3, 8.3334519073e-3,
  4.1665795894e-2, 4.1665795894e-2, 4.1665795894e-2, 4.1665795894e-2,
  1.6666665459e-1, 1.6666665459e-1, 1.6666665459e-1, 1.6666665459e-1,
  5.0000001201e-1, 5.0000001201e-1, 5.0000001201e-1, 5.0000001201e-1,
  1.0, 1.0, 1.0, 1.0, // 192
]);
/** 2^n's biased exponent from t's bits: t − MAGIC_BITS + 127 in one subtraction. */
const EXPONENT_LANES = memory.data<i32>([MAGIC_BITS - 127, MAGIC_BITS - 127, MAGIC_BITS - 127, MAGIC_BITS - 127]);

/** EXP_LANES' vector at byte offset o. */
@inline function expConst(o: usize): v128 {
  return v128.load(EXP_LANES + o);
}

@inline function expv(x: v128): v128 {
  // Clamp to where 2^n is a normal float; pmin/pmax lower to single instructions in V8.
  x = f32x4.pmax(expConst(0), f32x4.pmin(expConst(16), x));
  const t = f32x4.add(f32x4.mul(x, expConst(32)), expConst(48));
  const n = f32x4.sub(t, expConst(48));
  let r = f32x4.sub(x, f32x4.mul(n, expConst(64)));
  r = f32x4.sub(r, f32x4.mul(n, expConst(80)));
  let p = expConst(96);
  p = f32x4.add(f32x4.mul(p, r), expConst(112));
  p = f32x4.add(f32x4.mul(p, r), expConst(128));
  p = f32x4.add(f32x4.mul(p, r), expConst(144));
  p = f32x4.add(f32x4.mul(p, r), expConst(160));
  p = f32x4.add(f32x4.mul(p, r), expConst(176));
  p = f32x4.add(f32x4.add(f32x4.mul(p, f32x4.mul(r, r)), r), expConst(192));
  const scale = i32x4.shl(i32x4.sub(t, v128.load(EXPONENT_LANES)), 23);
  return f32x4.mul(p, scale);
}

// ---- sigmoid ------------------------------------------------------------------

export function sigmoidForward(z: usize, a: usize, rows: i32, cols: i32): void {
  z = byteAddress(z); a = byteAddress(a);
  const count = rows * cols;
  const c4 = count & ~3;
  const one = f32x4.splat(1);
  let i = 0;
  for (; i < c4; i += 4) {
    const o = <usize>i << 2;
    v128.store(a + o, f32x4.div(one, f32x4.add(one, expv(f32x4.neg(v128.load(z + o))))));
  }
  for (; i < count; i++) {
    const o = <usize>i << 2;
    store<f32>(a + o, <f32>(1.0 / (1.0 + Math.exp(-<f64>load<f32>(z + o)))));
  }
}

/** σ'(z) = σ(z)(1 − σ(z)) = a(1 − a): the activation, not the pre-activation. */
export function sigmoidBackward(z: usize, a: usize, delta: usize, rows: i32, cols: i32): void {
  a = byteAddress(a); delta = byteAddress(delta);
  const count = rows * cols;
  const c4 = count & ~3;
  const one = f32x4.splat(1);
  let i = 0;
  for (; i < c4; i += 4) {
    const o = <usize>i << 2;
    const av = v128.load(a + o);
    v128.store(delta + o, f32x4.mul(v128.load(delta + o), f32x4.mul(av, f32x4.sub(one, av))));
  }
  for (; i < count; i++) {
    const o = <usize>i << 2;
    const ai = load<f32>(a + o);
    store<f32>(delta + o, load<f32>(delta + o) * (ai * (1 - ai)));
  }
}

// ---- tanh -----------------------------------------------------------------------

/**
 * tanh: for |z| < 0.625 an odd polynomial (Cephes tanhf), since 1 − 2/(e^{2|z|} + 1)
 * cancels badly near 0; beyond it that exp form, with the sign put back.
 */
// tanhv's constants, as EXP_LANES.
const TANH_LANES = memory.data<f32>([
  -5.70498872745e-3, -5.70498872745e-3, -5.70498872745e-3, -5.70498872745e-3, // 0: the polynomial, highest first
  2.06390887954e-2, 2.06390887954e-2, 2.06390887954e-2, 2.06390887954e-2,
  -5.37397155531e-2, -5.37397155531e-2, -5.37397155531e-2, -5.37397155531e-2,
  1.33314422036e-1, 1.33314422036e-1, 1.33314422036e-1, 1.33314422036e-1,
  -3.33332819422e-1, -3.33332819422e-1, -3.33332819422e-1, -3.33332819422e-1,
  1.0, 1.0, 1.0, 1.0, // 80
  2.0, 2.0, 2.0, 2.0, // 96
  0.625, 0.625, 0.625, 0.625, // 112: where the polynomial hands over to 1 − 2/(e^2|x| + 1)
]);
const SIGN_LANES = memory.data<u32>([0x80000000, 0x80000000, 0x80000000, 0x80000000]);

/** TANH_LANES' vector at byte offset o. */
@inline function tanhConst(o: usize): v128 {
  return v128.load(TANH_LANES + o);
}

@inline function tanhv(x: v128): v128 {
  const sign = v128.load(SIGN_LANES);
  const ax = v128.andnot(x, sign);
  const x2 = f32x4.mul(x, x);
  let p = tanhConst(0);
  p = f32x4.add(f32x4.mul(p, x2), tanhConst(16));
  p = f32x4.add(f32x4.mul(p, x2), tanhConst(32));
  p = f32x4.add(f32x4.mul(p, x2), tanhConst(48));
  p = f32x4.add(f32x4.mul(p, x2), tanhConst(64));
  const small = f32x4.add(f32x4.mul(f32x4.mul(p, x2), x), x);
  const one = tanhConst(80);
  const big = f32x4.sub(one, f32x4.div(tanhConst(96), f32x4.add(expv(f32x4.add(ax, ax)), one)));
  const signed = v128.or(big, v128.and(x, sign));
  return v128.bitselect(small, signed, f32x4.lt(ax, tanhConst(112)));
}

export function tanhForward(z: usize, a: usize, rows: i32, cols: i32): void {
  z = byteAddress(z); a = byteAddress(a);
  const count = rows * cols;
  const c4 = count & ~3;
  let i = 0;
  for (; i < c4; i += 4) {
    const o = <usize>i << 2;
    v128.store(a + o, tanhv(v128.load(z + o)));
  }
  for (; i < count; i++) {
    const o = <usize>i << 2;
    store<f32>(a + o, <f32>Math.tanh(<f64>load<f32>(z + o)));
  }
}

/** tanh'(z) = 1 − tanh²(z) = 1 − a². */
export function tanhBackward(z: usize, a: usize, delta: usize, rows: i32, cols: i32): void {
  a = byteAddress(a); delta = byteAddress(delta);
  const count = rows * cols;
  const c4 = count & ~3;
  const one = f32x4.splat(1);
  let i = 0;
  for (; i < c4; i += 4) {
    const o = <usize>i << 2;
    const av = v128.load(a + o);
    v128.store(delta + o, f32x4.mul(v128.load(delta + o), f32x4.sub(one, f32x4.mul(av, av))));
  }
  for (; i < count; i++) {
    const o = <usize>i << 2;
    const ai = load<f32>(a + o);
    store<f32>(delta + o, load<f32>(delta + o) * (1 - ai * ai));
  }
}

// ---- relu and leaky relu -----------------------------------------------------------

export function reluForward(z: usize, a: usize, rows: i32, cols: i32): void {
  z = byteAddress(z); a = byteAddress(a);
  const count = rows * cols;
  const c4 = count & ~3;
  const zero = f32x4.splat(0);
  let i = 0;
  for (; i < c4; i += 4) {
    const o = <usize>i << 2;
    // pmax(0, z) is z when 0 < z, else 0 (so NaN and −0 give 0, as the JS reference does)
    v128.store(a + o, f32x4.pmax(zero, v128.load(z + o)));
  }
  for (; i < count; i++) {
    const o = <usize>i << 2;
    const zi = load<f32>(z + o);
    store<f32>(a + o, zi > 0 ? zi : 0);
  }
}

/** relu'(z) = 1 for z > 0, else 0. */
export function reluBackward(z: usize, a: usize, delta: usize, rows: i32, cols: i32): void {
  z = byteAddress(z); delta = byteAddress(delta);
  const count = rows * cols;
  const c4 = count & ~3;
  const zero = f32x4.splat(0);
  let i = 0;
  for (; i < c4; i += 4) {
    const o = <usize>i << 2;
    v128.store(delta + o, v128.and(v128.load(delta + o), f32x4.gt(v128.load(z + o), zero)));
  }
  for (; i < count; i++) {
    const o = <usize>i << 2;
    if (!(load<f32>(z + o) > 0)) store<f32>(delta + o, 0);
  }
}

export function leakyReluForward(z: usize, a: usize, rows: i32, cols: i32): void {
  z = byteAddress(z); a = byteAddress(a);
  const count = rows * cols;
  const c4 = count & ~3;
  const zero = f32x4.splat(0);
  const slope = f32x4.splat(LEAKY_RELU_SLOPE);
  let i = 0;
  for (; i < c4; i += 4) {
    const o = <usize>i << 2;
    const zv = v128.load(z + o);
    v128.store(a + o, v128.bitselect(zv, f32x4.mul(slope, zv), f32x4.gt(zv, zero)));
  }
  for (; i < count; i++) {
    const o = <usize>i << 2;
    const zi = load<f32>(z + o);
    store<f32>(a + o, zi > 0 ? zi : LEAKY_RELU_SLOPE * zi);
  }
}

/** leaky'(z) = 1 for z > 0, else the slope. */
export function leakyReluBackward(z: usize, a: usize, delta: usize, rows: i32, cols: i32): void {
  z = byteAddress(z); delta = byteAddress(delta);
  const count = rows * cols;
  const c4 = count & ~3;
  const zero = f32x4.splat(0);
  const slope = f32x4.splat(LEAKY_RELU_SLOPE);
  let i = 0;
  for (; i < c4; i += 4) {
    const o = <usize>i << 2;
    const d = v128.load(delta + o);
    v128.store(delta + o, v128.bitselect(d, f32x4.mul(slope, d), f32x4.gt(v128.load(z + o), zero)));
  }
  for (; i < count; i++) {
    const o = <usize>i << 2;
    if (!(load<f32>(z + o) > 0)) store<f32>(delta + o, LEAKY_RELU_SLOPE * load<f32>(delta + o));
  }
}

// ---- identity ---------------------------------------------------------------------

export function identityForward(z: usize, a: usize, rows: i32, cols: i32): void {
  z = byteAddress(z); a = byteAddress(a);
  memory.copy(a, z, <usize>(rows * cols) << 2);
}

/** identity'(z) = 1: dE/dz is dE/da, nothing to do. */
export function identityBackward(z: usize, a: usize, delta: usize, rows: i32, cols: i32): void {}

// ---- softmax (output layer) -------------------------------------------------------

/** Row-wise softmax; subtracting the row's max keeps exp from overflowing. */
export function softmaxForward(z: usize, a: usize, rows: i32, cols: i32): void {
  z = byteAddress(z); a = byteAddress(a);
  for (let r = 0; r < rows; r++) {
    const zr = z + (<usize>(r * cols) << 2);
    const ar = a + (<usize>(r * cols) << 2);
    let max: f32 = -Infinity;
    for (let k = 0; k < cols; k++) {
      const zk = load<f32>(zr + (<usize>k << 2));
      if (zk > max) max = zk;
    }
    let sum: f64 = 0;
    for (let k = 0; k < cols; k++) {
      const e = <f32>Math.exp(<f64>load<f32>(zr + (<usize>k << 2)) - <f64>max);
      store<f32>(ar + (<usize>k << 2), e);
      sum += <f64>e;
    }
    const inv = 1.0 / sum;
    for (let k = 0; k < cols; k++) {
      const o = ar + (<usize>k << 2);
      store<f32>(o, <f32>(<f64>load<f32>(o) * inv));
    }
  }
}

/** Jacobian-vector product of softmax: dz_i = a_i (da_i − Σ_k da_k a_k). */
export function softmaxBackward(z: usize, a: usize, delta: usize, rows: i32, cols: i32): void {
  a = byteAddress(a); delta = byteAddress(delta);
  for (let r = 0; r < rows; r++) {
    const ar = a + (<usize>(r * cols) << 2);
    const dr = delta + (<usize>(r * cols) << 2);
    let dot: f64 = 0;
    for (let k = 0; k < cols; k++) dot += <f64>load<f32>(dr + (<usize>k << 2)) * <f64>load<f32>(ar + (<usize>k << 2));
    for (let k = 0; k < cols; k++) {
      const o = <usize>k << 2;
      store<f32>(dr + o, <f32>(<f64>load<f32>(ar + o) * (<f64>load<f32>(dr + o) - dot)));
    }
  }
}
