import { instantiateSync } from '@assemblyscript/loader';
import type { Backend } from '../backend.js';
import type { Kernels } from '../../kernels.js';
import { adaptKernels, disableKernels, type Exports } from './index.js';
import { bestBuild, kernelsModule, type KernelBuild } from './module.js';
import { ARG_STRIDE, ThreadPool } from './threads.js';

const PAGE_BYTES = 65536;
/** Shared memories are reserved up front up to their maximum: 1 GiB keeps that modest. */
const MAX_PAGES = 16384;
/** Below this many multiply-adds a product runs on the calling thread: the handshake would cost more. */
const MIN_SPLIT_WORK = 1 << 17;
/** Below this many floats a flat-vector kernel (update, finite check) runs on the calling thread. */
const MIN_SPLIT_COUNT = 1 << 14;
/**
 * Below this many values an activation or a row gather runs on the calling thread. Measured on
 * 2 cores: an exp-based activation costs ~1.5 ns a value, a gather ~0.4 ns, the rest ~0.2 ns, and
 * a split costs ~2 µs of handshake and imbalance, so each is cut only where that is a small part.
 */
const MIN_SPLIT_VALUES = 1 << 13;
const MIN_SPLIT_GATHER = 1 << 14;
const MIN_SPLIT_CHEAP = 1 << 16;

/** Activation kernels by arity, with the values below which each runs on the calling thread. */
const FORWARD_ACTIVATIONS = {
  sigmoidForward: MIN_SPLIT_VALUES, tanhForward: MIN_SPLIT_VALUES, softmaxForward: MIN_SPLIT_VALUES,
  reluForward: MIN_SPLIT_CHEAP, leakyReluForward: MIN_SPLIT_CHEAP, identityForward: MIN_SPLIT_CHEAP,
} as const;
const BACKWARD_ACTIVATIONS = {
  sigmoidBackward: MIN_SPLIT_CHEAP, tanhBackward: MIN_SPLIT_CHEAP, softmaxBackward: MIN_SPLIT_CHEAP,
  reluBackward: MIN_SPLIT_CHEAP, leakyReluBackward: MIN_SPLIT_CHEAP, identityBackward: MIN_SPLIT_CHEAP,
} as const;

/**
 * What each worker runs, by op code, and how a call is cut into slices. Every slice function
 * rewrites a full call's byte-pointer arguments (src) into one thread's share [from, to).
 */
const OPS: ReadonlyArray<{ name: string; slice: (s: Float64Array, d: Float64Array, at: number, from: number, to: number) => void }> = [
  // forward by units for every sample: each thread reads only its rows of w;
  // [x, w, b, z, batch, inputs, units, hasBias, from, to]
  { name: 'forwardUnits', slice: (s, d, at, from, to) => {
    copy(s, d, at, 8);
    d[at + 8] = from;
    d[at + 9] = to;
  } },
  // dW by units: [delta, x, dw, db, batch, inputs, units, scale, hasBias, from, to]
  { name: 'weightGradientsUnits', slice: (s, d, at, from, to) => {
    copy(s, d, at, 9);
    d[at + 9] = from;
    d[at + 10] = to;
  } },
  // dX by sample rows: [delta, w, dx, batch, inputs, units]
  { name: 'propagateDelta', slice: (s, d, at, from, to) => {
    copy(s, d, at, 6);
    d[at] = s[0] + from * s[5] * 4;
    d[at + 2] = s[2] + from * s[4] * 4;
    d[at + 3] = to - from;
  } },
  // element ranges of the flat vectors: the pointers come first, then the count, then scalars
  { name: 'sgdUpdate', slice: flatSlice(2, 4) }, // [params, grads, count, lr]
  { name: 'momentumUpdate', slice: flatSlice(3, 6) }, // [params, grads, velocity, count, lr, mu]
  { name: 'countNonFinite', slice: flatSlice(1, 2) }, // [p, count]
  { name: 'nesterovUpdate', slice: flatSlice(3, 6) }, // [params, grads, velocity, count, lr, mu]
  { name: 'adamUpdate', slice: flatSlice(4, 9) }, // [params, grads, m, v, count, stepSize, 1−β1, 1−β2, ε]
  { name: 'rmspropUpdate', slice: flatSlice(3, 7) }, // [params, grads, meanSquare, count, lr, 1−ρ, ε]
  // rows of the batch: [src, order, dst, rows, width]; order is one float per row
  { name: 'gatherRows', slice: (s, d, at, from, to) => {
    copy(s, d, at, 5);
    d[at + 1] = s[1] + from * 4;
    d[at + 2] = s[2] + from * s[4] * 4;
    d[at + 3] = to - from;
  } },
  // activations by rows of the batch: [z, a, rows, cols] and [z, a, delta, rows, cols]
  ...Object.keys(FORWARD_ACTIVATIONS).map((name) => ({ name, slice: rowSlice(2) })),
  ...Object.keys(BACKWARD_ACTIVATIONS).map((name) => ({ name, slice: rowSlice(3) })),
];
const enum Op { Forward, WeightGradients, PropagateDelta, Sgd, Momentum, CountNonFinite, Nesterov, Adam, Rmsprop, Gather }
const opOf = (name: string): Op => OPS.findIndex((o) => o.name === name);

function copy(s: Float64Array, d: Float64Array, at: number, n: number): void {
  for (let i = 0; i < n; i++) d[at + i] = s[i];
}

/** A flat-vector kernel's slice [from, to): its first `pointers` arguments move on by `from` floats, the next is the count. */
function flatSlice(pointers: number, args: number) {
  return (s: Float64Array, d: Float64Array, at: number, from: number, to: number): void => {
    copy(s, d, at, args);
    for (let i = 0; i < pointers; i++) d[at + i] = s[i] + from * 4;
    d[at + pointers] = to - from;
  };
}

/**
 * A row-major batch kernel's slice of rows [from, to): its first `pointers` arguments (each
 * rows × cols) move on by from·cols floats, then come rows and cols.
 */
function rowSlice(pointers: number) {
  return (s: Float64Array, d: Float64Array, at: number, from: number, to: number): void => {
    copy(s, d, at, pointers + 2);
    const cols = s[pointers + 1];
    for (let i = 0; i < pointers; i++) d[at + i] = s[i] + from * cols * 4;
    d[at + pointers] = to - from;
  };
}

/**
 * The Wasm backend on several threads: one shared linear memory, instantiated on this thread
 * and in every worker. The big products, the flat-vector updates, and large activations and
 * batch gathers are cut into slices (products by rows or units, the others by rows or ranges);
 * everything else (losses, small layers) runs here.
 */
export class ThreadedWasmBackend implements Backend {
  readonly name = 'wasm' as const;
  readonly kernel: string;
  readonly base = PAGE_BYTES / 4;
  readonly kernels: Kernels;
  private view: Float32Array;
  /** One full call's arguments, then this thread's own slice. */
  private readonly call = new Float64Array(ARG_STRIDE);
  private readonly mine = new Float64Array(ARG_STRIDE);
  private readonly fns: Array<(...a: number[]) => number>;

  private constructor(
    readonly threads: number,
    private memory: WebAssembly.Memory,
    exports: Exports,
    private readonly pool: ThreadPool,
    build: KernelBuild,
  ) {
    this.kernel = `${build} × ${threads} threads`;
    this.view = new Float32Array(memory.buffer);
    this.fns = OPS.map((op) => (exports as unknown as Record<string, (...a: number[]) => number>)[op.name]);
    const base = adaptKernels(exports);
    this.kernels = {
      ...base,
      forward: (x, w, b, z, batch, inputs, units, hasBias) => {
        if (batch * inputs * units < MIN_SPLIT_WORK || units < 8 * threads) return base.forward(x, w, b, z, batch, inputs, units, hasBias);
        this.args(x * 4, w * 4, b * 4, z * 4, batch, inputs, units, hasBias);
        this.split(Op.Forward, units, 8); // the one-sample tile is 8 units wide
      },
      weightGradients: (delta, x, dw, db, batch, inputs, units, scale, hasBias) => {
        if (batch * inputs * units < MIN_SPLIT_WORK || units < 4 * threads) {
          return base.weightGradients(delta, x, dw, db, batch, inputs, units, scale, hasBias);
        }
        this.args(delta * 4, x * 4, dw * 4, db * 4, batch, inputs, units, scale, hasBias);
        this.split(Op.WeightGradients, units, 4);
      },
      propagateDelta: (delta, w, dx, batch, inputs, units) => {
        if (batch * inputs * units < MIN_SPLIT_WORK || batch < 4 * threads) return base.propagateDelta(delta, w, dx, batch, inputs, units);
        this.args(delta * 4, w * 4, dx * 4, batch, inputs, units);
        this.split(Op.PropagateDelta, batch, 4);
      },
      sgdUpdate: (params, grads, count, learningRate) => {
        if (count < MIN_SPLIT_COUNT) return base.sgdUpdate(params, grads, count, learningRate);
        this.args(params * 4, grads * 4, count, learningRate);
        this.split(Op.Sgd, count, 4);
      },
      momentumUpdate: (params, grads, velocity, count, learningRate, momentum) => {
        if (count < MIN_SPLIT_COUNT) return base.momentumUpdate(params, grads, velocity, count, learningRate, momentum);
        this.args(params * 4, grads * 4, velocity * 4, count, learningRate, momentum);
        this.split(Op.Momentum, count, 4);
      },
      nesterovUpdate: (params, grads, velocity, count, learningRate, momentum) => {
        if (count < MIN_SPLIT_COUNT) return base.nesterovUpdate(params, grads, velocity, count, learningRate, momentum);
        this.args(params * 4, grads * 4, velocity * 4, count, learningRate, momentum);
        this.split(Op.Nesterov, count, 4);
      },
      adamUpdate: (params, grads, m, v, count, stepSize, oneMinusBeta1, oneMinusBeta2, epsilon) => {
        if (count < MIN_SPLIT_COUNT) return base.adamUpdate(params, grads, m, v, count, stepSize, oneMinusBeta1, oneMinusBeta2, epsilon);
        this.args(params * 4, grads * 4, m * 4, v * 4, count, stepSize, oneMinusBeta1, oneMinusBeta2, epsilon);
        this.split(Op.Adam, count, 4);
      },
      rmspropUpdate: (params, grads, meanSquare, count, learningRate, oneMinusRho, epsilon) => {
        if (count < MIN_SPLIT_COUNT) return base.rmspropUpdate(params, grads, meanSquare, count, learningRate, oneMinusRho, epsilon);
        this.args(params * 4, grads * 4, meanSquare * 4, count, learningRate, oneMinusRho, epsilon);
        this.split(Op.Rmsprop, count, 4);
      },
      countNonFinite: (p, count) => {
        if (count < MIN_SPLIT_COUNT) return base.countNonFinite(p, count);
        this.args(p * 4, count);
        return this.split(Op.CountNonFinite, count, 4);
      },
      gatherRows: (src, order, dst, rows, width) => {
        if (rows * width < MIN_SPLIT_GATHER || rows < 4 * threads) return base.gatherRows(src, order, dst, rows, width);
        this.args(src * 4, order * 4, dst * 4, rows, width);
        this.split(Op.Gather, rows, 4);
      },
    };
    // Activations split by rows in slices of 4 rows, so every slice starts on a 4-value boundary and the
    // SIMD loop meets the same values as on one thread: the results are the same bits.
    for (const [name, least] of Object.entries(FORWARD_ACTIVATIONS) as Array<[keyof typeof FORWARD_ACTIVATIONS, number]>) {
      const op = opOf(name);
      const one = base[name];
      this.kernels[name] = (z, a, rows, cols) => {
        if (rows * cols < least || rows < 4 * threads) return one(z, a, rows, cols);
        this.args(z * 4, a * 4, rows, cols);
        this.split(op, rows, 4);
      };
    }
    for (const [name, least] of Object.entries(BACKWARD_ACTIVATIONS) as Array<[keyof typeof BACKWARD_ACTIVATIONS, number]>) {
      const op = opOf(name);
      const one = base[name];
      this.kernels[name] = (z, a, delta, rows, cols) => {
        if (rows * cols < least || rows < 4 * threads) return one(z, a, delta, rows, cols);
        this.args(z * 4, a * 4, delta * 4, rows, cols);
        this.split(op, rows, 4);
      };
    }
  }

  /** A backend on `threads` threads (this one and threads − 1 workers). */
  static async create(threads: number, floats = 0, build: KernelBuild | null = bestBuild(true)): Promise<ThreadedWasmBackend> {
    if (build === null) throw new Error('this runtime cannot share WebAssembly memory between threads');
    const module = kernelsModule(build, true);
    const memory = new WebAssembly.Memory({ initial: 1, maximum: MAX_PAGES, shared: true });
    const { exports } = instantiateSync<Exports>(module, {
      env: {
        memory,
        abort: (_m: number, _f: number, line: number, column: number) => {
          throw new Error(`wasm kernel aborted at ${line}:${column}`);
        },
      },
    });
    const pool = await ThreadPool.start(threads - 1, module, memory, OPS.map((o) => o.name));
    const backend = new ThreadedWasmBackend(threads, memory, exports, pool, build);
    backend.reserve(backend.base + floats);
    return backend;
  }

  get f32(): Float32Array {
    // A grown shared memory hands out a new, longer SharedArrayBuffer.
    if (this.view.length * 4 !== this.memory.buffer.byteLength) this.view = new Float32Array(this.memory.buffer);
    return this.view;
  }

  reserve(floats: number): void {
    const have = this.memory.buffer.byteLength;
    const need = floats * 4;
    if (need <= have) return;
    const havePages = have / PAGE_BYTES;
    const needPages = Math.ceil(need / PAGE_BYTES);
    const pages = Math.min(MAX_PAGES, Math.max(needPages, Math.ceil(havePages * 1.25)));
    try {
      if (needPages > MAX_PAGES) throw new RangeError(`beyond the ${MAX_PAGES / 16384} GiB a threaded network may use`);
      this.memory.grow(pages - havePages);
    } catch (e) {
      throw new RangeError(`network needs ${(need / 2 ** 20).toFixed(1)} MB of shared Wasm memory, more than allowed (${(e as Error).message})`);
    }
  }

  /** Stop the workers and drop the shared memory: f32 becomes empty and every kernel throws. */
  dispose(): void {
    this.pool.close();
    disableKernels(this.kernels);
    this.memory = new WebAssembly.Memory({ initial: 0 });
    this.view = new Float32Array(0);
  }

  /** Record one full call's arguments (fixed parameters: no array allocated per call). */
  private args(a0: number, a1: number, a2 = 0, a3 = 0, a4 = 0, a5 = 0, a6 = 0, a7 = 0, a8 = 0): void {
    const c = this.call;
    c[0] = a0; c[1] = a1; c[2] = a2; c[3] = a3; c[4] = a4; c[5] = a5; c[6] = a6; c[7] = a7; c[8] = a8;
  }

  /**
   * Cut [0, n) into one slice per thread (boundaries multiples of `align`), post the workers'
   * slices, run the first here, and wait for the rest. Returns the sum of the results.
   */
  private split(op: Op, n: number, align: number): number {
    const parts = this.threads;
    const chunk = Math.ceil(n / parts / align) * align;
    const { slice } = OPS[op];
    const rows = this.pool.args;
    for (let t = 1; t < parts; t++) {
      const from = Math.min(n, t * chunk);
      // A worker whose slice is empty still answers: it runs a zero-length slice.
      slice(this.call, rows, (t - 1) * ARG_STRIDE, from, Math.min(n, from + chunk));
    }
    this.pool.post(op);
    slice(this.call, this.mine, 0, 0, Math.min(n, chunk));
    const own = this.runRow(op, this.mine, 0);
    return own + this.pool.join(this.runWorkerSlice[op]);
  }

  /** Run op with the arguments at row `at` of `args` on this thread. */
  private runRow(op: Op, args: Float64Array, at: number): number {
    const a = args;
    const i = at;
    return this.fns[op](a[i], a[i + 1], a[i + 2], a[i + 3], a[i + 4], a[i + 5], a[i + 6], a[i + 7], a[i + 8], a[i + 9], a[i + 10], a[i + 11]) | 0;
  }

  /** Per op, a function that runs a worker's slice here when no worker has claimed it (made once, not per call). */
  private readonly runWorkerSlice: Array<(worker: number) => number> = OPS.map(
    (_, op) => (worker: number) => this.runRow(op as Op, this.pool.args, worker * ARG_STRIDE),
  );
}
