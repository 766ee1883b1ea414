// trainInWorker, the caller's side: start a worker (Node worker_threads, or a browser module
// Worker on ./worker-entry.js), hand it a copy of the engine's state and the checked data, relay
// its progress, and put its trained parameters, generator and optimizer state back.
import type { Engine } from '../engine/engine.js';
import type { History } from '../engine/fit.js';
import { NonFiniteError } from '../errors.js';
import { fileBeside, isNode, nodeBuiltin } from '../platform.js';
import { describe } from '../validate/values.js';
import { isCustomActivation, isCustomLoss } from '../custom.js';
import type { TrainInWorkerOptions } from '../validate/fit-options.js';
import type { TrainingData } from '../validate/training-data.js';
import type { FromWorker, ToWorker, TrainingJob } from './protocol.js';

/** Where the worker script is, when set by setWorkerUrl; otherwise worker-entry.js beside this module. */
let workerUrl: URL | string | undefined;

const BUNDLER_HINT = "where a bundler left it out (esbuild, Rollup), bundle 'backprop/worker' as an entry point and pass its URL to setWorkerUrl";

/**
 * Start trainInWorker's workers from this script instead of the worker-entry.js beside the
 * library: for bundlers that do not follow `new Worker(new URL(…, import.meta.url))` (esbuild,
 * Rollup), which bundle `backprop/worker` as an entry point of their own. undefined goes back to the default.
 */
export function setWorkerUrl(url: URL | string | undefined): void {
  if (url !== undefined && typeof url !== 'string' && !(url instanceof URL)) {
    throw new TypeError(`setWorkerUrl: expected a URL or a string, got ${describe(url)}`);
  }
  workerUrl = url;
}

/** trainInWorker's options as parseTrainInWorkerOptions leaves them. */
export interface WorkerRequest {
  /** The options the worker parses again into fit's plan. */
  data: Record<string, unknown>;
  onProgress: TrainInWorkerOptions['onProgress'];
  signal: AbortSignal | undefined;
  /** Where a checkpoint's warnings from the worker go. */
  onWarning?: (message: string) => void;
}

interface WorkerHandle {
  post(message: ToWorker, transfer?: ArrayBuffer[]): void;
  terminate(): void;
}

type Events = { message(m: FromWorker): void; failure(error: Error): void };

/** Custom activations and losses are functions, which cannot be sent to another thread. */
export function checkSendable(engine: Engine, label: string): void {
  const { layers, loss } = engine.spec;
  const custom = layers.findIndex((l) => isCustomActivation(l.activation));
  if (custom >= 0) {
    throw new TypeError(`${label}: layers[${custom + 1}] uses the custom activation '${layers[custom].activation}', whose functions cannot be sent to a worker; use fit`);
  }
  if (isCustomLoss(loss)) throw new TypeError(`${label}: the custom loss '${loss}' has functions that cannot be sent to a worker; use fit`);
}

/**
 * fit on a copy of the engine in a worker; the engine is updated only when the worker finishes,
 * so any failure leaves it as it was. The same seed gives bit-identical weights to fit in place.
 */
export async function trainInWorker(engine: Engine, data: TrainingData, request: WorkerRequest, label: string): Promise<History> {
  const job: TrainingJob = {
    spec: engine.spec,
    seed: engine.seed,
    backend: engine.backend.name,
    kernel: engine.backend.kernel.split(' ')[0], // a threaded network trains on one thread there: the same bits
    parameters: engine.parameters(),
    rng: engine.rng.state,
    optimizer: engine.optimizerState(),
    data,
    options: request.data,
    label,
  };
  const result = await run(job, request, label);
  engine.live(label);
  engine.setParameters(result.parameters);
  engine.rng.state = result.rng;
  engine.loadOptimizerState(result.optimizer);
  return result.history;
}

type Done = Extract<FromWorker, { type: 'done' }>;

function run(job: TrainingJob, { onProgress: progress, signal: abort, onWarning }: WorkerRequest, label: string): Promise<Done> {
  const abortFlag = typeof SharedArrayBuffer === 'function' ? new SharedArrayBuffer(4) : null;
  const { train, validation } = job.data;
  // Views may share a buffer (a validation split is a view of the copied inputs): each is transferred once.
  const buffers = [train.x, train.y, validation?.x, validation?.y, job.parameters, job.optimizer.vectors].map((a) => a?.buffer as ArrayBuffer | undefined);
  const transfer = [...new Set(buffers.filter((b): b is ArrayBuffer => b !== undefined))];

  return new Promise<Done>((resolve, reject) => {
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
              worker!.post({ type: 'train', job, abortFlag }, transfer);
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
          case 'warning':
            onWarning?.(m.message);
            return;
          case 'done':
            settle(() => resolve(m));
            return;
          case 'error':
            settle(() => reject(rebuildError(m)));
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

/** The worker's error as the caller would have got it from fit: same class, same message (it already starts with our label). */
function rebuildError(m: Extract<FromWorker, { type: 'error' }>): Error {
  const { message } = m;
  const make: Record<string, new (message: string) => Error> = { TypeError, RangeError, SyntaxError };
  if (m.name === 'NonFiniteError') {
    const e = Object.setPrototypeOf(new RangeError(message), NonFiniteError.prototype) as NonFiniteError;
    Object.defineProperty(e, 'name', { value: 'NonFiniteError', writable: true, configurable: true });
    Object.defineProperty(e, 'detail', { value: m.detail ?? '', enumerable: true });
    return e;
  }
  return new (make[m.name] ?? Error)(message);
}


async function startWorker(events: Events): Promise<WorkerHandle> {
  if (isNode()) return startNodeWorker(events);
  if (typeof Worker !== 'function') throw new Error('this runtime has neither worker_threads nor Worker');
  let w: Worker;
  try {
    // A module Worker on the entry next to this file; bundlers that know this pattern (Vite, webpack 5) emit it.
    w = workerUrl !== undefined ? new Worker(workerUrl, { type: 'module' }) : new Worker(new URL('./worker-entry.js', import.meta.url), { type: 'module' });
  } catch (e) {
    // An iife bundle has no import.meta.url, so no URL at all.
    throw new Error(`${(e as Error).message}; ${BUNDLER_HINT}`);
  }
  w.onmessage = (e: MessageEvent<FromWorker>) => events.message(e.data);
  w.onerror = (e: ErrorEvent) => {
    e.preventDefault();
    events.failure(new Error(e.message || `the worker script could not be loaded; ${BUNDLER_HINT}`));
  };
  return { post: (m, transfer) => w.postMessage(m, transfer ?? []), terminate: () => w.terminate() };
}

async function startNodeWorker(events: Events): Promise<WorkerHandle> {
  const { Worker } = (await nodeBuiltin('node:worker_threads')) as typeof import('node:worker_threads');
  let w: import('node:worker_threads').Worker;
  if (workerUrl !== undefined) {
    w = new Worker(workerUrl, { execArgv: workerExecArgv() });
  } else if (import.meta.url.endsWith('.ts')) {
    // Running from the TypeScript sources (tests, tsx): load the entry through tsx, as this file was.
    const tsx = await tsxApi();
    const entry = fileBeside('./worker-entry.ts', import.meta.url).href;
    const source = `import(${JSON.stringify(tsx)}).then((m) => (m.tsImport ?? m.default.tsImport)(${JSON.stringify(entry)}, ${JSON.stringify(import.meta.url)}))`;
    w = new Worker(source, { eval: true, execArgv: workerExecArgv() });
  } else {
    w = new Worker(fileBeside('./worker-entry.js', import.meta.url), { execArgv: workerExecArgv() });
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

/**
 * tsx's ESM API (its CommonJS build cannot load its own ESM half from a worker), found from this
 * file through node:module: a literal import.meta.resolve('tsx/…') sends bundlers looking for tsx.
 */
async function tsxApi(): Promise<string> {
  const { createRequire } = (await nodeBuiltin('node:module')) as typeof import('node:module');
  const { pathToFileURL } = (await nodeBuiltin('node:url')) as typeof import('node:url');
  return pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
}
