/**
 * A pool of worker threads that run kernel slices on one shared Wasm memory.
 *
 * The handshake is a control block in a SharedArrayBuffer. For job number s the caller
 * writes each worker's arguments and the op, then sets SEQ = s; workers spin on SEQ (a spin
 * costs ~0.5 µs, an Atomics.wait round trip ~80 µs) and park in Atomics.wait after 2 ms
 * with nothing to do, so an idle network costs no CPU.
 *
 * Each worker slice w has a claim word: whoever moves CLAIM[w] from s − 1 to s (a
 * compare-and-swap) runs slice w of job s. The caller runs its own slice, then claims every
 * slice no worker has started yet and runs it itself. On a loaded machine, where a worker
 * may not be scheduled for milliseconds, training therefore runs at one thread's speed
 * instead of stalling; a worker that lost its claim just waits for the next job.
 */

import { isNode, nodeBuiltin } from '../../platform.js';

const SEQ = 0;
const OP = 1;
const CLAIM = 16; // CLAIM + w: the last job whose slice w has been claimed
const DONE = 32; // DONE + w: the last job whose slice w a worker has finished
const RESULT = 48; // RESULT + w: the worker's return value for that slice
const ARGS_BYTE = 256; // float64 argument rows start here
export const ARG_STRIDE = 12;
const MAX_WORKERS = 16;
const CONTROL_BYTES = ARGS_BYTE + MAX_WORKERS * ARG_STRIDE * 8;
/** How long a worker spins for the next job before it parks: longer than the gaps between training steps. */
const SPIN_MS = 2;
/** Checks of a worker's claim before the caller takes its slice over (a few microseconds). */
const GRACE_SPINS = 1024;
/** How long the caller waits for a claimed slice before deciding its worker has died. */
const STALL_MS = 10_000;

/** Runs in each worker (Node worker_threads with eval, or a browser Worker from a Blob). */
const WORKER_SOURCE = `'use strict';
function start(d) {
  const { module, memory, control, index, names } = d;
  const { exports } = new WebAssembly.Instance(module, {
    env: { memory, abort() { throw new Error('wasm kernel aborted'); } },
  });
  const ctl = new Int32Array(control);
  const args = new Float64Array(control, ${ARGS_BYTE});
  const fns = names.map((n) => exports[n]);
  const a = index * ${ARG_STRIDE};
  let seen = 0;
  ready();
  for (;;) {
    let spins = 0;
    let parkAt = 0;
    while (Atomics.load(ctl, ${SEQ}) === seen) {
      if ((++spins & 4095) !== 0) continue;
      const now = performance.now();
      if (parkAt === 0) parkAt = now + ${SPIN_MS};
      else if (now > parkAt) Atomics.wait(ctl, ${SEQ}, seen);
    }
    const s = Atomics.load(ctl, ${SEQ});
    seen = s;
    const op = Atomics.load(ctl, ${OP});
    if (op < 0) return;
    // Winning the claim proves job s is still open, so op and args are job s's.
    if (Atomics.compareExchange(ctl, ${CLAIM} + index, s - 1, s) !== s - 1) continue;
    const r = fns[op](args[a], args[a + 1], args[a + 2], args[a + 3], args[a + 4], args[a + 5],
      args[a + 6], args[a + 7], args[a + 8], args[a + 9], args[a + 10], args[a + 11]);
    Atomics.store(ctl, ${RESULT} + index, r | 0);
    Atomics.store(ctl, ${DONE} + index, s);
  }
}
let ready;
if (typeof process === 'object' && typeof require === 'function') {
  const { parentPort, workerData } = require('node:worker_threads');
  ready = () => parentPort.postMessage('ready');
  start(workerData);
} else {
  ready = () => postMessage('ready');
  onmessage = (e) => start(e.data);
}
`;

interface WorkerHandle {
  terminate(): unknown;
}

export class ThreadPool {
  readonly ctl: Int32Array;
  /** Argument rows, one per worker: ARG_STRIDE float64 values each. */
  readonly args: Float64Array;
  private closed = false;

  private constructor(private readonly workers: WorkerHandle[], control: SharedArrayBuffer) {
    this.ctl = new Int32Array(control);
    this.args = new Float64Array(control, ARGS_BYTE);
  }

  /** Start `count` workers, each instantiating `module` on `memory`; resolves once all are ready. */
  static async start(count: number, module: WebAssembly.Module, memory: WebAssembly.Memory, names: readonly string[]): Promise<ThreadPool> {
    if (count > MAX_WORKERS) throw new RangeError(`threads: at most ${MAX_WORKERS + 1} threads, got ${count + 1}`);
    if (typeof SharedArrayBuffer !== 'function') {
      throw new Error('SharedArrayBuffer is unavailable: browsers give it only to cross-origin-isolated pages ' +
        '(served with Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp)');
    }
    const control = new SharedArrayBuffer(CONTROL_BYTES);
    const data = (index: number) => ({ module, memory, control, index, names });
    const workers: WorkerHandle[] = [];
    const ready: Promise<void>[] = [];
    if (isNode()) {
      const { Worker } = (await nodeBuiltin('node:worker_threads')) as typeof import('node:worker_threads');
      for (let i = 0; i < count; i++) {
        const w = new Worker(WORKER_SOURCE, { eval: true, workerData: data(i) });
        w.unref(); // a forgotten dispose() must not keep the process alive
        workers.push(w);
        ready.push(new Promise((resolve, reject) => {
          w.once('message', () => resolve());
          w.once('error', reject);
        }));
      }
    } else {
      const url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: 'text/javascript' }));
      for (let i = 0; i < count; i++) {
        const w = new Worker(url);
        workers.push(w);
        ready.push(new Promise((resolve, reject) => {
          w.onmessage = () => resolve();
          w.onerror = (e) => reject(new Error(`worker failed to start: ${e.message}`));
        }));
        w.postMessage(data(i));
      }
    }
    try {
      await Promise.all(ready);
    } catch (e) {
      workers.forEach((w) => w.terminate());
      throw e;
    }
    return new ThreadPool(workers, control);
  }

  /** The job number of the op posted last. */
  private job = 0;

  /** Start op on every worker (their argument rows already written); returns at once. */
  post(op: number): void {
    const ctl = this.ctl;
    Atomics.store(ctl, OP, op);
    this.job = Atomics.add(ctl, SEQ, 1) + 1;
    Atomics.notify(ctl, SEQ);
  }

  /**
   * Finish the op posted last: run every slice no worker has claimed yet with runSlice(w),
   * wait for the claimed ones, and return the sum of all slices' results.
   */
  join(runSlice: (worker: number) => number): number {
    const ctl = this.ctl;
    const s = this.job;
    let sum = 0;
    for (let w = 0; w < this.workers.length; w++) {
      // A worker that is merely a microsecond late keeps its slice; one that is not running loses it.
      for (let i = 0; i < GRACE_SPINS && Atomics.load(ctl, CLAIM + w) !== s; i++);
      if (Atomics.compareExchange(ctl, CLAIM + w, s - 1, s) === s - 1) {
        sum += runSlice(w);
        continue;
      }
      let spins = 0;
      let since = 0;
      while (Atomics.load(ctl, DONE + w) !== s) {
        if (++spins % 1_000_000 === 0) {
          const now = performance.now();
          if (since === 0) since = now;
          else if (now - since > STALL_MS) throw new Error('a worker thread stopped answering');
        }
      }
      sum += ctl[RESULT + w];
    }
    return sum;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    Atomics.store(this.ctl, OP, -1);
    Atomics.add(this.ctl, SEQ, 1);
    Atomics.notify(this.ctl, SEQ);
    for (const w of this.workers) w.terminate();
  }
}

/** Threads the runtime can run side by side: 1 where shared memory or workers are missing. */
export async function availableThreads(): Promise<number> {
  if (typeof SharedArrayBuffer !== 'function' || typeof Atomics !== 'object') return 1;
  if (isNode()) {
    const os = (await nodeBuiltin('node:os')) as typeof import('node:os');
    return Math.max(1, os.availableParallelism());
  }
  // Browsers hand out SharedArrayBuffer only to cross-origin-isolated pages.
  if (!(globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated || typeof Worker !== 'function') return 1;
  return Math.max(1, (globalThis.navigator?.hardwareConcurrency ?? 1) | 0);
}
