// Shared helpers for the kernel specs: a scratch arena on a backend, seeded data, and
// float64 references written as plainly as possible.
import { expect } from 'vitest';
import { createBackend } from '../../src/backends/index.js';
import type { Backend } from '../../src/backends/backend.js';
import { KERNEL_BUILDS, buildSupported, type KernelBuild } from '../../src/backends/wasm/module.js';
import { Random } from '../../src/random.js';

/** Every Wasm kernel build this runtime validates (test/setup.ts enables relaxed SIMD). */
export const WASM_BUILDS: KernelBuild[] = KERNEL_BUILDS.filter((b) => buildSupported(b));
/** The JS reference and every Wasm build. */
export const BACKENDS: Name[] = ['js', ...WASM_BUILDS];
export type Name = 'js' | KernelBuild;

/** Sizes that cover SIMD tails: below, at and above one vector of 4, and several vectors. */
export const SIZES = [1, 3, 4, 5, 17, 64];

/** A bump allocator over one backend's arena. */
export class Scratch {
  readonly backend: Backend;
  private next: number;

  constructor(name: Name) {
    this.backend = name === 'js' ? createBackend('js') : createBackend('wasm', 0, name);
    this.next = this.backend.base;
  }

  /** Place values (or n zeros) in the arena and return their float offset. */
  put(values: Float32Array | number): number {
    const n = typeof values === 'number' ? values : values.length;
    // An odd offset on purpose: kernels must not assume 16-byte alignment.
    const at = this.next + 1;
    this.next = at + n + 3;
    this.backend.reserve(this.next);
    if (typeof values !== 'number') this.backend.f32.set(values, at);
    else this.backend.f32.fill(0, at, at + n);
    return at;
  }

  get(at: number, n: number): Float32Array {
    return this.backend.f32.slice(at, at + n);
  }
}

export function randomFloats(rng: Random, n: number, lo = -1, hi = 1): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = lo + (hi - lo) * rng.uniform();
  return a;
}

/** Every element within atol + rtol·|expected|; the message names the first that is not. */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol: number, atol: number, what: string): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const ok = Math.abs(actual[i] - expected[i]) <= atol + rtol * Math.abs(expected[i]);
    if (!ok) expect.fail(`${what}: element ${i} is ${actual[i]}, expected ${expected[i]} (rtol ${rtol}, atol ${atol})`);
  }
}

/** Wasm against JS: |a − b| ≤ 1e-5·max(1, |a|, |b|). */
export function expectParity(wasm: ArrayLike<number>, js: ArrayLike<number>, what: string, tol = 1e-5): void {
  expect(wasm.length).toBe(js.length);
  for (let i = 0; i < js.length; i++) {
    if (!(Math.abs(wasm[i] - js[i]) <= tol * Math.max(1, Math.abs(wasm[i]), Math.abs(js[i])))) {
      expect.fail(`${what}: wasm ${wasm[i]} vs js ${js[i]} at ${i}`);
    }
  }
}

/** A few seeded random shapes beyond the fixed sizes. */
export function randomShapes(seed: number, count: number, max: number): number[][] {
  const rng = new Random(seed);
  return Array.from({ length: count }, () => [1 + rng.below(max), 1 + rng.below(max), 1 + rng.below(max)]);
}
