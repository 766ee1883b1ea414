// The training worker's work, apart from its messaging: rebuild the caller's engine from the
// job, run fit's loop on it, and report each epoch, the result or the error. It is exported
// (@internal) from the package entry so the browser's worker script imports it from the core
// bundle beside it rather than carrying a second copy of the library.
import { Engine } from '../engine/engine.js';
import { runFit } from '../engine/fit.js';
import { checkpointedFit } from '../persist/checkpoint.js';
import { NonFiniteError } from '../errors.js';
import { parseFitOptions, type EpochLogs } from '../validate/fit-options.js';
import { KERNEL_BUILDS, type KernelBuild } from '../backends/wasm/module.js';
import type { FromWorker, TrainingJob } from './protocol.js';

/** @internal Train as the job says, posting 'epoch' messages, then 'done' or 'error'. */
export async function runTrainingJob(job: TrainingJob, signal: AbortSignal, post: (m: FromWorker, transfer?: ArrayBuffer[]) => void): Promise<void> {
  try {
    const engine = engineFor(job);
    const plan = {
      ...parseFitOptions(job.options, job.label), // checked on the caller's thread already: this cannot throw
      signal,
      onEpochEnd: (epoch: number, logs: EpochLogs) => post({ type: 'epoch', epoch, logs }),
    };
    // A checkpoint's warnings are the caller's to show: its onWarning stayed on its thread.
    if (plan.checkpoint) plan.checkpoint.onWarning = (message) => post({ type: 'warning', message });
    const history = await (plan.checkpoint ? checkpointedFit : runFit)(engine, job.data, plan, job.label);
    const parameters = engine.parameters();
    const optimizer = engine.optimizerState();
    post({ type: 'done', history, parameters, rng: engine.rng.state, optimizer }, [parameters.buffer, optimizer.vectors.buffer] as ArrayBuffer[]);
    engine.dispose();
  } catch (e) {
    const error = e instanceof Error ? e : new Error(String(e));
    const detail = error instanceof NonFiniteError ? error.detail : undefined;
    post({ type: 'error', name: error.name, message: error.message, detail });
  }
}

/** The caller's engine as it stands: same parameters, generator state, optimizer state and kernel build. */
function engineFor(job: TrainingJob): Engine {
  const build = job.backend === 'wasm' ? (job.kernel as KernelBuild) : undefined;
  if (build !== undefined && !KERNEL_BUILDS.includes(build)) throw new Error(`worker: unknown kernel build '${job.kernel}'`);
  const saved = { spec: job.spec, seed: job.seed, parameters: job.parameters };
  const engine = Engine.restore(saved, { choice: job.backend, jsOnly: null, build }, 'worker');
  engine.rng.state = job.rng;
  engine.loadOptimizerState(job.optimizer);
  return engine;
}
