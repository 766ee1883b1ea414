// Optimizer updates: one fused loop over the whole flat parameter vector.

export function sgdUpdate(m: Float32Array, params: number, grads: number, count: number, learningRate: number): void {
  for (let i = 0; i < count; i++) m[params + i] -= learningRate * m[grads + i];
}

/** Classical momentum: the velocity remembers past steps, v = μv − ηg, then w += v. */
export function momentumUpdate(
  m: Float32Array, params: number, grads: number, velocity: number, count: number,
  learningRate: number, momentum: number,
): void {
  for (let i = 0; i < count; i++) {
    const v = momentum * m[velocity + i] - learningRate * m[grads + i];
    m[velocity + i] = v;
    m[params + i] += v;
  }
}
