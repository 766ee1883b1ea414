// The messages between trainInWorker (the caller's thread) and worker-entry.ts (the worker).
import type { BackendName } from '../backends/backend.js';
import type { EpochLogs, History } from '../fit.js';
import type { NetworkSpec } from '../options.js';
import type { OptimizerState } from '../step.js';

/** What the worker needs to rebuild the network exactly as it stands, and the training set. */
export interface TrainingJob {
  spec: NetworkSpec;
  seed: number;
  backend: BackendName;
  /** The kernel build ('js', 'wasm-simd', 'wasm-relaxed-simd'): the worker runs the same one, so the bits match. */
  kernel: string;
  parameters: Float32Array;
  /** The network's generator state: shuffling in the worker continues the same stream. */
  rng: [number, number, number, number];
  /** The optimizer's velocity or moments and update count, so momentum and Adam continue as in place. */
  optimizer: OptimizerState;
  /** Training inputs and targets, validated and flattened row-major by the caller. */
  x: Float32Array;
  y: Float32Array;
}

export type ToWorker =
  | {
      type: 'train';
      job: TrainingJob;
      /** fit options without functions or the signal (those cannot cross to another thread). */
      options: Record<string, unknown>;
      /** One Int32 word set to 1 on abort, read between batches; null where SharedArrayBuffer is missing. */
      abortFlag: SharedArrayBuffer | null;
    }
  | { type: 'abort' };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'epoch'; epoch: number; logs: EpochLogs }
  | { type: 'done'; history: History; parameters: Float32Array; rng: [number, number, number, number]; optimizer: OptimizerState }
  | { type: 'error'; name: string; message: string; detail?: string };
