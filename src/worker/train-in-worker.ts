// trainInWorker, the caller's side: start a worker (Node worker_threads, or a browser module
// Worker on ./worker-entry.js), hand it the network and the data, relay its progress, and
// return its trained parameters. The network itself is updated by Network.trainInWorker.
import type { OptimizerState } from '../step.js';
import type { EpochLogs, FitOptions, History } from '../fit.js';
import { NonFiniteError } from '../step.js';
import { plainObject } from '../options.js';
import { describe } from '../samples.js';
import type { FromWorker, ToWorker, TrainingJob } from './protocol.js';

/** Node built-ins are imported when called and through a variable, so a browser bundle never pulls them in. */
const nodeBuiltin = (name: string): Promise<unknown> => import(/* @vite-ignore */ name);

export interface TrainInWorkerOptions extends Omit<FitOptions, 'onEpochEnd' | 'onBatchEnd' | 'signal'> {
  /** Called on the caller's thread after each epoch the worker finishes (epoch counts from 0, as onEpochEnd). */
  onProgress?: (epoch: number, logs: EpochLogs) => void;
  /**
   * Stop training: the worker stops between batches (where SharedArrayBuffer exists, else at the
   * end of the epoch), the weights trained so far are kept, and the history says 'aborted', as fit.
   */
  signal?: AbortSignal;
}

export interface TrainingResult {
  history: History;
  parameters: Float32Array;
  rng: [number, number, number, number];
  optimizer: OptimizerState;
}

interface WorkerHandle {
  post(message: ToWorker, transfer?: ArrayBuffer[]): void;
  terminate(): void;
}

type Events = { message(m: FromWorker): void; failure(error: Error): void };

export async function runInWorker(job: TrainingJob, options: unknown, label: string): Promise<TrainingResult> {
  const o = plainObject(options, `${label}: options`);
  const { onProgress, signal, ...fitOptions } = o;
  if (onProgress !== undefined && typeof onProgress !== 'function') {
    throw new TypeError(`${label}: onProgress: expected a function, got ${describe(onProgress)}`);
  }
  const s = signal as AbortSignal | null | undefined;
  if (s !== undefined && (typeof s !== 'object' || s === null || typeof s.aborted !== 'boolean' || typeof s.addEventListener !== 'function')) {
    throw new TypeError(`${label}: signal: expected an AbortSignal, got ${describe(signal)}`);
  }
  for (const [key, value] of Object.entries(fitOptions)) {
    if (typeof value === 'function') {
      throw new TypeError(`${label}: ${key}: a function cannot be sent to the worker; use onProgress(epoch, logs) for progress`);
    }
  }
  const progress = onProgress as TrainInWorkerOptions['onProgress'];
  const abort = signal as AbortSignal | undefined;
  const abortFlag = typeof SharedArrayBuffer === 'function' ? new SharedArrayBuffer(4) : null;

  return new Promise<TrainingResult>((resolve, reject) => {
    let worker: WorkerHandle | null = null;
    let settled = false;
    const settle = (done: () => void) => {
      if (settled) return;
      settled = true;
      abort?.removeEventListener('abort', onAbort);
      worker?.terminate();
      done();
    };
    const onAbort = () => {
      if (abortFlag) Atomics.store(new Int32Array(abortFlag), 0, 1);
      worker?.post({ type: 'abort' });
    };
    if (abort?.aborted) onAbort();
    abort?.addEventListener('abort', onAbort);

    const events: Events = {
      message(m) {
        if (settled) return;
        switch (m.type) {
          case 'ready':
            try {
              worker!.post({ type: 'train', job, options: fitOptions, abortFlag }, [job.x.buffer, job.y.buffer, job.parameters.buffer, job.optimizer.vectors.buffer] as ArrayBuffer[]);
            } catch (e) {
              settle(() => reject(new TypeError(`${label}: options: cannot be sent to the worker: ${(e as Error).message}`)));
            }
            return;
          case 'epoch':
            // The caller's own callback failing (or its promise rejecting) stops the worker; the weights stay as before.
            try {
              const r: unknown = progress?.(m.epoch, m.logs);
              if (r instanceof Promise) r.catch((e: unknown) => settle(() => reject(e)));
            } catch (e) {
              settle(() => reject(e));
            }
            return;
          case 'done':
            settle(() => resolve({ history: m.history, parameters: m.parameters, rng: m.rng, optimizer: m.optimizer }));
            return;
          case 'error':
            settle(() => reject(rebuildError(m, label)));
        }
      },
      failure(error) {
        settle(() => reject(new Error(`${label}: the worker failed: ${error.message}`)));
      },
    };
    startWorker(events).then(
      (w) => {
        worker = w;
        if (settled) w.terminate();
        else if (abort?.aborted) onAbort();
      },
      (e: Error) => settle(() => reject(new Error(`${label}: could not start a worker: ${e.message}`))),
    );
  });
}

/** The worker's error as the caller would have got it from fit: same class, its label ours. */
function rebuildError(m: Extract<FromWorker, { type: 'error' }>, label: string): Error {
  const message = m.message.replace(/^fit\b/, label);
  const make: Record<string, new (message: string) => Error> = { TypeError, RangeError, SyntaxError };
  if (m.name === 'NonFiniteError') {
    const e = Object.setPrototypeOf(new RangeError(message), NonFiniteError.prototype) as NonFiniteError;
    Object.defineProperty(e, 'name', { value: 'NonFiniteError', writable: true, configurable: true });
    Object.defineProperty(e, 'detail', { value: m.detail ?? '', enumerable: true });
    return e;
  }
  return new (make[m.name] ?? Error)(message);
}

function isNode(): boolean {
  return typeof process === 'object' && process !== null && typeof process.versions?.node === 'string';
}

async function startWorker(events: Events): Promise<WorkerHandle> {
  if (isNode()) return startNodeWorker(events);
  if (typeof Worker !== 'function') throw new Error('this runtime has neither worker_threads nor Worker');
  // A module Worker on the entry next to this file; bundlers that know this pattern (Vite, webpack 5) emit it.
  const w = new Worker(new URL('./worker-entry.js', import.meta.url), { type: 'module' });
  w.onmessage = (e: MessageEvent<FromWorker>) => events.message(e.data);
  w.onerror = (e: ErrorEvent) => {
    e.preventDefault();
    events.failure(new Error(e.message || 'the worker script could not be loaded'));
  };
  return { post: (m, transfer) => w.postMessage(m, transfer ?? []), terminate: () => w.terminate() };
}

async function startNodeWorker(events: Events): Promise<WorkerHandle> {
  const { Worker } = (await nodeBuiltin('node:worker_threads')) as typeof import('node:worker_threads');
  let w: import('node:worker_threads').Worker;
  if (import.meta.url.endsWith('.ts')) {
    // Running from the TypeScript sources (tests, tsx): load the entry through tsx, as this file was.
    const tsx = await tsxApi();
    const entry = new URL('./worker-entry.ts', import.meta.url).href;
    const source = `import(${JSON.stringify(tsx)}).then((m) => (m.tsImport ?? m.default.tsImport)(${JSON.stringify(entry)}, ${JSON.stringify(import.meta.url)}))`;
    w = new Worker(source, { eval: true, execArgv: workerExecArgv() });
  } else {
    w = new Worker(new URL('./worker-entry.js', import.meta.url), { execArgv: workerExecArgv() });
  }
  w.on('message', (m: FromWorker) => events.message(m));
  w.on('error', (e: Error) => events.failure(e));
  w.on('exit', (code: number) => events.failure(new Error(`the worker exited with code ${code} before training finished`)));
  return { post: (m, transfer) => w.postMessage(m, transfer), terminate: () => void w.terminate() };
}

/** The process's flags minus those a worker refuses (a script run as `node --input-type=module -e` passes one). */
function workerExecArgv(): string[] {
  return process.execArgv.filter((flag) => !flag.startsWith('--input-type'));
}

/** tsx's ESM API (its CommonJS build cannot load its own ESM half from a worker). */
async function tsxApi(): Promise<string> {
  if (typeof import.meta.resolve === 'function') return import.meta.resolve('tsx/esm/api');
  const { createRequire } = (await nodeBuiltin('node:module')) as typeof import('node:module');
  const { pathToFileURL } = (await nodeBuiltin('node:url')) as typeof import('node:url');
  return pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
}
