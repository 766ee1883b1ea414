// fit's options, parsed into a plan before any work starts: the same parse runs for fit, and for
// trainInWorker on the calling thread, so both reject bad options with the same messages.
import type { Samples } from './samples.js';
import { parseStepOptions, STEP_KEYS, type ParsedStep, type StepOptions } from './step-options.js';
import { boolean, describe, nonNegative, oneOf, optionalFunction, optionalSignal, optionsObject, plainObject, positive, wholeNumber } from './values.js';

/** What onBatchEnd gets after each batch's update. */
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

/** What onEpochEnd (and trainInWorker's onProgress) gets after each epoch. */
export interface EpochLogs {
  /** Mean training loss over the epoch's batches (weighted by batch size), each before its update. */
  loss: number;
  /** Training accuracy over the epoch's batches, each before its update (with metrics: ['accuracy']). */
  accuracy?: number;
  /** Loss on the validation data after this epoch's updates (with validation data). */
  valLoss?: number;
  /** Accuracy on the validation data after this epoch's updates (with validation data and class-label targets). */
  valAccuracy?: number;
  /** The learning rate this epoch ran with (after the schedule). */
  learningRate: number;
}

/** A metric fit can record per epoch besides the loss. */
export type Metric = 'accuracy';

/** FitOptions.earlyStopping: when to stop because the monitored loss stopped improving. */
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
  | {
      /** Multiply η by `factor` every `every` epochs. */
      type: 'step';
      /** Epochs between two cuts (a whole number ≥ 1). */
      every: number;
      /** What η is multiplied by at each cut (e.g. 0.5). */
      factor: number;
    }
  | {
      /** Multiply η by `rate` every epoch. */
      type: 'exponential';
      /** What η is multiplied by each epoch (e.g. 0.9). */
      rate: number;
    };

/** How often a checkpoint is written: every n batches, every n epochs, or once at least s seconds have passed (checked between batches). */
export type CheckpointEvery =
  | {
      /** After every n-th batch (a whole number ≥ 1). */
      batches: number;
    }
  | {
      /** After every n-th epoch (a whole number ≥ 1). */
      epochs: number;
    }
  | {
      /** After the first batch that ends at least s seconds after the last checkpoint. */
      seconds: number;
    };

/**
 * FitOptions.checkpoint: where fit keeps a checkpoint, so that calling the same fit again after
 * a crash resumes and ends bit-identical to a run never interrupted. Give `path` (Node) or a
 * `save`/`load` pair (a browser: IndexedDB, say).
 */
export interface CheckpointOptions {
  /** The checkpoint file (Node); the one before it is kept beside it as `<path>.prev`. */
  path?: string;
  /** Store a checkpoint's bytes (replacing the last one), instead of a path. */
  save?: (bytes: Uint8Array) => void | Promise<void>;
  /** The bytes `save` stored last, or null/undefined when there are none. */
  load?: () => Uint8Array | null | undefined | Promise<Uint8Array | null | undefined>;
  /** Forget the stored checkpoint (called when the run is over unless keep); without it, the finished run's checkpoint is saved instead. */
  remove?: () => void | Promise<void>;
  /** How often to write one: `{ batches: n }`, `{ epochs: n }` or `{ seconds: s }` (default `{ seconds: 30 }`). Also written when fit is aborted. */
  every?: CheckpointEvery;
  /** Keep the last checkpoint when the run is over (default false: it is removed); calling fit again then returns its result without training. */
  keep?: boolean;
  /** Told when a damaged checkpoint was skipped for the one before it, or the kernels differ from the ones it was written with (default console.warn). */
  onWarning?: (message: string) => void;
}

/** Options of Network.fit: how long and on what to train, with the optimizer options of StepOptions. */
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
  /** Change the learning rate from epoch to epoch (default: constant). */
  learningRateSchedule?: LearningRateSchedule;
  /** Called after every epoch; return false to stop training. */
  onEpochEnd?: (epoch: number, logs: EpochLogs) => void | boolean | Promise<void | boolean>;
  /** Called after every batch's update (batch counted from 0 in its epoch); return false to stop training. */
  onBatchEnd?: (batch: number, logs: BatchLogs) => void | boolean | Promise<void | boolean>;
  /** Abort between batches; fit then resolves with the history so far. */
  signal?: AbortSignal;
  /** Longest stretch, in ms, fit computes before letting the event loop run (default 15; 0 yields after every batch). */
  yieldEvery?: number;
  /** Write checkpoints as training goes, and resume from the last one (see CheckpointOptions). */
  checkpoint?: CheckpointOptions;
}

/** Options of Network.trainInWorker: fit's options that are data, with onProgress and signal in place of the callbacks. */
export interface TrainInWorkerOptions extends Omit<FitOptions, 'onEpochEnd' | 'onBatchEnd' | 'signal'> {
  /** Called on the caller's thread after each epoch the worker finishes (epoch counts from 0, as onEpochEnd). */
  onProgress?: (epoch: number, logs: EpochLogs) => void;
  /**
   * Stop training: the worker stops between batches (at the next one where SharedArrayBuffer
   * exists, else once fit next lets the worker's event loop run, within yieldEvery ms), the
   * weights trained so far are kept, and the history says 'aborted', as fit.
   */
  signal?: AbortSignal;
}

export type Stopping = Required<Omit<EarlyStoppingOptions, 'monitor'>> & Pick<EarlyStoppingOptions, 'monitor'>;

/** fit's options, every one checked and defaulted. */
export interface FitPlan {
  /** The optimizer step as trainStep takes it; the schedule and the set size refine it per epoch. */
  step: ParsedStep;
  epochs: number;
  /** As asked: fit caps it at the training set's size. */
  batchSize: number;
  shuffle: boolean;
  validationSplit: number;
  /** Still the caller's samples: their shapes are checked with the training data's. */
  validationData: [Samples, Samples] | null;
  accuracy: boolean;
  stopping: Stopping | null;
  errorThreshold: number | null;
  schedule: LearningRateSchedule | null;
  yieldEvery: number;
  onEpochEnd: FitOptions['onEpochEnd'];
  onBatchEnd: FitOptions['onBatchEnd'];
  signal: AbortSignal | undefined;
  checkpoint: CheckpointPlan | null;
}

/** FitOptions.checkpoint, checked: a file or a store, how often, whether to keep it, where warnings go. */
export interface CheckpointPlan {
  path: string | null;
  store: { save: NonNullable<CheckpointOptions['save']>; load: NonNullable<CheckpointOptions['load']>; remove: CheckpointOptions['remove'] } | null;
  every: CheckpointEvery;
  keep: boolean;
  onWarning: (message: string) => void;
}

/** What early stopping and bestEpoch watch: as asked, else valLoss where there is validation data, else loss. */
export function monitorOf(plan: FitPlan, hasValidation: boolean): 'valLoss' | 'loss' {
  return plan.stopping?.monitor ?? (hasValidation ? 'valLoss' : 'loss');
}

/** The history keeps a loss per epoch: far beyond this its arrays hit V8's size limit, which kills the process. */
export const MAX_EPOCHS = 10_000_000;

/** Longest stretch fit computes without letting the event loop run (about one animation frame). */
const YIELD_MS = 15;

export const FIT_KEYS: readonly string[] = [
  ...STEP_KEYS, 'epochs', 'batchSize', 'shuffle', 'validationSplit', 'validationData', 'metrics', 'earlyStopping',
  'errorThreshold', 'learningRateSchedule', 'onEpochEnd', 'onBatchEnd', 'signal', 'yieldEvery', 'checkpoint',
];
// fit's callbacks are known here only to say that functions cannot cross to the worker.
const WORKER_KEYS: readonly string[] = [...FIT_KEYS, 'onProgress'];

export function parseFitOptions(options: unknown, label = 'fit', known = FIT_KEYS): FitPlan {
  const step = parseStepOptions(options, label, known);
  const o = options as Record<string, unknown>;
  const at = (name: string) => `${label}: ${name}`;
  return {
    step,
    epochs: wholeNumber(o.epochs ?? 1, at('epochs'), 0, MAX_EPOCHS),
    batchSize: wholeNumber(o.batchSize ?? 32, at('batchSize'), 1),
    shuffle: boolean(o.shuffle ?? true, at('shuffle')),
    validationSplit: validationSplit(o.validationSplit, at('validationSplit')),
    validationData: validationData(o.validationData, at('validationData')),
    accuracy: metrics(o.metrics, at('metrics')),
    stopping: earlyStopping(o.earlyStopping, at('earlyStopping')),
    errorThreshold: o.errorThreshold === undefined ? null : positive(o.errorThreshold, at('errorThreshold')),
    schedule: schedule(o.learningRateSchedule, at('learningRateSchedule')),
    yieldEvery: milliseconds(o.yieldEvery ?? YIELD_MS, at('yieldEvery')),
    onEpochEnd: optionalFunction(o.onEpochEnd, at('onEpochEnd')),
    onBatchEnd: optionalFunction(o.onBatchEnd, at('onBatchEnd')),
    signal: optionalSignal(o.signal, at('signal')),
    checkpoint: checkpoint(o.checkpoint, at('checkpoint')),
  };
}

/** trainInWorker's options: fit's that are data, checked on the calling thread, and the two it handles itself. */
export function parseTrainInWorkerOptions(options: unknown, label: string): {
  plan: FitPlan;
  /** What the worker is sent (and parses again into the same plan): every option but the validation set, which goes split and copied, and the two below. */
  data: Record<string, unknown>;
  onProgress: TrainInWorkerOptions['onProgress'];
  signal: AbortSignal | undefined;
  /** Where the worker's checkpoint warnings go, on this thread. */
  onWarning: (message: string) => void;
} {
  const { onProgress, signal, ...rest } = optionsObject(options, WORKER_KEYS, `${label}: options`);
  for (const [key, value] of Object.entries(rest)) {
    if (typeof value === 'function') {
      throw new TypeError(`${label}: ${key}: a function cannot be sent to the worker; use onProgress(epoch, logs) for progress`);
    }
  }
  const { validationData: _held, validationSplit: _split, ...data } = rest;
  const plan = parseFitOptions(rest, label);
  if (plan.checkpoint?.store) throw new TypeError(`${label}: checkpoint: save and load are functions, which cannot be sent to the worker; give a path, or use fit`);
  if (plan.checkpoint) {
    const { onWarning: _here, ...sent } = rest.checkpoint as CheckpointOptions;
    data.checkpoint = sent;
  }
  return {
    plan,
    data,
    onProgress: optionalFunction(onProgress, `${label}: onProgress`),
    signal: optionalSignal(signal, `${label}: signal`, true),
    onWarning: plan.checkpoint?.onWarning ?? ((message) => console.warn(message)),
  };
}

/** Checkpoints every 30 s by default: writing one takes milliseconds, and a crash loses at most half a minute. */
const CHECKPOINT_SECONDS = 30;

function checkpoint(value: unknown, label: string): CheckpointPlan | null {
  if (value === undefined) return null;
  const o = optionsObject(value, ['path', 'save', 'load', 'remove', 'every', 'keep', 'onWarning'], label);
  const store = o.save !== undefined || o.load !== undefined || o.remove !== undefined;
  if (o.path !== undefined && store) throw new TypeError(`${label}: expected either path or save and load, got both`);
  if (o.path === undefined && !store) throw new TypeError(`${label}: expected path (a file) or save and load (a store of bytes), got neither`);
  if (o.path !== undefined && (typeof o.path !== 'string' || o.path === '')) throw new TypeError(`${label}.path: expected a file path, got ${describe(o.path)}`);
  let save, load;
  if (store) {
    save = optionalFunction<NonNullable<CheckpointOptions['save']>>(o.save, `${label}.save`);
    load = optionalFunction<NonNullable<CheckpointOptions['load']>>(o.load, `${label}.load`);
    if (!save || !load) throw new TypeError(`${label}: expected both save and load functions, got ${save ? 'no load' : 'no save'}`);
  }
  return {
    path: (o.path as string | undefined) ?? null,
    store: save && load ? { save, load, remove: optionalFunction<CheckpointOptions['remove']>(o.remove, `${label}.remove`) } : null,
    every: checkpointEvery(o.every, `${label}.every`),
    keep: boolean(o.keep ?? false, `${label}.keep`),
    onWarning: optionalFunction<(message: string) => void>(o.onWarning, `${label}.onWarning`) ?? ((message) => console.warn(message)),
  };
}

function checkpointEvery(value: unknown, label: string): CheckpointEvery {
  if (value === undefined) return { seconds: CHECKPOINT_SECONDS };
  const o = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const keys = Object.keys(o);
  if (Array.isArray(value) || keys.length !== 1 || !['batches', 'epochs', 'seconds'].includes(keys[0])) {
    throw new TypeError(`${label}: expected one of { batches: n }, { epochs: n }, { seconds: s }, got ${describe(value)}`);
  }
  if ('seconds' in o) return { seconds: nonNegative(o.seconds, `${label}.seconds`) };
  if ('batches' in o) return { batches: wholeNumber(o.batches, `${label}.batches`, 1) };
  return { epochs: wholeNumber(o.epochs, `${label}.epochs`, 1) };
}

function milliseconds(value: unknown, label: string): number {
  if (typeof value !== 'number' || !(value >= 0)) throw new RangeError(`${label}: expected a number of milliseconds ≥ 0, got ${describe(value)}`);
  return value;
}

function validationSplit(value: unknown, label: string): number {
  const split = value ?? 0;
  if (typeof split !== 'number' || !(split >= 0 && split < 1)) throw new RangeError(`${label}: expected a fraction in [0, 1), got ${describe(split)}`);
  return split;
}

function validationData(value: unknown, label: string): [Samples, Samples] | null {
  if (value === undefined) return null;
  if (!Array.isArray(value) || value.length !== 2) throw new TypeError(`${label}: expected [inputs, targets], got ${describe(value)}`);
  return value as [Samples, Samples];
}

function metrics(value: unknown, label: string): boolean {
  if (value === undefined) return false;
  if (!Array.isArray(value)) throw new TypeError(`${label}: expected an array such as ['accuracy'], got ${describe(value)}`);
  value.forEach((m, i) => oneOf(m, ['accuracy'], `${label}[${i}]`));
  return value.length > 0;
}

function earlyStopping(value: unknown, label: string): Stopping | null {
  if (value === undefined) return null;
  const o = optionsObject(value, ['monitor', 'patience', 'minDelta', 'restoreBestWeights'], label);
  return {
    monitor: o.monitor === undefined ? undefined : oneOf(o.monitor, ['valLoss', 'loss'] as const, `${label}.monitor`),
    patience: wholeNumber(o.patience ?? 0, `${label}.patience`, 0),
    minDelta: nonNegative(o.minDelta ?? 0, `${label}.minDelta`),
    restoreBestWeights: boolean(o.restoreBestWeights ?? true, `${label}.restoreBestWeights`),
  };
}

function schedule(value: unknown, label: string): LearningRateSchedule | null {
  if (value === undefined) return null;
  const o = plainObject(value, label);
  const type = oneOf(o.type, ['step', 'exponential'] as const, `${label}.type`);
  if (type === 'step') {
    optionsObject(o, ['type', 'every', 'factor'], label);
    return { type, every: wholeNumber(o.every, `${label}.every`, 1), factor: positive(o.factor, `${label}.factor`) };
  }
  optionsObject(o, ['type', 'rate'], label);
  return { type, rate: positive(o.rate, `${label}.rate`) };
}
