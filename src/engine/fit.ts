// fit's loop: epochs of minibatches from a batch source (./batch-source.ts; today the training
// set packed into the arena once), driven straight on the engine, its state one plain object. Options arrive as a plan (src/validate/fit-options.ts) and the
// samples already split and checked (src/validate/training-data.ts), so nothing here can fail
// on an argument; what can fail is training itself (a non-finite loss) or a callback.
import { NonFiniteError } from '../errors.js';
import { monitorOf, type BatchLogs, type CheckpointEvery, type EpochLogs, type FitPlan, type LearningRateSchedule } from '../validate/fit-options.js';
import type { ParsedStep } from '../validate/step-options.js';
import type { Matrices, TrainingData } from '../validate/training-data.js';
import { ArraySource, type BatchSource, type SourcePosition } from './batch-source.js';
import type { Engine, Evaluation } from './engine.js';
import { CHUNK_ROWS } from './layout.js';

/** What fit and trainInWorker return: one entry per epoch in each list. */
export interface History {
  /** Epochs completed. */
  epochs: number;
  /** Training loss per epoch: the mean over its samples of each batch's loss before its update. */
  loss: number[];
  /** Training accuracy per epoch, with metrics: ['accuracy']. */
  accuracy: number[];
  /** Validation loss per epoch, after its updates (empty without validation data). */
  valLoss: number[];
  /** Validation accuracy per epoch, where targets are class labels (else empty). */
  valAccuracy: number[];
  /** The learning rate each epoch ran at, after learningRateSchedule. */
  learningRate: number[];
  /** The epoch (from 0) with the best monitored loss (valLoss when there is validation data, else loss); null before any. */
  bestEpoch: number | null;
  /** Why training ended. */
  stopped: 'completed' | 'aborted' | 'callback' | 'early-stopping' | 'error-threshold';
}

/** setImmediate where there is one (Node): setTimeout(0) waits at least a millisecond there. */
const yieldToEventLoop = (): Promise<void> =>
  new Promise((resolve) => (typeof setImmediate === 'function' ? setImmediate(resolve) : setTimeout(resolve, 0)));

/**
 * fit's loop between two batches, as one plain object: with the engine's parameters, optimizer
 * state and generator it is everything the rest of the run depends on, so a checkpoint can write
 * it and a resumed fit continue from it (src/persist/checkpoint.ts).
 */
export interface FitState {
  /** The epoch in progress, or the next one to start (from 0). */
  epoch: number;
  /** Batches of that epoch done; 0 = the epoch has not started (its order is not drawn yet). */
  batch: number;
  /** Samples of the epoch done, the sum of their losses (each batch's mean × its rows) and how many were classified right. */
  seen: number;
  lossSum: number;
  correct: number;
  /** The epoch's learning rate, after the schedule. */
  learningRate: number;
  /** The history so far; the one fit returns. */
  history: History;
  /** Early stopping: the best monitored value so far, epochs since it improved, the weights it was reached with (restoreBestWeights). */
  best: number;
  wait: number;
  bestParams: Float32Array | null;
  /** Where the batch source stands within the epoch. */
  source: SourcePosition;
}

/** The state of a fit that has not run a batch yet. */
export function startState(plan: FitPlan): FitState {
  return {
    epoch: 0,
    batch: 0,
    seen: 0,
    lossSum: 0,
    correct: 0,
    learningRate: plan.step.learningRate,
    history: { epochs: 0, loss: [], accuracy: [], valLoss: [], valAccuracy: [], learningRate: [], bestEpoch: null, stopped: 'completed' },
    best: Infinity,
    wait: 0,
    bestParams: null,
    source: { order: null },
  };
}

/** What a checkpointing fit adds to the loop (src/persist/checkpoint.ts). */
export interface FitRun {
  /** The state to run from, called once the data is packed: a resumed run's (the engine already restored) or a fresh one's. */
  start?: () => FitState;
  /** Checkpoints: how often, and how to write one (the state's source position just read); also called when the run is aborted. */
  checkpoint?: { every: CheckpointEvery; save(state: FitState): Promise<void> };
}

export async function runFit(engine: Engine, data: TrainingData, plan: FitPlan, label: string, run: FitRun = {}): Promise<History> {
  if (engine.training) throw new Error(`${label}: this network is already training; await that fit (or abort it) first`);
  const { train, validation } = data;
  const batchSize = Math.min(plan.batchSize, train.rows);
  // evaluate() on the validation set works in chunks of at most CHUNK_ROWS rows.
  engine.packTraining(train, Math.max(batchSize, validation ? Math.min(validation.rows, CHUNK_ROWS) : 0), label);
  engine.training = true;
  try {
    const source = new ArraySource(engine, train.rows, batchSize, plan.shuffle);
    const state = run.start?.() ?? startState(plan);
    state.history.stopped = 'completed'; // a checkpoint written at an abort says 'aborted'
    if (state.epoch > 0 || state.batch > 0) await source.seek(state.source, state.batch);
    return await runEpochs(engine, source, validation, plan, state, label, run.checkpoint ? new Checkpoints(run.checkpoint, source) : null);
  } finally {
    engine.training = false;
  }
}

/** Validation read as it streams (a dataset): the loss and accuracy over it after an epoch. */
export interface StreamedValidation {
  evaluate(): Promise<Evaluation>;
}

/** The epochs themselves, from state `s` on, once every option has been checked and the source is ready. */
export async function runEpochs(
  engine: Engine, source: BatchSource, validation: Matrices | StreamedValidation | null, p: FitPlan, s: FitState, label: string, saver: Checkpoints | null,
): Promise<History> {
  const history = s.history;
  const monitor = monitorOf(p, validation !== null);
  const minDelta = p.stopping?.minDelta ?? 0;
  const keepBest = p.stopping?.restoreBestWeights ?? false;
  const pacer = new Pacer(p.yieldEvery);
  // Weight decay's n is the training set's size; the schedule replaces the learning rate when it changes.
  let step: ParsedStep = { ...p.step, setSize: source.rows };
  const pause = async () => {
    await yieldToEventLoop();
    pacer.yielded();
    engine.live(label);
  };
  const restoreBest = () => {
    if (keepBest && s.bestParams && history.bestEpoch !== history.epochs - 1) engine.setParameters(s.bestParams);
  };

  while (s.epoch < p.epochs) {
    if (s.batch === 0) {
      s.learningRate = scheduledRate(p.step.learningRate, p.schedule, s.epoch);
      const started = source.startEpoch();
      if (started) await started;
    }
    if (s.learningRate !== step.learningRate) step = { ...step, learningRate: s.learningRate };
    for (;;) {
      let n = source.nextBatch();
      if (typeof n !== 'number') n = await n;
      if (n === 0) break;
      if (p.signal?.aborted) {
        history.stopped = 'aborted';
        // Between two batches a rerun continues right here; before the epoch's first, its order is drawn already: the last checkpoint stands.
        if (saver && s.batch > 0) await saver.save(s);
        return history;
      }
      let loss: number;
      try {
        loss = engine.step(n, step, label);
      } catch (e) {
        if (e instanceof NonFiniteError) throw new NonFiniteError(`${label}: epoch ${s.epoch + 1}, batch ${s.batch + 1}`, e.detail);
        throw e;
      }
      s.batch++;
      s.seen += n;
      s.lossSum += n * loss;
      if (p.onBatchEnd || p.accuracy) {
        const logs: BatchLogs = { epoch: s.epoch, loss, size: n };
        if (p.accuracy) {
          const c = engine.batchCorrect(n);
          s.correct += c;
          logs.accuracy = c / n;
        }
        let result: unknown = p.onBatchEnd?.(s.batch - 1, logs);
        if (isThenable(result)) result = await result;
        if (result === false) {
          history.stopped = 'callback';
          return history;
        }
        engine.live(label); // the callback may have disposed the network
      }
      if (pacer.dueAfterBatch()) await pause();
      if (saver !== null && saver.dueAfterBatch()) await saver.save(s);
    }

    const epoch = s.epoch;
    const logs: EpochLogs = { loss: s.lossSum / s.seen, learningRate: s.learningRate };
    history.loss.push(logs.loss);
    history.learningRate.push(s.learningRate);
    if (p.accuracy) history.accuracy.push((logs.accuracy = s.correct / s.seen));
    if (validation) {
      const v = 'evaluate' in validation ? await validation.evaluate() : engine.evaluate(validation.x, validation.y, validation.rows, `${label}: validationData: inputs`);
      history.valLoss.push((logs.valLoss = v.loss));
      if (v.accuracy !== undefined) history.valAccuracy.push((logs.valAccuracy = v.accuracy));
    }
    history.epochs = epoch + 1;
    const value = monitor === 'valLoss' ? logs.valLoss! : logs.loss;
    if (value < s.best - minDelta) {
      s.best = value;
      history.bestEpoch = epoch;
      s.wait = 0;
      if (keepBest) s.bestParams = engine.parameters(s.bestParams ?? undefined);
    } else {
      s.wait++;
    }
    s.epoch = epoch + 1;
    s.batch = s.seen = s.lossSum = s.correct = 0;
    if (p.onEpochEnd) {
      if ((await p.onEpochEnd(epoch, logs)) === false) {
        history.stopped = 'callback';
        return history;
      }
      engine.live(label);
    }
    if (p.errorThreshold !== null && logs.loss < p.errorThreshold) {
      history.stopped = 'error-threshold';
      return history;
    }
    // As Keras: patience 0 and 1 both stop at the first epoch that does not improve.
    if (p.stopping && s.wait > 0 && s.wait >= p.stopping.patience) {
      history.stopped = 'early-stopping';
      restoreBest();
      return history;
    }
    if (pacer.due()) await pause();
    if (saver !== null && s.epoch < p.epochs && saver.dueAfterEpoch()) await saver.save(s);
  }
  // Unlike Keras, running out of epochs also ends on the best weights: that is what early stopping was asked for.
  if (p.stopping) restoreBest();
  return history;
}

/**
 * When fit should let the event loop run: once `every` ms have passed since it last did. A clock
 * read costs about 0.1 µs and a tiny batch about 1 µs, so after fast batches the clock is read
 * only every few batches, about ten times per `every` ms.
 */
class Pacer {
  private last = performance.now();
  private checked = this.last;
  private stride = 1;
  private countdown = 1;

  constructor(private readonly every: number) {}

  dueAfterBatch(): boolean {
    if (--this.countdown > 0) return false;
    const now = performance.now();
    const perBatch = (now - this.checked) / this.stride;
    this.checked = now;
    this.stride = Math.max(1, Math.min(1024, Math.floor(this.every / 10 / Math.max(perBatch, 1e-6))));
    this.countdown = this.stride;
    return now - this.last >= this.every;
  }

  due(): boolean {
    return performance.now() - this.last >= this.every;
  }

  yielded(): void {
    this.last = this.checked = performance.now();
  }
}

/** When checkpoints are due, and writing one with the source's position read at that moment. */
class Checkpoints {
  private readonly clock: Pacer | null;
  private batches = 0;
  private epochs = 0;

  constructor(private readonly hook: NonNullable<FitRun['checkpoint']>, private readonly source: BatchSource) {
    this.clock = 'seconds' in hook.every ? new Pacer(hook.every.seconds * 1000) : null;
  }

  dueAfterBatch(): boolean {
    const every = this.hook.every;
    if (this.clock) return this.clock.dueAfterBatch();
    return 'batches' in every && ++this.batches % every.batches === 0;
  }

  dueAfterEpoch(): boolean {
    const every = this.hook.every;
    return 'epochs' in every && ++this.epochs % every.epochs === 0;
  }

  async save(state: FitState): Promise<void> {
    state.source = this.source.position();
    await this.hook.save(state);
    this.clock?.yielded();
  }
}

/** Whether a callback returned a promise: only then is it awaited (a microtask per batch adds up on tiny batches). */
function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && typeof value === 'object' && typeof (value as { then?: unknown }).then === 'function';
}

function scheduledRate(learningRate: number, schedule: LearningRateSchedule | null, epoch: number): number {
  if (schedule === null) return learningRate;
  if (schedule.type === 'step') return learningRate * schedule.factor ** Math.floor(epoch / schedule.every);
  return learningRate * schedule.rate ** epoch;
}
