// Loss values and output deltas. Every loss here has an output delta of the form
// scale·(a − y): quadratic (scale 1, then ·f'(z)), mse (2/K, then ·f'(z)), and the two
// cross-entropies fused with their activation (scale 1, already dE/dz).

export function outputDelta(m: Float32Array, a: number, y: number, delta: number, count: number, scale: number): void {
  for (let i = 0; i < count; i++) m[delta + i] = scale * (m[a + i] - m[y + i]);
}

export function sumSquaredError(m: Float32Array, a: number, y: number, count: number): number {
  let sum = 0;
  for (let i = 0; i < count; i++) {
    const e = m[a + i] - m[y + i];
    sum += e * e;
  }
  return sum;
}

/** −[y ln σ(z) + (1−y) ln(1−σ(z))] = max(z,0) − z·y + ln(1 + e^−|z|): finite for any z. */
export function sigmoidCrossEntropy(m: Float32Array, z: number, y: number, count: number): number {
  let sum = 0;
  for (let i = 0; i < count; i++) {
    const zi = m[z + i];
    sum += Math.max(zi, 0) - zi * m[y + i] + Math.log1p(Math.exp(-Math.abs(zi)));
  }
  return sum;
}

/** −Σ y_k ln softmax(z)_k = Σ y_k (lse(z) − z_k), with lse = max + ln Σ e^(z−max). */
export function softmaxCrossEntropy(m: Float32Array, z: number, y: number, rows: number, cols: number): number {
  let sum = 0;
  for (let r = 0; r < rows; r++) {
    const zr = z + r * cols;
    const yr = y + r * cols;
    let max = -Infinity;
    for (let k = 0; k < cols; k++) if (m[zr + k] > max) max = m[zr + k];
    let expSum = 0;
    for (let k = 0; k < cols; k++) expSum += Math.exp(m[zr + k] - max);
    const lse = max + Math.log(expSum);
    for (let k = 0; k < cols; k++) {
      const yk = m[yr + k];
      if (yk !== 0) sum += yk * (lse - m[zr + k]);
    }
  }
  return sum;
}
