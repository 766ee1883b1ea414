import { instantiateSync } from '@assemblyscript/loader';
import type { Backend } from '../backend.js';
import type { Kernels } from '../../kernels.js';
import { bestBuild, kernelsModule, type KernelBuild } from './module.js';

const PAGE_BYTES = 65536;
/** wasm32 addresses 4 GiB: 65536 pages. */
const MAX_PAGES = 65536;

/** The exports as the kernel module declares them: pointers in bytes. */
export type Exports = { [K in keyof Kernels]: Kernels[K] } & {
  memory: WebAssembly.Memory;
  weightGradientsUnits(delta: number, x: number, dw: number, db: number, batch: number, inputs: number, units: number, scale: number, hasBias: number, from: number, to: number): void;
};

/**
 * The WebAssembly backend: each network gets its own instance of the kernel module and so
 * its own linear memory, which holds the arena above the module's static data.
 */
export class WasmBackend implements Backend {
  readonly name = 'wasm' as const;
  /** Which build of the kernels runs: 'wasm-relaxed-simd' where the runtime validates it, else 'wasm-simd'. */
  readonly kernel: KernelBuild;
  readonly threads = 1;
  readonly base: number;
  readonly kernels: Kernels;
  private memory: WebAssembly.Memory;
  private view: Float32Array;

  constructor(floats = 0, build: KernelBuild | null = bestBuild()) {
    if (build === null) throw new Error('this runtime does not support WebAssembly SIMD');
    this.kernel = build;
    const { exports } = instantiateSync<Exports>(kernelsModule(build), {
      env: {
        abort: (_msg: number, _file: number, line: number, column: number) => {
          throw new Error(`wasm kernel aborted at ${line}:${column}`);
        },
      },
    });
    this.memory = exports.memory;
    this.view = new Float32Array(this.memory.buffer);
    // Everything below the current end of memory may be the module's own data.
    this.base = this.memory.buffer.byteLength / 4;
    this.reserve(this.base + floats);
    this.kernels = adaptKernels(exports);
  }

  /** The arena as floats; re-derived whenever memory.grow has replaced the buffer. */
  get f32(): Float32Array {
    if (this.view.buffer !== this.memory.buffer) this.view = new Float32Array(this.memory.buffer);
    return this.view;
  }

  reserve(floats: number): void {
    const have = this.memory.buffer.byteLength;
    const need = floats * 4;
    if (need <= have) return;
    const havePages = have / PAGE_BYTES;
    const needPages = Math.ceil(need / PAGE_BYTES);
    // Grow by at least a quarter so a run of slightly larger batches does not grow every time.
    const pages = Math.min(MAX_PAGES, Math.max(needPages, Math.ceil(havePages * 1.25)));
    try {
      if (needPages > MAX_PAGES) throw new RangeError('beyond the 4 GiB of wasm32');
      this.memory.grow(pages - havePages);
    } catch (e) {
      throw new RangeError(`network needs ${(need / 2 ** 20).toFixed(1)} MB of Wasm memory, more than this runtime allows (${(e as Error).message})`);
    }
    this.view = new Float32Array(this.memory.buffer);
  }

  /** Drop the instance and its memory: f32 becomes empty and every kernel throws. */
  dispose(): void {
    disableKernels(this.kernels);
    this.memory = new WebAssembly.Memory({ initial: 0 });
    this.view = new Float32Array(0);
  }
}

/** The kernels' closures hold the exports (and so the memory): replace every one with a throw. */
export function disableKernels(kernels: Kernels): void {
  const disposed = (): never => {
    throw new Error('this Wasm backend has been disposed');
  };
  for (const name of Object.keys(kernels)) (kernels as unknown as Record<string, unknown>)[name] = disposed;
}

/** Kernels take float offsets; the exports take byte pointers. */
export function adaptKernels(e: Exports): Kernels {
  return {
    forward: (x, w, b, z, batch, inputs, units, hasBias) => e.forward(x * 4, w * 4, b * 4, z * 4, batch, inputs, units, hasBias),
    weightGradients: (delta, x, dw, db, batch, inputs, units, scale, hasBias) =>
      e.weightGradients(delta * 4, x * 4, dw * 4, db * 4, batch, inputs, units, scale, hasBias),
    propagateDelta: (delta, w, dx, batch, inputs, units) => e.propagateDelta(delta * 4, w * 4, dx * 4, batch, inputs, units),

    sigmoidForward: (z, a, rows, cols) => e.sigmoidForward(z * 4, a * 4, rows, cols),
    sigmoidBackward: (z, a, delta, rows, cols) => e.sigmoidBackward(z * 4, a * 4, delta * 4, rows, cols),
    tanhForward: (z, a, rows, cols) => e.tanhForward(z * 4, a * 4, rows, cols),
    tanhBackward: (z, a, delta, rows, cols) => e.tanhBackward(z * 4, a * 4, delta * 4, rows, cols),
    reluForward: (z, a, rows, cols) => e.reluForward(z * 4, a * 4, rows, cols),
    reluBackward: (z, a, delta, rows, cols) => e.reluBackward(z * 4, a * 4, delta * 4, rows, cols),
    leakyReluForward: (z, a, rows, cols) => e.leakyReluForward(z * 4, a * 4, rows, cols),
    leakyReluBackward: (z, a, delta, rows, cols) => e.leakyReluBackward(z * 4, a * 4, delta * 4, rows, cols),
    identityForward: (z, a, rows, cols) => e.identityForward(z * 4, a * 4, rows, cols),
    identityBackward: (z, a, delta, rows, cols) => e.identityBackward(z * 4, a * 4, delta * 4, rows, cols),
    softmaxForward: (z, a, rows, cols) => e.softmaxForward(z * 4, a * 4, rows, cols),
    softmaxBackward: (z, a, delta, rows, cols) => e.softmaxBackward(z * 4, a * 4, delta * 4, rows, cols),

    outputDelta: (a, y, delta, count, scale) => e.outputDelta(a * 4, y * 4, delta * 4, count, scale),
    sumSquaredError: (a, y, count) => e.sumSquaredError(a * 4, y * 4, count),
    sigmoidCrossEntropy: (z, y, count) => e.sigmoidCrossEntropy(z * 4, y * 4, count),
    softmaxCrossEntropy: (z, y, rows, cols) => e.softmaxCrossEntropy(z * 4, y * 4, rows, cols),

    sgdUpdate: (params, grads, count, learningRate) => e.sgdUpdate(params * 4, grads * 4, count, learningRate),
    momentumUpdate: (params, grads, velocity, count, learningRate, momentum) =>
      e.momentumUpdate(params * 4, grads * 4, velocity * 4, count, learningRate, momentum),
    nesterovUpdate: (params, grads, velocity, count, learningRate, momentum) =>
      e.nesterovUpdate(params * 4, grads * 4, velocity * 4, count, learningRate, momentum),
    adamUpdate: (params, grads, m, v, count, stepSize, oneMinusBeta1, oneMinusBeta2, epsilon) =>
      e.adamUpdate(params * 4, grads * 4, m * 4, v * 4, count, stepSize, oneMinusBeta1, oneMinusBeta2, epsilon),
    rmspropUpdate: (params, grads, meanSquare, count, learningRate, oneMinusRho, epsilon) =>
      e.rmspropUpdate(params * 4, grads * 4, meanSquare * 4, count, learningRate, oneMinusRho, epsilon),

    gatherRows: (src, order, dst, rows, width) => e.gatherRows(src * 4, order * 4, dst * 4, rows, width),
    countNonFinite: (p, count) => e.countNonFinite(p * 4, count),
  };
}
