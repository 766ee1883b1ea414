// Optimizer updates: one fused loop over the whole flat parameter vector, the formulas of
// assembly/optimizers.ts term for term and in the same order, with the scalars rounded to
// float32 first, as the Wasm kernels receive them. Not the same bits: these expressions run in
// float64 and are rounded to float32 only where a value is stored (or f32() says), where Wasm
// rounds every operation, so some updated values (5–20% on random data) differ from Wasm's in
// the last bits, well inside the parity the specs check. Both Wasm builds give the same bits here:
// relaxed SIMD fuses multiply-adds only in the matmul family.
const f32 = Math.fround;

// State below 2⁻¹⁰⁰ is stored as 0, and g² is 0 where |g| < 2⁻⁵⁰, as the Wasm kernels do to stay out of
// subnormal floats (assembly/optimizers.ts says why): the same values on both backends.
const TINY = 2 ** -100;
const TINY_ROOT = 2 ** -50;
const flush = (x: number, tiny: number): number => (Math.abs(x) < tiny ? 0 : x);

/** x + rate·(target − x), rounded to float32: one step of an exponential moving average (Adam's moments, RMSprop's mean square). */
const towards = (x: number, target: number, rate: number): number => f32(x + rate * (target - x));

export function sgdUpdate(m: Float32Array, params: number, grads: number, count: number, learningRate: number): void {
  const lr = f32(learningRate);
  // Four gradients loaded before four stores: V8 then keeps them in registers instead of
  // re-checking the array between each load and store (98 → 69 µs per 101,770 parameters).
  const end4 = count - (count % 4);
  let i = 0;
  for (; i < end4; i += 4) {
    const g0 = m[grads + i];
    const g1 = m[grads + i + 1];
    const g2 = m[grads + i + 2];
    const g3 = m[grads + i + 3];
    m[params + i] -= lr * g0;
    m[params + i + 1] -= lr * g1;
    m[params + i + 2] -= lr * g2;
    m[params + i + 3] -= lr * g3;
  }
  for (; i < count; i++) m[params + i] -= lr * m[grads + i];
}

/** Classical momentum: the velocity remembers past steps, v = μv − ηg, then w += v. */
export function momentumUpdate(
  m: Float32Array, params: number, grads: number, velocity: number, count: number,
  learningRate: number, momentum: number,
): void {
  const lr = f32(learningRate);
  const mu = f32(momentum);
  for (let i = 0; i < count; i++) {
    const v = flush(mu * m[velocity + i] - lr * m[grads + i], TINY);
    m[velocity + i] = v;
    m[params + i] += v;
  }
}

/** Online momentum for one layer on one sample, the gradient never stored: g = δ_j·x_k, then momentumUpdate's steps. */
export function outerMomentumUpdate(
  m: Float32Array, delta: number, x: number, weights: number, velocity: number, inputs: number, units: number,
  learningRate: number, momentum: number,
): void {
  const lr = f32(learningRate);
  const mu = f32(momentum);
  for (let j = 0; j < units; j++) {
    const d = m[delta + j];
    const w = weights + j * inputs;
    const v = velocity + j * inputs;
    for (let k = 0; k < inputs; k++) {
      const vel = flush(mu * m[v + k] - lr * f32(d * m[x + k]), TINY);
      m[v + k] = vel;
      m[w + k] += vel;
    }
  }
}

/** Nesterov momentum (Keras' form): v = μv − ηg, then w += μv − ηg, a step from where the velocity is taking us. */
export function nesterovUpdate(
  m: Float32Array, params: number, grads: number, velocity: number, count: number,
  learningRate: number, momentum: number,
): void {
  const lr = f32(learningRate);
  const mu = f32(momentum);
  for (let i = 0; i < count; i++) {
    const step = f32(lr * m[grads + i]);
    const v = flush(f32(mu * m[velocity + i] - step), TINY);
    m[velocity + i] = v;
    m[params + i] += mu * v - step;
  }
}

/**
 * Adam (Keras' form): m += (1−β₁)(g − m), v += (1−β₂)(g² − v), w -= α·m/(√v + ε), with the
 * bias correction folded into α = η·√(1−β₂ᵗ)/(1−β₁ᵗ) by the caller.
 */
export function adamUpdate(
  mem: Float32Array, params: number, grads: number, m: number, v: number, count: number,
  stepSize: number, oneMinusBeta1: number, oneMinusBeta2: number, epsilon: number,
): void {
  const alpha = f32(stepSize);
  const b1 = f32(oneMinusBeta1);
  const b2 = f32(oneMinusBeta2);
  const eps = f32(epsilon);
  for (let i = 0; i < count; i++) {
    const g = mem[grads + i];
    const m0 = mem[m + i];
    const v0 = mem[v + i];
    const gs = flush(g, TINY_ROOT);
    const m1 = flush(towards(m0, g, b1), TINY);
    const v1 = flush(towards(v0, gs * gs, b2), TINY);
    mem[m + i] = m1;
    mem[v + i] = v1;
    mem[params + i] -= (alpha * m1) / (Math.sqrt(v1) + eps);
  }
}

/** RMSprop (Keras' form): s += (1−ρ)(g² − s), w -= η·g/√(s + ε). */
export function rmspropUpdate(
  m: Float32Array, params: number, grads: number, meanSquare: number, count: number,
  learningRate: number, oneMinusRho: number, epsilon: number,
): void {
  const lr = f32(learningRate);
  const r = f32(oneMinusRho);
  const eps = f32(epsilon);
  for (let i = 0; i < count; i++) {
    const g = m[grads + i];
    const s0 = m[meanSquare + i];
    const gs = flush(g, TINY_ROOT);
    const s1 = flush(towards(s0, gs * gs, r), TINY);
    m[meanSquare + i] = s1;
    m[params + i] -= (lr * g) / Math.sqrt(s1 + eps);
  }
}
