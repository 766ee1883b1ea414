import type { Backend } from '../backend.js';
import type { Kernels } from '../../kernels.js';
import { bestBuild, kernelsModule, type KernelBuild } from './module.js';
import { MAX_SHARED_PAGES, WasmArena, instantiate } from './memory.js';
import { disableKernels, exportedKernels } from './kernels.js';
import { SPLITTABLE } from './split.js';
import { ARG_STRIDE, ThreadPool } from './threads.js';

/** A Wasm export or a kernel, called with up to ten arguments (those past its own are ignored). */
type Fn = (a0: number, a1: number, a2?: number, a3?: number, a4?: number, a5?: number, a6?: number, a7?: number, a8?: number, a9?: number, ...more: number[]) => number | void;

/**
 * The Wasm backend on several threads: one shared linear memory, instantiated on this thread
 * and in every worker. Each kernel the table gives a split (src/kernels.ts) is cut into one slice
 * per thread once its work is large enough: the products by rows or units, the flat-vector
 * updates by ranges, activations and batch gathers by rows. Everything else (losses, small
 * layers) runs here.
 */
export class ThreadedWasmBackend extends WasmArena implements Backend {
  readonly name = 'wasm' as const;
  readonly kernel: string;
  readonly kernels: Kernels;
  /** One full call's arguments, then this thread's own slice. */
  private readonly call = new Float64Array(ARG_STRIDE);
  private readonly mine = new Float64Array(ARG_STRIDE);
  /** By op code, the export each thread runs. */
  private readonly fns: Fn[];

  private constructor(
    readonly threads: number,
    memory: WebAssembly.Memory,
    exports: WebAssembly.Exports,
    private readonly pool: ThreadPool,
    build: KernelBuild,
    least: number | undefined,
  ) {
    super(memory, true);
    this.kernel = `${build} × ${threads} threads`;
    this.fns = SPLITTABLE.map((s) => exports[s.export] as Fn);
    const one = exportedKernels(exports);
    const cut = SPLITTABLE.map((s, op) => [s.name, this.splitting(op, one[s.name] as Fn, least ?? s.least)]);
    this.kernels = Object.assign(one, Object.fromEntries(cut));
  }

  /**
   * A backend on `threads` threads (this one and threads − 1 workers). `least` is for tests only:
   * every splittable kernel is cut from that much work on, in place of the table's thresholds.
   */
  static async create(threads: number, floats = 0, build: KernelBuild | null = bestBuild(true), least?: number): Promise<ThreadedWasmBackend> {
    if (build === null) throw new Error('this runtime cannot share WebAssembly memory between threads');
    const module = kernelsModule(build, true);
    const memory = new WebAssembly.Memory({ initial: 1, maximum: MAX_SHARED_PAGES, shared: true });
    const exports = instantiate(module, memory);
    const pool = await ThreadPool.start(threads - 1, module, memory, SPLITTABLE.map((s) => s.export));
    const backend = new ThreadedWasmBackend(threads, memory, exports, pool, build, least);
    backend.reserve(backend.base + floats);
    return backend;
  }

  /** Stop the workers and drop the shared memory: f32 becomes empty and every kernel throws. */
  dispose(): void {
    this.pool.close();
    disableKernels(this.kernels);
    this.release();
  }

  /**
   * Op `op`'s kernel: on this thread below its least work or when its cut dimension is too
   * narrow to give every thread an aligned slice, else cut across the threads.
   */
  private splitting(op: number, one: Fn, least: number): Fn {
    const { cut, work, align } = SPLITTABLE[op];
    const narrowest = align * this.threads;
    const c = this.call;
    // Fixed parameters, not rest and spread: this runs on every kernel call of a training step.
    return (a0, a1, a2, a3, a4, a5, a6, a7, a8, a9) => {
      c[0] = a0; c[1] = a1; c[2] = a2!; c[3] = a3!; c[4] = a4!; c[5] = a5!; c[6] = a6!; c[7] = a7!; c[8] = a8!; c[9] = a9!;
      let size = 1;
      for (let i = 0; i < work.length; i++) size *= c[work[i]];
      if (size < least || c[cut] < narrowest) return one(a0, a1, a2, a3, a4, a5, a6, a7, a8, a9);
      return this.split(op, c[cut], align);
    };
  }

  /**
   * Cut [0, n) into one slice per thread (boundaries multiples of `align`), post the workers'
   * slices, run the first here, and wait for the rest. Returns the sum of the results.
   */
  private split(op: number, n: number, align: number): number {
    const parts = this.threads;
    const chunk = Math.ceil(n / parts / align) * align;
    const { slice } = SPLITTABLE[op];
    const rows = this.pool.args;
    for (let t = 1; t < parts; t++) {
      const from = Math.min(n, t * chunk);
      // A worker whose slice is empty still answers: it runs a zero-length slice.
      slice(this.call, rows, (t - 1) * ARG_STRIDE, from, Math.min(n, from + chunk), t);
    }
    this.pool.post(op);
    slice(this.call, this.mine, 0, 0, Math.min(n, chunk), 0);
    const own = this.runRow(op, this.mine, 0);
    return own + this.pool.join(this.runWorkerSlice[op]);
  }

  /** Run op with the arguments at row `at` of `args` on this thread. */
  private runRow(op: number, args: Float64Array, at: number): number {
    const a = args;
    const i = at;
    return (this.fns[op](a[i], a[i + 1], a[i + 2], a[i + 3], a[i + 4], a[i + 5], a[i + 6], a[i + 7], a[i + 8], a[i + 9], a[i + 10], a[i + 11]) as number) | 0;
  }

  /** Per op, a function that runs a worker's slice here when no worker has claimed it (made once, not per call). */
  private readonly runWorkerSlice: Array<(worker: number) => number> = SPLITTABLE.map(
    (_, op) => (worker: number) => this.runRow(op, this.pool.args, worker * ARG_STRIDE),
  );
}
