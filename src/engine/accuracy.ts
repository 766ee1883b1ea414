/** One output: right when (a ≥ 0.5) equals the label. Several: right when argmax(a) is the hot class. */
export function countCorrect(f32: Float32Array, a: number, y: Float32Array, start: number, n: number, K: number): number {
  let correct = 0;
  for (let r = 0; r < n; r++) {
    const o = a + r * K;
    const t = (start + r) * K;
    if (K === 1) {
      if ((f32[o] >= 0.5 ? 1 : 0) === y[t]) correct++;
      continue;
    }
    let best = 0;
    for (let k = 1; k < K; k++) if (f32[o + k] > f32[o + best]) best = k;
    if (y[t + best] === 1) correct++;
  }
  return correct;
}
