// Optimizer updates: one fused SIMD loop over the whole flat parameter vector. Each loop runs
// four floats at a time, then the tail one by one with the same operations in the same order.
import { byteAddress } from './pointers';

/** x + rate·(target − x): one step of an exponential moving average (Adam's moments, RMSprop's mean square). */
@inline function towards(x: v128, target: v128, rate: v128): v128 {
  return f32x4.add(x, f32x4.mul(rate, f32x4.sub(target, x)));
}

/** towards, one float (the loops' tails). */
@inline function towardsOne(x: f32, target: f32, rate: f32): f32 {
  return x + rate * (target - x);
}

// Wasm has no flush-to-zero mode, and x86 takes a microcode assist (~100 cycles) for every operation on a
// subnormal float: Adam's and momentum's state for a weight whose gradient is 0 (an MNIST border pixel)
// decays by β each step into the subnormals, which made Adam's pass 30–60× slower (4 ms for 200k weights).
// So state below 2⁻¹⁰⁰ is stored as 0, and g² is taken as 0 where |g| < 2⁻⁵⁰: then every product in the
// updates stays above 2⁻¹²⁶. The values dropped move no weight by more than ~1e-26.
const TINY: f32 = 7.888609052210118e-31; // 2⁻¹⁰⁰
const TINY_ROOT: f32 = 8.881784197001252e-16; // 2⁻⁵⁰

// The loops' constant vectors, read from memory at each use: V8 builds a splat or abs's mask afresh in
// every iteration (2–3 instructions each), where a load from L1 is one.
const MAGNITUDE = memory.data<u32>([0x7fffffff, 0x7fffffff, 0x7fffffff, 0x7fffffff]);
const TINY_LANES = memory.data<f32>([TINY, TINY, TINY, TINY]);
const TINY_ROOT_LANES = memory.data<f32>([TINY_ROOT, TINY_ROOT, TINY_ROOT, TINY_ROOT]);

/** x, or 0 in the lanes where |x| < the 4 floats at tinyAt (NaN stays NaN). */
@inline function flush(x: v128, tinyAt: usize): v128 {
  return v128.andnot(x, f32x4.lt(v128.and(x, v128.load(MAGNITUDE)), v128.load(tinyAt)));
}

/** flush, one float. */
@inline function flushOne(x: f32, tiny: f32): f32 {
  return Mathf.abs(x) < tiny ? 0 : x;
}

/** p -= η·g. */
export function sgdUpdate(params: usize, grads: usize, count: i32, learningRate: f32): void {
  params = byteAddress(params); grads = byteAddress(grads);
  const c4 = count & ~3;
  const lr = f32x4.splat(learningRate);
  let i = 0;
  for (; i < c4; i += 4) {
    const o = <usize>i << 2;
    v128.store(params + o, f32x4.sub(v128.load(params + o), f32x4.mul(lr, v128.load(grads + o))));
  }
  for (; i < count; i++) {
    const o = <usize>i << 2;
    store<f32>(params + o, load<f32>(params + o) - learningRate * load<f32>(grads + o));
  }
}

/** Classical momentum: v = μv − ηg; p += v. */
export function momentumUpdate(params: usize, grads: usize, velocity: usize, count: i32, learningRate: f32, momentum: f32): void {
  params = byteAddress(params); grads = byteAddress(grads); velocity = byteAddress(velocity);
  const c4 = count & ~3;
  const lr = f32x4.splat(learningRate);
  const mu = f32x4.splat(momentum);
  let i = 0;
  for (; i < c4; i += 4) {
    const o = <usize>i << 2;
    const v = flush(f32x4.sub(f32x4.mul(mu, v128.load(velocity + o)), f32x4.mul(lr, v128.load(grads + o))), TINY_LANES);
    v128.store(velocity + o, v);
    v128.store(params + o, f32x4.add(v128.load(params + o), v));
  }
  for (; i < count; i++) {
    const o = <usize>i << 2;
    const v = flushOne(momentum * load<f32>(velocity + o) - learningRate * load<f32>(grads + o), TINY);
    store<f32>(velocity + o, v);
    store<f32>(params + o, load<f32>(params + o) + v);
  }
}

/**
 * Online momentum for one layer on one sample, the gradient never stored: g = δ_j·x_k, then
 * momentumUpdate's v = μv − ηg; w += v with the same operations, so the same bits as
 * weightGradients (batch 1) followed by momentumUpdate. Rows j in [0, units) are independent.
 */
export function outerMomentumUpdate(delta: usize, x: usize, weights: usize, velocity: usize, inputs: i32, units: i32, learningRate: f32, momentum: f32): void {
  delta = byteAddress(delta); x = byteAddress(x); weights = byteAddress(weights); velocity = byteAddress(velocity);
  const k16 = inputs & ~15;
  const k4 = inputs & ~3;
  const rowBytes = <usize>inputs << 2;
  const lr = f32x4.splat(learningRate);
  const mu = f32x4.splat(momentum);
  for (let j = 0; j < units; j++) {
    const dj = load<f32>(delta + (<usize>j << 2));
    const d = f32x4.splat(dj);
    const w = weights + <usize>j * rowBytes;
    const v = velocity + <usize>j * rowBytes;
    let k = 0;
    // Two vectors a pass, the second at immediate offsets: this loop is bound by instructions, not flops.
    for (; k < k16; k += 16) {
      const o = <usize>k << 2;
      const xo = x + o, vo = v + o, wo = w + o;
      const vel0 = flush(f32x4.sub(f32x4.mul(mu, v128.load(vo)), f32x4.mul(lr, f32x4.mul(d, v128.load(xo)))), TINY_LANES);
      const vel1 = flush(f32x4.sub(f32x4.mul(mu, v128.load(vo, 16)), f32x4.mul(lr, f32x4.mul(d, v128.load(xo, 16)))), TINY_LANES);
      const vel2 = flush(f32x4.sub(f32x4.mul(mu, v128.load(vo, 32)), f32x4.mul(lr, f32x4.mul(d, v128.load(xo, 32)))), TINY_LANES);
      const vel3 = flush(f32x4.sub(f32x4.mul(mu, v128.load(vo, 48)), f32x4.mul(lr, f32x4.mul(d, v128.load(xo, 48)))), TINY_LANES);
      v128.store(vo, vel0);
      v128.store(vo, vel1, 16);
      v128.store(vo, vel2, 32);
      v128.store(vo, vel3, 48);
      v128.store(wo, f32x4.add(v128.load(wo), vel0));
      v128.store(wo, f32x4.add(v128.load(wo, 16), vel1), 16);
      v128.store(wo, f32x4.add(v128.load(wo, 32), vel2), 32);
      v128.store(wo, f32x4.add(v128.load(wo, 48), vel3), 48);
    }
    for (; k < k4; k += 4) {
      const o = <usize>k << 2;
      const g = f32x4.mul(d, v128.load(x + o));
      const vel = flush(f32x4.sub(f32x4.mul(mu, v128.load(v + o)), f32x4.mul(lr, g)), TINY_LANES);
      v128.store(v + o, vel);
      v128.store(w + o, f32x4.add(v128.load(w + o), vel));
    }
    for (; k < inputs; k++) {
      const o = <usize>k << 2;
      const g = dj * load<f32>(x + o);
      const vel = flushOne(momentum * load<f32>(v + o) - learningRate * g, TINY);
      store<f32>(v + o, vel);
      store<f32>(w + o, load<f32>(w + o) + vel);
    }
  }
}

/** Nesterov momentum as Keras writes it: v = μv − ηg; p += μv − ηg (a look-ahead along the new velocity). */
export function nesterovUpdate(params: usize, grads: usize, velocity: usize, count: i32, learningRate: f32, momentum: f32): void {
  params = byteAddress(params); grads = byteAddress(grads); velocity = byteAddress(velocity);
  const c4 = count & ~3;
  const lr = f32x4.splat(learningRate);
  const mu = f32x4.splat(momentum);
  let i = 0;
  for (; i < c4; i += 4) {
    const o = <usize>i << 2;
    const step = f32x4.mul(lr, v128.load(grads + o));
    const v = flush(f32x4.sub(f32x4.mul(mu, v128.load(velocity + o)), step), TINY_LANES);
    v128.store(velocity + o, v);
    v128.store(params + o, f32x4.add(v128.load(params + o), f32x4.sub(f32x4.mul(mu, v), step)));
  }
  for (; i < count; i++) {
    const o = <usize>i << 2;
    const step = learningRate * load<f32>(grads + o);
    const v = flushOne(momentum * load<f32>(velocity + o) - step, TINY);
    store<f32>(velocity + o, v);
    store<f32>(params + o, load<f32>(params + o) + (momentum * v - step));
  }
}

/**
 * Adam (Kingma & Ba) in Keras' form: m += (1−β₁)(g − m); v += (1−β₂)(g² − v);
 * p -= α·m / (√v + ε), where the caller folds the bias correction into the step size
 * α = η·√(1−β₂ᵗ)/(1−β₁ᵗ). The complements 1−β come from the caller in float64, because
 * 1 − 0.999 in float32 is off by 1e-5.
 */
export function adamUpdate(
  params: usize, grads: usize, m: usize, v: usize, count: i32,
  stepSize: f32, oneMinusBeta1: f32, oneMinusBeta2: f32, epsilon: f32,
): void {
  params = byteAddress(params); grads = byteAddress(grads); m = byteAddress(m); v = byteAddress(v);
  const c4 = count & ~3;
  const alpha = f32x4.splat(stepSize);
  const b1 = f32x4.splat(oneMinusBeta1);
  const b2 = f32x4.splat(oneMinusBeta2);
  const eps = f32x4.splat(epsilon);
  let i = 0;
  for (; i < c4; i += 4) {
    const o = <usize>i << 2;
    const g = v128.load(grads + o);
    const m0 = v128.load(m + o);
    const v0 = v128.load(v + o);
    const gs = flush(g, TINY_ROOT_LANES);
    const m1 = flush(towards(m0, g, b1), TINY_LANES);
    const v1 = flush(towards(v0, f32x4.mul(gs, gs), b2), TINY_LANES);
    v128.store(m + o, m1);
    v128.store(v + o, v1);
    const step = f32x4.div(f32x4.mul(alpha, m1), f32x4.add(f32x4.sqrt(v1), eps));
    v128.store(params + o, f32x4.sub(v128.load(params + o), step));
  }
  for (; i < count; i++) {
    const o = <usize>i << 2;
    const g = load<f32>(grads + o);
    const m0 = load<f32>(m + o);
    const v0 = load<f32>(v + o);
    const gs = flushOne(g, TINY_ROOT);
    const m1 = flushOne(towardsOne(m0, g, oneMinusBeta1), TINY);
    const v1 = flushOne(towardsOne(v0, gs * gs, oneMinusBeta2), TINY);
    store<f32>(m + o, m1);
    store<f32>(v + o, v1);
    store<f32>(params + o, load<f32>(params + o) - (stepSize * m1) / (Mathf.sqrt(v1) + epsilon));
  }
}

/** RMSprop in Keras' form: s += (1−ρ)(g² − s); p -= η·g / √(s + ε). */
export function rmspropUpdate(
  params: usize, grads: usize, meanSquare: usize, count: i32,
  learningRate: f32, oneMinusRho: f32, epsilon: f32,
): void {
  params = byteAddress(params); grads = byteAddress(grads); meanSquare = byteAddress(meanSquare);
  const c4 = count & ~3;
  const lr = f32x4.splat(learningRate);
  const r = f32x4.splat(oneMinusRho);
  const eps = f32x4.splat(epsilon);
  let i = 0;
  for (; i < c4; i += 4) {
    const o = <usize>i << 2;
    const g = v128.load(grads + o);
    const s0 = v128.load(meanSquare + o);
    const gs = flush(g, TINY_ROOT_LANES);
    const s1 = flush(towards(s0, f32x4.mul(gs, gs), r), TINY_LANES);
    v128.store(meanSquare + o, s1);
    const step = f32x4.div(f32x4.mul(lr, g), f32x4.sqrt(f32x4.add(s1, eps)));
    v128.store(params + o, f32x4.sub(v128.load(params + o), step));
  }
  for (; i < count; i++) {
    const o = <usize>i << 2;
    const g = load<f32>(grads + o);
    const s0 = load<f32>(meanSquare + o);
    const gs = flushOne(g, TINY_ROOT);
    const s1 = flushOne(towardsOne(s0, gs * gs, oneMinusRho), TINY);
    store<f32>(meanSquare + o, s1);
    store<f32>(params + o, load<f32>(params + o) - (learningRate * g) / Mathf.sqrt(s1 + epsilon));
  }
}
