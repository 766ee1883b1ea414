import type { Backend } from '../backend.js';
import type { Kernels } from '../../kernels.js';
import { bestBuild, kernelsModule, type KernelBuild } from './module.js';
import { WasmArena, instantiate } from './memory.js';
import { disableKernels, exportedKernels } from './kernels.js';

/**
 * The WebAssembly backend: each network gets its own instance of the kernel module and so
 * its own linear memory, which holds the arena above the module's static data.
 */
export class WasmBackend extends WasmArena implements Backend {
  readonly name = 'wasm' as const;
  /** Which build of the kernels runs: 'wasm-relaxed-simd' where the runtime validates it, else 'wasm-simd'. */
  readonly kernel: KernelBuild;
  readonly threads = 1;
  readonly kernels: Kernels;

  constructor(floats = 0, build: KernelBuild | null = bestBuild()) {
    if (build === null) throw new Error('this runtime does not support WebAssembly SIMD');
    const exports = instantiate(kernelsModule(build));
    super(exports.memory as WebAssembly.Memory, false);
    this.kernel = build;
    this.reserve(this.base + floats);
    this.kernels = exportedKernels(exports);
  }

  /** Drop the instance and its memory: f32 becomes empty and every kernel throws. */
  dispose(): void {
    disableKernels(this.kernels);
    this.release();
  }
}
