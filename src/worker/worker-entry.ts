// The training worker: a Node worker_threads Worker or a browser module Worker runs this file.
// It connects to the caller and hands each job to runTrainingJob (./run-job.ts), imported from
// the package entry: in a page that is the core bundle beside this script, not a second copy.
import { runTrainingJob } from '../index.js';
import { isNode, nodeBuiltin } from '../platform.js';
import type { FromWorker, ToWorker } from './protocol.js';


interface Port {
  post(message: FromWorker, transfer?: ArrayBuffer[]): void;
  listen(handler: (message: ToWorker) => void): void;
}

async function connect(): Promise<Port> {
  if (isNode()) {
    const { parentPort } = (await nodeBuiltin('node:worker_threads')) as typeof import('node:worker_threads');
    if (!parentPort) throw new Error('worker-entry: not running in a worker thread');
    return {
      post: (m, transfer) => parentPort.postMessage(m, transfer),
      listen: (handler) => parentPort.on('message', handler),
    };
  }
  const scope = globalThis as unknown as {
    postMessage(m: unknown, transfer?: Transferable[]): void;
    onmessage: ((e: MessageEvent) => void) | null;
  };
  return {
    post: (m, transfer) => scope.postMessage(m, transfer ?? []),
    listen: (handler) => {
      scope.onmessage = (e) => handler(e.data as ToWorker);
    },
  };
}

// No top-level await: bundlers emit worker scripts as classic (iife) scripts by default (Vite), where it is a syntax error.
void connect().then((port) => {
  const controller = new AbortController();
  port.listen((message) => {
    if (message.type === 'abort') controller.abort();
    else void runTrainingJob(message.job, abortSignal(controller.signal, message.abortFlag), port.post);
  });
  port.post({ type: 'ready' });
});

/**
 * fit reads signal.aborted between batches. The abort message reaches this thread only when
 * fit yields to the event loop (every yieldEvery ms, between batches); the shared word, where
 * there is one, is seen at the very next batch.
 */
function abortSignal(signal: AbortSignal, flag: SharedArrayBuffer | null): AbortSignal {
  if (!flag) return signal;
  const word = new Int32Array(flag);
  const own = Object.getOwnPropertyDescriptor(AbortSignal.prototype, 'aborted')!.get!;
  Object.defineProperty(signal, 'aborted', { get: () => Atomics.load(word, 0) !== 0 || own.call(signal) });
  return signal;
}
