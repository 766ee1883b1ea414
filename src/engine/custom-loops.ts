// The passes' hook for activations and losses registered from TypeScript (src/custom.ts): per-element
// loops over the arena instead of a kernel. A network that uses one runs on the JS backend (its
// arena is one Float32Array, read at call time since a reserve() may replace it), so the built-in
// kernels stay untouched.
import type { CustomActivationEntry } from '../registry/activations.js';
import type { CustomLossEntry } from '../registry/losses.js';

/** a[i] = f(z[i]) over rows × cols. */
export function customForward(m: Float32Array, entry: CustomActivationEntry, z: number, a: number, rows: number, cols: number): void {
  const f = entry.custom.forward;
  const count = rows * cols;
  for (let i = 0; i < count; i++) m[a + i] = f(m[z + i]);
}

/** delta[i] *= f'(z[i]) in place: dE/da into dE/dz, as the built-in backward kernels. */
export function customBackward(m: Float32Array, entry: CustomActivationEntry, z: number, a: number, delta: number, rows: number, cols: number): void {
  const fPrime = entry.custom.derivative;
  const count = rows * cols;
  for (let i = 0; i < count; i++) m[delta + i] *= fPrime(m[z + i], m[a + i]);
}

/** The batch's loss: Σ over samples and outputs of value(a, y), divided by the batch size. */
export function customLossValue(m: Float32Array, entry: CustomLossEntry, a: number, y: number, rows: number, cols: number): number {
  const f = entry.custom.value;
  let sum = 0;
  for (let i = 0; i < rows * cols; i++) sum += f(m[a + i], m[y + i]);
  return sum / rows;
}

/** delta[i] = ∂loss/∂a[i]: dE/da at the output, before the activation's derivative. */
export function customOutputDelta(m: Float32Array, entry: CustomLossEntry, a: number, y: number, delta: number, count: number): void {
  const d = entry.custom.derivative;
  for (let i = 0; i < count; i++) m[delta + i] = d(m[a + i], m[y + i]);
}
