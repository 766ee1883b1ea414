// Shared helpers for the kernel specs: a scratch arena on a backend, seeded data, and
// float64 references written as plainly as possible.
import { afterAll, expect } from 'vitest';
import { createBackend } from '../../src/backends/index.js';
import type { Backend } from '../../src/backends/backend.js';
import { KERNEL_BUILDS, buildSupported, type KernelBuild } from '../../src/backends/wasm/module.js';
import { ThreadedWasmBackend } from '../../src/backends/wasm/threaded.js';
import { SPLITTABLE } from '../../src/backends/wasm/split.js';
import type { Kernels } from '../../src/kernels.js';
import { Random } from '../../src/random.js';

/** Every Wasm kernel build this runtime validates (test/setup.ts enables relaxed SIMD). */
export const WASM_BUILDS: KernelBuild[] = KERNEL_BUILDS.filter((b) => buildSupported(b));
/**
 * The threaded backend's row: the wasm-simd build on 2 threads, with every splittable kernel cut
 * whatever its work (least 0), so the sizes below exercise the slices, not just the one-thread path.
 */
export const THREADS = 'wasm-simd × 2 threads';
/** The JS reference, every Wasm build, and the threads. */
export const BACKENDS: Name[] = ['js', ...WASM_BUILDS, THREADS];
export type Name = 'js' | KernelBuild | typeof THREADS;
/** Rows the code promises the same bits for: the threads' aligned slices against one thread of the same build. */
export const SAME_BITS: Array<[Name, Name]> = [[THREADS, 'wasm-simd']];

/** Sizes that cover SIMD tails: below, at and above one vector of 4, and several vectors. */
export const SIZES = [1, 3, 4, 5, 17, 64];

/** A backend of its own, for a test that disposes it. */
export async function openBackend(name: Name): Promise<Backend> {
  if (name === THREADS) return ThreadedWasmBackend.create(2, 0, 'wasm-simd', 0);
  return name === 'js' ? createBackend('js') : createBackend('wasm', 0, name);
}

// One threaded backend per spec file, shared by its scratches: starting workers for each would
// take minutes. Its posts are counted per kernel, so a spec can check that its kernels did split.
const threaded = (await openBackend(THREADS)) as ThreadedWasmBackend;
afterAll(() => threaded.dispose());
const posted = new Map<keyof Kernels, number>();
const pool = (threaded as unknown as { pool: { post(op: number): void } }).pool;
const post = pool.post.bind(pool);
pool.post = (op) => {
  posted.set(SPLITTABLE[op].name, (posted.get(SPLITTABLE[op].name) ?? 0) + 1);
  post(op);
};

/** Each of these kernels has been cut across the threads at least once in this spec file. */
export function expectSplit(names: Array<keyof Kernels>): void {
  for (const name of names) expect(posted.get(name) ?? 0, `${name} split across the threads`).toBeGreaterThan(0);
}

/** A bump allocator over one backend's arena. The threads' scratches share one backend and start over each time. */
export class Scratch {
  readonly backend: Backend;
  private next: number;

  constructor(name: Name | Backend) {
    if (typeof name !== 'string') this.backend = name;
    else if (name === THREADS) this.backend = threaded;
    else this.backend = name === 'js' ? createBackend('js') : createBackend('wasm', 0, name);
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

/** The same float32 bits, element by element (NaN payloads and the sign of zero included); numbers compared with Object.is. */
export function expectSameBits(actual: ArrayLike<number> | number, expected: ArrayLike<number> | number, what: string): void {
  if (typeof actual === 'number' || typeof expected === 'number') return void expect(actual, what).toBe(expected);
  expect(actual.length, `${what}: length`).toBe(expected.length);
  const a = bits(actual);
  const b = bits(expected);
  for (let i = 0; i < b.length; i++) {
    if (a[i] !== b[i]) expect.fail(`${what}: element ${i} is ${actual[i]}, expected the bits of ${expected[i]}`);
  }
}

const bits = (x: ArrayLike<number>) =>
  x instanceof Float32Array ? new Uint32Array(x.buffer, x.byteOffset, x.length) : new Uint32Array(Float32Array.from(x).buffer);

/** A few seeded random shapes beyond the fixed sizes. */
export function randomShapes(seed: number, count: number, max: number): number[][] {
  const rng = new Random(seed);
  return Array.from({ length: count }, () => [1 + rng.below(max), 1 + rng.below(max), 1 + rng.below(max)]);
}
