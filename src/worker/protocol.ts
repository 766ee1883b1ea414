// The messages between trainInWorker (the caller's thread) and worker-entry.ts (the worker).
import type { BackendName } from '../backends/backend.js';
import type { History } from '../engine/fit.js';
import type { OptimizerState } from '../engine/step.js';
import type { EpochLogs } from '../validate/fit-options.js';
import type { NetworkSpec } from '../validate/network-options.js';
import type { TrainingData } from '../validate/training-data.js';

/** What the worker needs to rebuild the network exactly as it stands, the training data, and how to train. */
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
  /** Checked, split and copied on the caller's thread. */
  data: TrainingData;
  /** fit's options that are data (already checked on the caller's thread, parsed again there). */
  options: Record<string, unknown>;
  /** The call's name, which the worker's errors start with (e.g. 'trainInWorker: epoch 3, batch 2: …'). */
  label: string;
}

export type ToWorker =
  | {
      type: 'train';
      job: TrainingJob;
      /** One Int32 word set to 1 on abort, read between batches; null where SharedArrayBuffer is missing. */
      abortFlag: SharedArrayBuffer | null;
    }
  | { type: 'abort' };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'epoch'; epoch: number; logs: EpochLogs }
  | { type: 'warning'; message: string }
  | { type: 'done'; history: History; parameters: Float32Array; rng: [number, number, number, number]; optimizer: OptimizerState }
  | { type: 'error'; name: string; message: string; detail?: string };
