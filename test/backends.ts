// Which backends the network-level specs run against: both, always. If this runtime
// cannot run Wasm SIMD the wasm rows fail loudly rather than being skipped silently.
export const BACKENDS = ['js', 'wasm'] as const;
export type TestBackend = (typeof BACKENDS)[number];

/** |a − b| ≤ tol · max(1, |a|, |b|): relative for large values, absolute near zero. */
export function close(a: number, b: number, tol: number): boolean {
  return Math.abs(a - b) <= tol * Math.max(1, Math.abs(a), Math.abs(b));
}

/** Index and values of the worst pair, for a failure message that says where. */
export function worstMismatch(a: ArrayLike<number>, b: ArrayLike<number>, tol: number): string | null {
  if (a.length !== b.length) return `lengths differ: ${a.length} vs ${b.length}`;
  let worst = -1;
  let worstErr = 0;
  for (let i = 0; i < a.length; i++) {
    const err = Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(a[i]), Math.abs(b[i]));
    if (!(err <= worstErr)) {
      worstErr = err;
      worst = i;
    }
  }
  return worstErr > tol || Number.isNaN(worstErr) ? `index ${worst}: ${a[worst]} vs ${b[worst]} (error ${worstErr})` : null;
}
