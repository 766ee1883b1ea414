// Loss values and output deltas. Every loss here has an output delta scale·(a − y); the
// sums accumulate in f64 so a large batch does not lose the small terms.
import { byteAddress } from './pointers';

/** delta = scale·(a − y). */
export function outputDelta(a: usize, y: usize, delta: usize, count: i32, scale: f32): void {
  a = byteAddress(a); y = byteAddress(y); delta = byteAddress(delta);
  const c4 = count & ~3;
  const s = f32x4.splat(scale);
  let i = 0;
  for (; i < c4; i += 4) {
    const o = <usize>i << 2;
    v128.store(delta + o, f32x4.mul(s, f32x4.sub(v128.load(a + o), v128.load(y + o))));
  }
  for (; i < count; i++) {
    const o = <usize>i << 2;
    store<f32>(delta + o, scale * (load<f32>(a + o) - load<f32>(y + o)));
  }
}

/** Σ (a − y)²: squares in f32 lanes, the running sum in two f64 lanes. */
export function sumSquaredError(a: usize, y: usize, count: i32): f64 {
  a = byteAddress(a); y = byteAddress(y);
  const c4 = count & ~3;
  let acc = f64x2.splat(0);
  let i = 0;
  for (; i < c4; i += 4) {
    const o = <usize>i << 2;
    const e = f32x4.sub(v128.load(a + o), v128.load(y + o));
    const sq = f32x4.mul(e, e);
    acc = f64x2.add(acc, f64x2.add(f64x2.promote_low_f32x4(sq), f64x2.promote_low_f32x4(i32x4.shuffle(sq, sq, 2, 3, 0, 1))));
  }
  let sum = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
  for (; i < count; i++) {
    const o = <usize>i << 2;
    const e = <f64>load<f32>(a + o) - <f64>load<f32>(y + o);
    sum += e * e;
  }
  return sum;
}

/** Σ −[y ln σ(z) + (1−y) ln(1−σ(z))] = Σ max(z,0) − z·y + ln(1 + e^−|z|): finite for any z. */
export function sigmoidCrossEntropy(z: usize, y: usize, count: i32): f64 {
  z = byteAddress(z); y = byteAddress(y);
  let sum: f64 = 0;
  for (let i = 0; i < count; i++) {
    const o = <usize>i << 2;
    const zi = <f64>load<f32>(z + o);
    sum += Math.max(zi, 0) - zi * <f64>load<f32>(y + o) + Math.log1p(Math.exp(-Math.abs(zi)));
  }
  return sum;
}

/** Σ_rows Σ_k y_k (lse(z) − z_k), lse = max + ln Σ e^(z−max): −Σ y ln softmax(z), stably. */
export function softmaxCrossEntropy(z: usize, y: usize, rows: i32, cols: i32): f64 {
  z = byteAddress(z); y = byteAddress(y);
  let sum: f64 = 0;
  for (let r = 0; r < rows; r++) {
    const zr = z + (<usize>(r * cols) << 2);
    const yr = y + (<usize>(r * cols) << 2);
    let max: f64 = -Infinity;
    for (let k = 0; k < cols; k++) max = Math.max(max, <f64>load<f32>(zr + (<usize>k << 2)));
    let expSum: f64 = 0;
    for (let k = 0; k < cols; k++) expSum += Math.exp(<f64>load<f32>(zr + (<usize>k << 2)) - max);
    const lse = max + Math.log(expSum);
    for (let k = 0; k < cols; k++) {
      const yk = <f64>load<f32>(yr + (<usize>k << 2));
      if (yk != 0) sum += yk * (lse - <f64>load<f32>(zr + (<usize>k << 2)));
    }
  }
  return sum;
}
