// fit with checkpoints: everything the rest of a run depends on (parameters, optimizer state,
// generator, fit's loop state) written as it trains, so that calling the same fit again after a
// crash resumes from the last one and ends bit-identical to a run never interrupted. The file
// (./checkpoint-format.ts) also holds what identifies the run (architecture, starting weights,
// options, a fingerprint of the data): another run's checkpoint is refused, saying what differs.
import type { Engine } from '../engine/engine.js';
import { runFit, startState, type FitState, type History } from '../engine/fit.js';
import type { CheckpointPlan, FitPlan } from '../validate/fit-options.js';
import type { TrainingData } from '../validate/training-data.js';
import { architectureJSON } from './json.js';
import { checkpointFile, type CheckpointTarget } from './checkpoint-file.js';
import { decodeCheckpoint, encodeCheckpoint, fingerprint, type Checkpoint, type RunIdentity } from './checkpoint-format.js';

/**
 * fit as runFit, writing checkpoints as plan.checkpoint says and starting from the last one
 * that matches this call. A finished run's checkpoint is removed (or, with keep, rewritten as
 * finished); an aborted run's is written at the batch it stopped at; an error leaves it as it was.
 */
export async function checkpointedFit(engine: Engine, data: TrainingData, plan: FitPlan, label: string): Promise<History> {
  if (engine.training) throw new Error(`${label}: this network is already training; await that fit (or abort it) first`);
  const options = plan.checkpoint!;
  const where = options.path === null ? `${label}: checkpoint` : `${label}: checkpoint ${JSON.stringify(options.path)}`;
  const target = await targetOf(options, where);
  const identity = identify(engine, data, plan);
  const kernel = kernelOf(engine);
  const found = await target.load((bytes, name) => decodeCheckpoint(bytes, name), options.onWarning);
  if (found) {
    const differences = compareRuns(found.header.identity, identity);
    if (differences.length > 0) {
      throw new Error(`${where}: written by another run: ${differences.join('; ')}; nothing was changed (remove it to start afresh)`);
    }
    if (found.header.kernel !== kernel) {
      options.onWarning(`${where}: written with the ${found.header.kernel} kernels, resuming with ${kernel}: training goes on, but not to the same bits as one run`);
    }
    if (found.header.finished) {
      restore(engine, found);
      return found.state.history;
    }
  }
  let state: FitState | null = null;
  const history = await runFit(engine, data, plan, label, {
    start: () => (state = found ? restore(engine, found) : startState(plan)),
    checkpoint: { every: options.every, save: (s) => target.save(encodeCheckpoint(engine, { identity, kernel, s, finished: false })) },
  });
  if (history.stopped === 'aborted') return history;
  if (options.keep || !target.remove) await target.save(encodeCheckpoint(engine, { identity, kernel, s: state!, finished: true }));
  else await target.remove();
  return history;
}

async function targetOf(options: CheckpointPlan, where: string): Promise<CheckpointTarget> {
  if (options.path !== null) return checkpointFile(options.path, where);
  const store = options.store!;
  return {
    async load(decode) {
      const bytes = await store.load();
      if (bytes === null || bytes === undefined) return null;
      if (!(bytes instanceof Uint8Array)) throw new TypeError(`${where}: load: expected a Uint8Array or null, got ${typeof bytes}`);
      return decode(bytes, where);
    },
    async save(bytes) {
      try {
        await store.save(bytes);
      } catch (e) {
        throw new Error(`${where}: save failed: ${(e as Error).message}; training stopped`);
      }
    },
    remove: store.remove && (async () => void (await store.remove!())),
  };
}

/** Put a checkpoint's parameters, optimizer state and generator into the engine; its loop state to continue from. */
function restore(engine: Engine, c: Checkpoint): FitState {
  engine.setParameters(c.parameters);
  engine.loadOptimizerState(c.optimizer);
  engine.rng.state = c.header.rng;
  return c.state;
}

const kernelOf = (engine: Engine) => engine.backend.kernel.split(' ')[0]; // threads give the same bits as one

function identify(engine: Engine, { train, validation }: TrainingData, p: FitPlan): RunIdentity {
  const optimizer = engine.optimizerState();
  const words = new Float32Array(Uint32Array.from([...engine.rng.state, optimizer.updates]).buffer); // hashed as bits, not as numbers
  return {
    network: { ...architectureJSON(engine.spec, engine.seed) },
    start: `${fingerprint([engine.parameters(), optimizer.vectors, words])}:${optimizer.optimizer}`,
    options: {
      epochs: p.epochs,
      batchSize: p.batchSize,
      shuffle: p.shuffle,
      validationSplit: p.validationSplit,
      metrics: p.accuracy ? ['accuracy'] : [],
      earlyStopping: p.stopping,
      errorThreshold: p.errorThreshold,
      learningRateSchedule: p.schedule,
      learningRate: p.step.learningRate,
      optimizer: p.step.optimizer.name,
      ...p.step.options,
      weightDecay: p.step.weightDecay,
    },
    data: {
      'training inputs': fingerprint([train.x]),
      'training targets': fingerprint([train.y]),
      'validation inputs': validation ? fingerprint([validation.x]) : 'none',
      'validation targets': validation ? fingerprint([validation.y]) : 'none',
    },
  };
}

/** What differs between the checkpoint's run and this call's, in words. */
function compareRuns(saved: RunIdentity, now: RunIdentity): string[] {
  const out: string[] = [];
  const show = (v: unknown) => (v === undefined ? 'not set' : JSON.stringify(v));
  for (const part of ['network', 'options'] as const) {
    const keys = new Set([...Object.keys(saved[part] ?? {}), ...Object.keys(now[part])]);
    for (const key of keys) {
      const [a, b] = [saved[part]?.[key], now[part][key]];
      if (JSON.stringify(a) !== JSON.stringify(b)) out.push(`${key} is ${show(b)} here, ${show(a)} in the checkpoint`);
    }
  }
  if (out.length === 0 && saved.start !== now.start) {
    out.push("the network's weights, optimizer state or generator at the start of fit are not the run's (another seed, or trained before this fit?)");
  }
  for (const [what, value] of Object.entries(now.data)) {
    if (saved.data?.[what] !== value) out.push(`the ${what} differ (fingerprint ${value} here, ${saved.data?.[what]} in the checkpoint)`);
  }
  return out;
}

