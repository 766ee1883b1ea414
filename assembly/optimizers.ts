// Optimizer updates: one fused SIMD loop over the whole flat parameter vector.

/** p -= η·g. */
export function sgdUpdate(params: usize, grads: usize, count: i32, learningRate: f32): void {
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
  const c4 = count & ~3;
  const lr = f32x4.splat(learningRate);
  const mu = f32x4.splat(momentum);
  let i = 0;
  for (; i < c4; i += 4) {
    const o = <usize>i << 2;
    const v = f32x4.sub(f32x4.mul(mu, v128.load(velocity + o)), f32x4.mul(lr, v128.load(grads + o)));
    v128.store(velocity + o, v);
    v128.store(params + o, f32x4.add(v128.load(params + o), v));
  }
  for (; i < count; i++) {
    const o = <usize>i << 2;
    const v = momentum * load<f32>(velocity + o) - learningRate * load<f32>(grads + o);
    store<f32>(velocity + o, v);
    store<f32>(params + o, load<f32>(params + o) + v);
  }
}
