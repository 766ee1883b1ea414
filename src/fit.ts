import type { Samples } from './samples.js';
import { copyOfRows, describe } from './samples.js';
import { parseStepOptions, STEP_KEYS, NonFiniteError, type ParsedStep, type StepOptions } from './step.js';
import type { Evaluation } from './network.js';
import { CHUNK_ROWS } from './layout.js';
import { oneOf, plainObject, rejectUnknownKeys } from './options.js';

export interface BatchLogs {
  /** The epoch this batch belongs to (from 0). */
  epoch: number;
  /** The batch's mean loss, computed before its update. */
  loss: number;
  /** Samples in the batch (the last one of an epoch may be short). */
  size: number;
  /** Fraction of the batch classified right, before its update (with metrics: ['accuracy']). */
  accuracy?: number;
}

export interface EpochLogs {
  /** Mean training loss over the epoch's batches (weighted by batch size), each before its update. */
  loss: number;
  /** Training accuracy over the epoch's batches, each before its update (with metrics: ['accuracy']). */
  accuracy?: number;
  valLoss?: number;
  valAccuracy?: number;
  /** The learning rate this epoch ran with (after the schedule). */
  learningRate: number;
}

export type Metric = 'accuracy';

export interface EarlyStoppingOptions {
  /** What must improve: 'valLoss' (the default when there is validation data) or 'loss'. */
  monitor?: 'valLoss' | 'loss';
  /** Epochs in a row without improvement before training stops (default 0: the first one, as Keras). */
  patience?: number;
  /** An epoch improves when its value is below the best so far by more than this (default 0). */
  minDelta?: number;
  /** Put back the weights of the best epoch when training ends on its own (default true). */
  restoreBestWeights?: boolean;
}

/**
 * The learning rate of epoch e (from 0 within this fit): 'step' multiplies η by `factor` every
 * `every` epochs, η·factor^⌊e/every⌋; 'exponential' gives η·rate^e.
 */
export type LearningRateSchedule =
  | { type: 'step'; every: number; factor: number }
  | { type: 'exponential'; rate: number };

export interface FitOptions extends StepOptions {
  /** Passes over the training data (default 1, as Keras). */
  epochs?: number;
  /** Samples per gradient step: 1 = online, ≥ n = full batch (default 32, as Keras). */
  batchSize?: number;
  /** Reshuffle the samples every epoch with the network's seeded generator (default true). */
  shuffle?: boolean;
  /** Hold out this fraction of the samples (the last ones, before shuffling) for validation. */
  validationSplit?: number;
  /** Explicit validation samples [inputs, targets]; takes precedence over validationSplit. */
  validationData?: [Samples, Samples];
  /** ['accuracy'] records training accuracy per epoch (targets must be class labels). */
  metrics?: Metric[];
  /** Stop when the monitored loss stops improving. */
  earlyStopping?: EarlyStoppingOptions;
  /** Stop once an epoch's training loss is below this (brain.js' errorThresh). */
  errorThreshold?: number;
  learningRateSchedule?: LearningRateSchedule;
  /** Called after every epoch; return false to stop training. */
  onEpochEnd?: (epoch: number, logs: EpochLogs) => void | boolean | Promise<void | boolean>;
  /** Called after every batch's update (batch counted from 0 in its epoch); return false to stop training. */
  onBatchEnd?: (batch: number, logs: BatchLogs) => void | boolean | Promise<void | boolean>;
  /** Abort between batches; fit then resolves with the history so far. */
  signal?: AbortSignal;
  /** Longest stretch, in ms, fit computes before letting the event loop run (default 15; 0 yields after every batch). */
  yieldEvery?: number;
}

export interface History {
  /** Epochs completed. */
  epochs: number;
  loss: number[];
  /** Training accuracy per epoch, with metrics: ['accuracy']. */
  accuracy: number[];
  valLoss: number[];
  valAccuracy: number[];
  learningRate: number[];
  /** The epoch (from 0) with the best monitored loss (valLoss when there is validation data, else loss); null before any. */
  bestEpoch: number | null;
  /** Why training ended. */
  stopped: 'completed' | 'aborted' | 'callback' | 'early-stopping' | 'error-threshold';
}

/** What fit needs from the network. */
export interface Trainer {
  /** The network itself: fit refuses to start a second run on it while one is running. */
  readonly owner: object;
  inputs: number;
  outputs: number;
  matrices(x: Samples, y: Samples, label: string): { x: Float32Array; y: Float32Array; rows: number };
  /** Whether targets are class labels: 0/1, one-hot rows for several outputs. */
  hasClassLabels(y: Float32Array): boolean;
  /** fit's samples, checked for shape; inputs may be left for packTraining to check (see TrainingSamples). */
  trainingSamples(x: Samples, y: Samples): TrainingSamples;
  /** Copy the training set into the backend's memory once, with room for batches of maxBatch rows (and check its inputs). */
  packTraining(set: TrainingSamples, maxBatch: number): void;
  /** Shuffle the packed set's row order in place with the network's seeded generator. */
  shuffleOrder(rows: number): void;
  /** Put rows order[start, start + n) into the batch buffers. */
  loadBatch(start: number, n: number): void;
  step(rows: number, step: ParsedStep, label: string): number;
  /** Of the n samples the last step ran forward, how many its outputs (from before the update) classify right. */
  batchCorrect(n: number): number;
  /** The flat parameter vector, copied into `into` when given (else a new array). */
  snapshot(into?: Float32Array): Float32Array;
  /** Put back parameters taken by snapshot. */
  restore(params: Float32Array): void;
  evaluate(x: Float32Array, y: Float32Array): Evaluation;
  live(label: string): void;
}

/** Longest stretch fit computes without letting the event loop run (about one animation frame). */
const YIELD_MS = 15;

/** setImmediate where there is one (Node): setTimeout(0) waits at least a millisecond there. */
const yieldToEventLoop = (): Promise<void> =>
  new Promise((resolve) => (typeof setImmediate === 'function' ? setImmediate(resolve) : setTimeout(resolve, 0)));

const FIT_KEYS = [
  ...STEP_KEYS, 'epochs', 'batchSize', 'shuffle', 'validationSplit', 'validationData', 'metrics', 'earlyStopping',
  'errorThreshold', 'learningRateSchedule', 'onEpochEnd', 'onBatchEnd', 'signal', 'yieldEvery',
];

/** The history keeps a loss per epoch: far beyond this its arrays hit V8's size limit, which kills the process. */
export const MAX_EPOCHS = 10_000_000;

/** Networks in the middle of a fit: a second fit would overwrite the packed training set. */
const running = new WeakSet<object>();

export async function fitNetwork(t: Trainer, inputs: Samples, targets: Samples, options: FitOptions): Promise<History> {
  const base = parseStepOptions(options, 'fit', FIT_KEYS);
  const epochs = wholeNumber(options.epochs ?? 1, 'epochs', 0, MAX_EPOCHS);
  const batchRequest = wholeNumber(options.batchSize ?? 32, 'batchSize', 1);
  const shuffle = options.shuffle ?? true;
  if (typeof shuffle !== 'boolean') throw new TypeError(`fit: shuffle: expected true or false, got ${describe(shuffle)}`);
  for (const key of ['onEpochEnd', 'onBatchEnd'] as const) {
    if (options[key] !== undefined && typeof options[key] !== 'function') {
      throw new TypeError(`fit: ${key}: expected a function, got ${describe(options[key])}`);
    }
  }
  const signal = options.signal;
  if (signal !== undefined && (typeof signal !== 'object' || signal === null || typeof signal.aborted !== 'boolean')) {
    throw new TypeError(`fit: signal: expected an AbortSignal, got ${describe(signal)}`);
  }
  const accuracy = parseMetrics(options.metrics);
  const stopping = parseEarlyStopping(options.earlyStopping);
  const threshold = options.errorThreshold === undefined ? null : positive(options.errorThreshold, 'errorThreshold');
  const schedule = parseSchedule(options.learningRateSchedule);
  const yieldEvery = options.yieldEvery ?? YIELD_MS;
  if (typeof yieldEvery !== 'number' || !(yieldEvery >= 0)) {
    throw new RangeError(`fit: yieldEvery: expected a number of milliseconds ≥ 0, got ${describe(yieldEvery)}`);
  }
  if (running.has(t.owner)) throw new Error('fit: this network is already training; await that fit (or abort it) first');

  const all = t.trainingSamples(inputs, targets);
  const { train, validation } = splitValidation(t, all, options);
  const monitor = stopping?.monitor ?? (validation ? 'valLoss' : 'loss');
  if (monitor === 'valLoss' && !validation) {
    throw new TypeError(`fit: earlyStopping.monitor: 'valLoss' needs validationData or a validationSplit that holds out at least one sample`);
  }
  if (accuracy && !t.hasClassLabels(train.y)) {
    throw new TypeError(`fit: metrics: 'accuracy' needs class-label targets (0 or 1, one-hot rows for several outputs)`);
  }
  const batchSize = Math.min(batchRequest, train.rows);
  // evaluate() on the validation set works in chunks of at most CHUNK_ROWS rows.
  t.packTraining(train, Math.max(batchSize, validation ? Math.min(validation.rows, CHUNK_ROWS) : 0));

  running.add(t.owner);
  try {
    return await runEpochs(t, train.rows, validation, {
      base, epochs, batchSize, shuffle, signal, accuracy, stopping, monitor, threshold, schedule, yieldEvery,
      onEpochEnd: options.onEpochEnd, onBatchEnd: options.onBatchEnd,
    });
  } finally {
    running.delete(t.owner);
  }
}

interface Plan {
  base: ParsedStep;
  epochs: number;
  batchSize: number;
  shuffle: boolean;
  signal: AbortSignal | undefined;
  accuracy: boolean;
  stopping: Stopping | null;
  monitor: 'valLoss' | 'loss';
  threshold: number | null;
  schedule: LearningRateSchedule | null;
  yieldEvery: number;
  onEpochEnd: FitOptions['onEpochEnd'];
  onBatchEnd: FitOptions['onBatchEnd'];
}

/** The epochs themselves, once every option has been checked and the data packed. */
async function runEpochs(t: Trainer, rows: number, validation: Matrices | null, p: Plan): Promise<History> {
  const history: History = { epochs: 0, loss: [], accuracy: [], valLoss: [], valAccuracy: [], learningRate: [], bestEpoch: null, stopped: 'completed' };
  const minDelta = p.stopping?.minDelta ?? 0;
  const keepBest = p.stopping?.restoreBestWeights ?? false;
  let best = Infinity;
  let bestParams: Float32Array | null = null;
  let wait = 0;
  const pacer = new Pacer(p.yieldEvery);
  // Weight decay's n is the training set's size; the schedule replaces the learning rate when it changes.
  let step: ParsedStep = { ...p.base, setSize: rows };
  const pause = async () => {
    await yieldToEventLoop();
    pacer.yielded();
    t.live('fit');
  };
  const restoreBest = () => {
    if (keepBest && bestParams && history.bestEpoch !== history.epochs - 1) t.restore(bestParams);
  };

  for (let epoch = 0; epoch < p.epochs; epoch++) {
    const learningRate = scheduledRate(p.base.learningRate, p.schedule, epoch);
    if (learningRate !== step.learningRate) step = { ...step, learningRate };
    if (p.shuffle) t.shuffleOrder(rows);
    let lossSum = 0;
    let correct = 0;
    for (let start = 0, batch = 0; start < rows; start += p.batchSize, batch++) {
      if (p.signal?.aborted) {
        history.stopped = 'aborted';
        return history;
      }
      const n = Math.min(p.batchSize, rows - start);
      t.loadBatch(start, n);
      let loss: number;
      try {
        loss = t.step(n, step, 'fit');
      } catch (e) {
        if (e instanceof NonFiniteError) throw new NonFiniteError(`fit: epoch ${epoch + 1}, batch ${batch + 1}`, e.detail);
        throw e;
      }
      lossSum += n * loss;
      if (p.onBatchEnd || p.accuracy) {
        const logs: BatchLogs = { epoch, loss, size: n };
        if (p.accuracy) {
          const c = t.batchCorrect(n);
          correct += c;
          logs.accuracy = c / n;
        }
        let result: unknown = p.onBatchEnd?.(batch, logs);
        if (isThenable(result)) result = await result;
        if (result === false) {
          history.stopped = 'callback';
          return history;
        }
        t.live('fit'); // the callback may have disposed the network
      }
      if (pacer.dueAfterBatch()) await pause();
    }

    const logs: EpochLogs = { loss: lossSum / rows, learningRate };
    history.loss.push(logs.loss);
    history.learningRate.push(learningRate);
    if (p.accuracy) history.accuracy.push((logs.accuracy = correct / rows));
    if (validation) {
      const v = t.evaluate(validation.x, validation.y);
      history.valLoss.push((logs.valLoss = v.loss));
      if (v.accuracy !== undefined) history.valAccuracy.push((logs.valAccuracy = v.accuracy));
    }
    history.epochs = epoch + 1;
    const value = p.monitor === 'valLoss' ? logs.valLoss! : logs.loss;
    if (value < best - minDelta) {
      best = value;
      history.bestEpoch = epoch;
      wait = 0;
      if (keepBest) bestParams = t.snapshot(bestParams ?? undefined);
    } else {
      wait++;
    }
    if (p.onEpochEnd) {
      if ((await p.onEpochEnd(epoch, logs)) === false) {
        history.stopped = 'callback';
        return history;
      }
      t.live('fit');
    }
    if (p.threshold !== null && logs.loss < p.threshold) {
      history.stopped = 'error-threshold';
      return history;
    }
    // As Keras: patience 0 and 1 both stop at the first epoch that does not improve.
    if (p.stopping && wait > 0 && wait >= p.stopping.patience) {
      history.stopped = 'early-stopping';
      restoreBest();
      return history;
    }
    if (pacer.due()) await pause();
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

/** Whether a callback returned a promise: only then is it awaited (a microtask per batch adds up on tiny batches). */
function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && typeof value === 'object' && typeof (value as { then?: unknown }).then === 'function';
}

function scheduledRate(learningRate: number, schedule: LearningRateSchedule | null, epoch: number): number {
  if (schedule === null) return learningRate;
  if (schedule.type === 'step') return learningRate * schedule.factor ** Math.floor(epoch / schedule.every);
  return learningRate * schedule.rate ** epoch;
}

type Matrices = { x: Float32Array; y: Float32Array; rows: number };

/**
 * fit's samples as matrices. `x` may be the caller's own Float32Array, not yet checked for NaN
 * or infinities (inputsChecked false): it is copied into the arena anyway, and checked there.
 */
export type TrainingSamples = Matrices & { inputsChecked: boolean };

function splitValidation(t: Trainer, all: TrainingSamples, options: FitOptions): { train: TrainingSamples; validation: Matrices | null } {
  if (options.validationData !== undefined) {
    const vd = options.validationData;
    if (!Array.isArray(vd) || vd.length !== 2) {
      throw new TypeError(`fit: validationData: expected [inputs, targets], got ${describe(vd)}`);
    }
    return { train: all, validation: t.matrices(vd[0], vd[1], 'fit: validationData') };
  }
  const split = options.validationSplit ?? 0;
  if (typeof split !== 'number' || !(split >= 0 && split < 1)) {
    throw new RangeError(`fit: validationSplit: expected a fraction in [0, 1), got ${describe(split)}`);
  }
  const held = Math.floor(all.rows * split);
  if (held === 0) return { train: all, validation: null };
  const kept = all.rows - held;
  if (kept === 0) throw new RangeError(`fit: validationSplit ${split} leaves no training samples out of ${all.rows}`);
  // The held-out inputs are copied (and so checked) here: they are read again after every epoch.
  const validationX = all.inputsChecked ? all.x.subarray(kept * t.inputs) : copyOfRows(all.x, t.inputs, held, 'fit: inputs', kept);
  return {
    train: { x: all.x.subarray(0, kept * t.inputs), y: all.y.subarray(0, kept * t.outputs), rows: kept, inputsChecked: all.inputsChecked },
    validation: { x: validationX, y: all.y.subarray(kept * t.outputs), rows: held },
  };
}

function parseMetrics(value: unknown): boolean {
  if (value === undefined) return false;
  if (!Array.isArray(value)) throw new TypeError(`fit: metrics: expected an array such as ['accuracy'], got ${describe(value)}`);
  value.forEach((m, i) => oneOf(m, ['accuracy'], `fit: metrics[${i}]`));
  return value.length > 0;
}

type Stopping = Required<Omit<EarlyStoppingOptions, 'monitor'>> & Pick<EarlyStoppingOptions, 'monitor'>;

function parseEarlyStopping(value: unknown): Stopping | null {
  if (value === undefined) return null;
  const label = 'fit: earlyStopping';
  const o = plainObject(value, label);
  rejectUnknownKeys(o, ['monitor', 'patience', 'minDelta', 'restoreBestWeights'], label);
  const restoreBestWeights = o.restoreBestWeights ?? true;
  if (typeof restoreBestWeights !== 'boolean') {
    throw new TypeError(`${label}.restoreBestWeights: expected true or false, got ${describe(restoreBestWeights)}`);
  }
  const minDelta = o.minDelta ?? 0;
  if (typeof minDelta !== 'number' || !Number.isFinite(minDelta) || minDelta < 0) {
    throw new RangeError(`${label}.minDelta: expected a finite number ≥ 0, got ${describe(minDelta)}`);
  }
  return {
    monitor: o.monitor === undefined ? undefined : oneOf(o.monitor, ['valLoss', 'loss'] as const, `${label}.monitor`),
    patience: wholeNumber(o.patience ?? 0, 'earlyStopping.patience', 0),
    minDelta,
    restoreBestWeights,
  };
}

function parseSchedule(value: unknown): LearningRateSchedule | null {
  if (value === undefined) return null;
  const label = 'fit: learningRateSchedule';
  const o = plainObject(value, label);
  const type = oneOf(o.type, ['step', 'exponential'] as const, `${label}.type`);
  if (type === 'step') {
    rejectUnknownKeys(o, ['type', 'every', 'factor'], label);
    return { type, every: wholeNumber(o.every, 'learningRateSchedule.every', 1), factor: positive(o.factor, 'learningRateSchedule.factor') };
  }
  rejectUnknownKeys(o, ['type', 'rate'], label);
  return { type, rate: positive(o.rate, 'learningRateSchedule.rate') };
}

function positive(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new RangeError(`fit: ${name}: expected a finite number > 0, got ${shown(value)}`);
  }
  return value;
}

function wholeNumber(value: unknown, name: string, min: number, max = Infinity): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new RangeError(`fit: ${name}: expected a whole number ≥ ${min}, got ${shown(value)}`);
  }
  if (value > max) throw new RangeError(`fit: ${name}: expected at most ${max}, got ${shown(value)}`);
  return value;
}

/** describe() for values that may be missing from an options object. */
const shown = (value: unknown): string => (value === undefined ? 'undefined' : describe(value));
