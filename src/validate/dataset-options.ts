// fit(dataset, options): the dataset and the options parsed before any row is read. The options
// are fit's, less the two that need the whole set in memory (shuffle, validationSplit), plus
// shuffleBuffer; validation comes from a second dataset or from arrays.
import { FIT_KEYS, monitorOf, parseFitOptions, type FitOptions, type FitPlan } from './fit-options.js';
import type { Samples } from './samples.js';
import { matrices, type Matrices, type Widths } from './training-data.js';
import { describe, optionsObject, wholeNumber } from './values.js';

/** One element of a dataset: an [inputs, targets] row (or rows), or an { x, y } batch; a single output may be a bare number. */
export type DatasetElement = readonly [Samples, Samples | number] | DatasetBatch;

/** A batch of a dataset: inputs and targets as samples, as many rows of each. */
export interface DatasetBatch {
  /** The inputs: rows × inputs. */
  x: Samples;
  /** The targets: rows × outputs (a bare number for one row of one output). */
  y: Samples | number;
}

/**
 * What fit(dataset) reads: a function called once per epoch that returns an async iterable (or
 * a plain iterable) of elements. A `rows` property, where the dataset knows its size, is the
 * n of weightDecay's λ/n.
 */
export type Dataset = (() => AsyncIterable<DatasetElement> | Iterable<DatasetElement>) & DatasetSize;

/** What a dataset may say about itself. */
export interface DatasetSize {
  /** Rows per epoch, where the dataset knows: weightDecay's n. */
  rows?: number;
}

/** fit's options with a dataset: FitOptions without shuffle and validationSplit, with shuffleBuffer and a dataset as validation. */
export interface DatasetFitOptions extends Omit<FitOptions, 'shuffle' | 'validationSplit' | 'validationData'> {
  /**
   * Shuffle through a buffer of this many rows, as tf.data's `shuffle(bufferSize)`: memory is
   * bounded by it, and the order follows the network's seed. Default 0: rows train in the order
   * the dataset gives them (a buffer at least as large as the dataset shuffles it fully).
   */
  shuffleBuffer?: number;
  /** Loss (and accuracy) after each epoch on a second dataset, or on arrays [inputs, targets]. */
  validationData?: Dataset | [Samples, Samples];
}

/** fit(dataset)'s plan: fit's, and what only a dataset has. */
export interface DatasetPlan {
  plan: FitPlan;
  dataset: Dataset;
  shuffleBuffer: number;
  /** Validation from a dataset, from arrays (checked and copied), or none. */
  validation: Dataset | Matrices | null;
  /** The dataset's own row count, where it gives one: weight decay's n. */
  rows: number | null;
}

/** A shuffle buffer's rows are held as float32 inputs and targets: bounded so a typo cannot ask for gigabytes. */
const MAX_SHUFFLE_BUFFER = 2 ** 24;

export function parseDatasetFit(dataset: unknown, options: unknown, w: Widths, label: string): DatasetPlan {
  if (typeof dataset !== 'function') {
    throw new TypeError(`${label}: dataset: expected a function returning an async iterable of [inputs, targets] rows or { x, y } batches (called once per epoch), got ${describe(dataset)}`);
  }
  const o = optionsObject(options, [...FIT_KEYS, 'shuffleBuffer'], `${label}: options`);
  const { shuffleBuffer, validationData, ...rest } = o;
  if (rest.validationSplit !== undefined) {
    throw new TypeError(`${label}: validationSplit: a dataset is read as it streams and never held, so no rows can be split off; pass validationData: a second dataset`);
  }
  if (rest.checkpoint !== undefined) {
    throw new TypeError(`${label}: checkpoint: a dataset resumes only by reading its rows again, which fit(dataset) does not do yet; checkpoint fit on arrays, or save the network between runs`);
  }
  if (rest.shuffle !== undefined) {
    throw new TypeError(`${label}: shuffle: a dataset is never held whole; shuffle it through a bounded buffer with shuffleBuffer: n (rows, as tf.data's shuffle)`);
  }
  const plan = parseFitOptions({ ...rest, shuffle: false }, label);
  const d = dataset as Dataset;
  const rows = d.rows === undefined ? null : wholeNumber(d.rows, `${label}: dataset.rows`, 1);
  if (plan.step.weightDecay > 0 && rows === null) {
    throw new TypeError(`${label}: weightDecay: λ/n needs the dataset's size n; give the dataset function a rows property (csvDataset's has one)`);
  }
  let validation: Dataset | Matrices | null = null;
  if (typeof validationData === 'function') validation = validationData as Dataset;
  else if (validationData !== undefined) {
    if (!Array.isArray(validationData) || validationData.length !== 2) {
      throw new TypeError(`${label}: validationData: expected a dataset or [inputs, targets], got ${describe(validationData)}`);
    }
    validation = matrices(validationData[0] as Samples, validationData[1] as Samples, w, `${label}: validationData`);
  }
  if (monitorOf(plan, validation !== null) === 'valLoss' && !validation) {
    throw new TypeError(`${label}: earlyStopping.monitor: 'valLoss' needs validationData`);
  }
  return {
    plan,
    dataset: d,
    shuffleBuffer: wholeNumber(shuffleBuffer ?? 0, `${label}: shuffleBuffer`, 0, MAX_SHUFFLE_BUFFER),
    validation,
    rows,
  };
}
