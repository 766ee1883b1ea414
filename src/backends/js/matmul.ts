// The matmul family in plain TypeScript: the reference the Wasm kernels are tested against.
// m is the arena; every other pointer is a float offset into it (see src/kernels.ts).

/** z = x·wᵀ + b. Each output is the dot product of a row of x with a row of w. */
export function forward(
  m: Float32Array, x: number, w: number, b: number, z: number,
  batch: number, inputs: number, units: number, hasBias: number,
): void {
  const k4 = inputs & ~3;
  for (let n = 0; n < batch; n++) {
    const xRow = x + n * inputs;
    const zRow = z + n * units;
    for (let j = 0; j < units; j++) {
      const wRow = w + j * inputs;
      // Four partial sums, as the four SIMD lanes of the Wasm kernel keep them.
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      let k = 0;
      for (; k < k4; k += 4) {
        s0 += m[xRow + k] * m[wRow + k];
        s1 += m[xRow + k + 1] * m[wRow + k + 1];
        s2 += m[xRow + k + 2] * m[wRow + k + 2];
        s3 += m[xRow + k + 3] * m[wRow + k + 3];
      }
      let sum = (s0 + s1) + (s2 + s3);
      for (; k < inputs; k++) sum += m[xRow + k] * m[wRow + k];
      m[zRow + j] = hasBias ? sum + m[b + j] : sum;
    }
  }
}

/** dw = scale·Δᵀ·x (the outer products δ·xᵀ summed over the batch), db = scale·ΣΔ. */
export function weightGradients(
  m: Float32Array, delta: number, x: number, dw: number, db: number,
  batch: number, inputs: number, units: number, scale: number, hasBias: number,
): void {
  for (let j = 0; j < units; j++) {
    const dwRow = dw + j * inputs;
    // The first sample writes the row, the rest add to it: no separate zeroing pass.
    const d0 = m[delta + j] * scale;
    for (let k = 0; k < inputs; k++) m[dwRow + k] = d0 * m[x + k];
    let dbSum = d0;
    for (let n = 1; n < batch; n++) {
      const d = m[delta + n * units + j] * scale;
      const xRow = x + n * inputs;
      for (let k = 0; k < inputs; k++) m[dwRow + k] += d * m[xRow + k];
      dbSum += d;
    }
    if (hasBias) m[db + j] = dbSum;
  }
}

/** dx = Δ·w: each input's error is the weighted sum of the errors of the units it feeds. */
export function propagateDelta(
  m: Float32Array, delta: number, w: number, dx: number,
  batch: number, inputs: number, units: number,
): void {
  for (let n = 0; n < batch; n++) {
    const dxRow = dx + n * inputs;
    const dRow = delta + n * units;
    const d0 = m[dRow];
    for (let k = 0; k < inputs; k++) m[dxRow + k] = d0 * m[w + k];
    for (let j = 1; j < units; j++) {
      const d = m[dRow + j];
      const wRow = w + j * inputs;
      for (let k = 0; k < inputs; k++) m[dxRow + k] += d * m[wRow + k];
    }
  }
}
