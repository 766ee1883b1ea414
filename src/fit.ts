import type { Samples } from './samples.js';
import { describe } from './samples.js';
import { parseStepOptions, STEP_KEYS, NonFiniteError, type ParsedStep, type StepOptions } from './step.js';
import type { Evaluation } from './network.js';
import { CHUNK_ROWS } from './layout.js';

export interface EpochLogs {
  /** Mean training loss over the epoch's batches (weighted by batch size). */
  loss: number;
  valLoss?: number;
  valAccuracy?: number;
}

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
  /** Called after every epoch; return false to stop training. */
  onEpochEnd?: (epoch: number, logs: EpochLogs) => void | boolean | Promise<void | boolean>;
  /** Abort between batches; fit then resolves with the history so far. */
  signal?: AbortSignal;
}

export interface History {
  /** Epochs completed. */
  epochs: number;
  loss: number[];
  valLoss: number[];
  valAccuracy: number[];
  /** Why training ended. */
  stopped: 'completed' | 'aborted' | 'callback';
}

/** What fit needs from the network. */
export interface Trainer {
  inputs: number;
  outputs: number;
  matrices(x: Samples, y: Samples, label: string): { x: Float32Array; y: Float32Array; rows: number };
  /** Copy the training set into the backend's memory once, with room for batches of maxBatch rows. */
  packTraining(x: Float32Array, y: Float32Array, rows: number, maxBatch: number): void;
  /** Shuffle the packed set's row order in place with the network's seeded generator. */
  shuffleOrder(rows: number): void;
  /** Put rows order[start, start + n) into the batch buffers. */
  loadBatch(start: number, n: number): void;
  step(rows: number, step: ParsedStep, label: string): number;
  evaluate(x: Float32Array, y: Float32Array): Evaluation;
  live(label: string): void;
}

/** Longest stretch fit computes without letting the event loop run (about one animation frame). */
const YIELD_MS = 15;

/** setImmediate where there is one (Node): setTimeout(0) waits at least a millisecond there. */
const yieldToEventLoop = (): Promise<void> =>
  new Promise((resolve) => (typeof setImmediate === 'function' ? setImmediate(resolve) : setTimeout(resolve, 0)));

/** The history keeps a loss per epoch: far beyond this its arrays hit V8's size limit, which kills the process. */
export const MAX_EPOCHS = 10_000_000;

const FIT_KEYS = [...STEP_KEYS, 'epochs', 'batchSize', 'shuffle', 'validationSplit', 'validationData', 'onEpochEnd', 'signal'];

export async function fitNetwork(t: Trainer, inputs: Samples, targets: Samples, options: FitOptions): Promise<History> {
  const step = parseStepOptions(options, 'fit', FIT_KEYS);
  const epochs = wholeNumber(options.epochs ?? 1, 'epochs', 0, MAX_EPOCHS);
  const batchRequest = wholeNumber(options.batchSize ?? 32, 'batchSize', 1);
  const shuffle = options.shuffle ?? true;
  if (typeof shuffle !== 'boolean') throw new TypeError(`fit: shuffle: expected true or false, got ${describe(shuffle)}`);
  if (options.onEpochEnd !== undefined && typeof options.onEpochEnd !== 'function') {
    throw new TypeError(`fit: onEpochEnd: expected a function, got ${describe(options.onEpochEnd)}`);
  }
  const signal = options.signal;
  if (signal !== undefined && (typeof signal !== 'object' || signal === null || typeof signal.aborted !== 'boolean')) {
    throw new TypeError(`fit: signal: expected an AbortSignal, got ${describe(signal)}`);
  }

  const all = t.matrices(inputs, targets, 'fit');
  const { train, validation } = splitValidation(t, all, options);
  const batchSize = Math.min(batchRequest, train.rows);
  // evaluate() on the validation set works in chunks of at most CHUNK_ROWS rows.
  t.packTraining(train.x, train.y, train.rows, Math.max(batchSize, validation ? Math.min(validation.rows, CHUNK_ROWS) : 0));

  let lastYield = performance.now();
  const history: History = { epochs: 0, loss: [], valLoss: [], valAccuracy: [], stopped: 'completed' };
  for (let epoch = 0; epoch < epochs; epoch++) {
    if (shuffle) t.shuffleOrder(train.rows);
    let lossSum = 0;
    for (let start = 0, batch = 0; start < train.rows; start += batchSize, batch++) {
      if (signal?.aborted) {
        history.stopped = 'aborted';
        return history;
      }
      const n = Math.min(batchSize, train.rows - start);
      t.loadBatch(start, n);
      try {
        lossSum += n * t.step(n, step, 'fit');
      } catch (e) {
        if (e instanceof NonFiniteError) throw new NonFiniteError(`fit: epoch ${epoch + 1}, batch ${batch + 1}`, e.detail);
        throw e;
      }
    }
    const logs: EpochLogs = { loss: lossSum / train.rows };
    history.loss.push(logs.loss);
    if (validation) {
      const v = t.evaluate(validation.x, validation.y);
      logs.valLoss = v.loss;
      history.valLoss.push(v.loss);
      if (v.accuracy !== undefined) {
        logs.valAccuracy = v.accuracy;
        history.valAccuracy.push(v.accuracy);
      }
    }
    history.epochs = epoch + 1;
    if (options.onEpochEnd && (await options.onEpochEnd(epoch, logs)) === false) {
      history.stopped = 'callback';
      return history;
    }
    t.live('fit'); // the callback may have disposed the network
    // Let timers, I/O and rendering run between epochs, but not so often that yielding costs more than training.
    if (performance.now() - lastYield >= YIELD_MS) {
      await yieldToEventLoop();
      lastYield = performance.now();
      t.live('fit');
    }
  }
  return history;
}

type Matrices = { x: Float32Array; y: Float32Array; rows: number };

function splitValidation(t: Trainer, all: Matrices, options: FitOptions): { train: Matrices; validation: Matrices | null } {
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
  return {
    train: { x: all.x.subarray(0, kept * t.inputs), y: all.y.subarray(0, kept * t.outputs), rows: kept },
    validation: { x: all.x.subarray(kept * t.inputs), y: all.y.subarray(kept * t.outputs), rows: held },
  };
}

function wholeNumber(value: unknown, name: string, min: number, max = Infinity): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const range = max === Infinity ? `≥ ${min}` : `from ${min} to ${max}`;
    throw new RangeError(`fit: ${name}: expected a whole number ${range}, got ${describe(value)}`);
  }
  return value;
}
