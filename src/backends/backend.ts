import type { Kernels } from '../kernels.js';

/** A backend a network runs on: 'js' (plain TypeScript loops) or 'wasm' (the SIMD kernels). */
export type BackendName = 'js' | 'wasm';

/**
 * A backend owns one arena of float32 memory and runs the kernels over it.
 * TypeScript decides what lives where (src/engine/layout.ts); kernels only see offsets.
 */
export interface Backend {
  readonly name: BackendName;
  /** Which build of the kernels runs, e.g. 'js', 'wasm-simd'. */
  readonly kernel: string;
  /** Threads the kernels run on: 1, or the threaded Wasm backend's count. */
  readonly threads: number;
  readonly kernels: Kernels;
  /** First float offset the network may use (the Wasm module's own data lies below it). */
  readonly base: number;
  /**
   * The whole arena as floats. reserve() may replace the underlying buffer (a Wasm
   * memory.grow detaches every view), so read this again after any reserve().
   */
  readonly f32: Float32Array;
  /** Make offsets [0, floats) valid, keeping the contents. Throws RangeError if it cannot. */
  reserve(floats: number): void;
  dispose(): void;
}

/** What a caller may ask for: 'auto' is Wasm where Wasm SIMD validates, else JS. */
export type BackendChoice = 'auto' | 'js' | 'wasm';
