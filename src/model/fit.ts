// Model.fit's steps, which `backprop train` takes too (it prints between them): fit the encoding
// on the rows, encode them, choose the output layer and loss the target calls for, build the
// network, hold out a seeded random share for validation, then train.
import { Network } from '../network.js';
import { randomSplit, takeRows } from '../data/split.js';
import type { History } from '../engine/fit.js';
import type { ActivationName } from '../registry/activations.js';
import type { LossName } from '../registry/losses.js';
import { FIT_KEYS, parseFitOptions, type FitOptions } from '../validate/fit-options.js';
import type { BackendChoice } from '../validate/network-options.js';
import { describe, fraction, optionsObject } from '../validate/values.js';
import { EncodingBuilder, type Encoding, type EncodingChoices } from './encoding.js';
import { rowsOf } from './records.js';

/** Options of Model.fit: the columns, the network, and any option of Network.fit but the validation set's. */
export interface ModelFitOptions extends EncodingChoices, Omit<FitOptions, 'validationSplit' | 'validationData'> {
  /** Hidden layer sizes (default [16]; [] for none); the output layer follows from the target. */
  layers?: number[];
  /** The hidden layers' activation (default 'relu'). */
  activation?: ActivationName;
  /** The loss; default: binary-cross-entropy for a 0/1 target, categorical-cross-entropy for classes, mse for numbers. */
  loss?: LossName;
  /** Seeds the initial weights, the validation split and the batches (default: a fresh seed, kept in `model.network.seed`). */
  seed?: number;
  /** As in Network.create (default 'auto'). */
  backend?: BackendChoice;
  /** As in Network.create (default 1). */
  threads?: number | 'auto';
  /** Share of the rows held out at random (seeded) to measure validation loss each epoch (default 0). */
  validation?: number;
}

const MODEL_KEYS = ['target', 'categorical', 'standardize', 'drop', 'layers', 'activation', 'loss', 'seed', 'backend', 'threads', 'validation'];
const PASSED_FIT_KEYS = FIT_KEYS.filter((k) => k !== 'validationSplit' && k !== 'validationData');

/** A network built and its data encoded and split, ready to train: run() trains it. */
export interface FitJob {
  network: Network;
  encoding: Encoding;
  trainRows: number;
  validationRows: number;
  run(): Promise<History>;
}

/** How a CSV's errors name the file, and how the hints spell an option (the CLI's `--categorical x`). */
export interface CsvSource {
  source: string;
  spell?: (option: 'categorical' | 'standardize' | 'drop', column: string) => string;
}

/** The output layer and loss that suit the target: sigmoid for 0/1, softmax for classes, identity for numbers. */
export function outputFor(encoding: Encoding): { activation: ActivationName; loss: LossName } {
  if (encoding.target.kind === 'binary') return { activation: 'sigmoid', loss: 'binary-cross-entropy' };
  if (encoding.target.kind === 'classes') return { activation: 'softmax', loss: 'categorical-cross-entropy' };
  return { activation: 'identity', loss: 'mse' };
}

/** Check the options, fit the encoding, build the network; every check runs before any training. */
export async function prepareFit(data: unknown, options: ModelFitOptions, label: string, csv?: CsvSource): Promise<FitJob> {
  const o = optionsObject(options, [...MODEL_KEYS, ...PASSED_FIT_KEYS], `${label}: options`);
  const { target, categorical, standardize, drop, layers, activation, loss, seed, backend, threads, validation, ...fitOptions } = o;
  parseFitOptions(fitOptions, label, PASSED_FIT_KEYS);
  const choices = {
    target: columnName(target, `${label}: target`),
    categorical: names(categorical, `${label}: categorical`),
    standardize: names(standardize, `${label}: standardize`),
    drop: names(drop, `${label}: drop`),
  };
  const hidden = layers ?? [16];
  if (!Array.isArray(hidden)) throw new TypeError(`${label}: layers: expected hidden layer sizes such as [16, 8] (or [] for none), got ${describe(hidden)}`);
  const share = validation === undefined ? 0 : fraction(validation, `${label}: validation`);

  const { records, columns, error } = rowsOf(data, label, csv?.source);
  const builder = new EncodingBuilder(choices, { columns, error, spell: csv?.spell });
  for (const record of records) builder.add(record);
  const encoding = builder.finish();
  const x = encoding.encodeInputs(records, error, { extraFields: 'ignore' });
  const y = encoding.encodeTargets(records, error);
  const output = outputFor(encoding);
  const network = await Network.create({
    layers: [encoding.inputWidth, ...hidden.map((units) => ({ units, activation: activation as ActivationName ?? 'relu' })), { units: encoding.outputWidth, activation: output.activation }],
    loss: (loss as LossName | undefined) ?? output.loss,
    seed: seed as number | undefined,
    backend: backend as BackendChoice | undefined,
    threads: threads as number | 'auto' | undefined,
  });
  const split = randomSplit(records.length, { validation: share, seed: network.seed });
  const I = encoding.inputWidth;
  const K = encoding.outputWidth;
  const train = [takeRows(x, I, split.train), takeRows(y, K, split.train)] as const;
  const validationData: [Float32Array, Float32Array] | undefined = split.validation.length
    ? [takeRows(x, I, split.validation), takeRows(y, K, split.validation)]
    : undefined;
  return {
    network,
    encoding,
    trainRows: split.train.length,
    validationRows: split.validation.length,
    run: () => network.fit(train[0], train[1], { ...(fitOptions as FitOptions), validationData }),
  };
}

function columnName(value: unknown, label: string): string {
  if (typeof value !== 'string' || value === '') throw new TypeError(`${label}: expected a column name, got ${describe(value)}`);
  return value;
}

function names(value: unknown, label: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new TypeError(`${label}: expected an array of column names, got ${describe(value)}`);
  return value.map((v, i) => columnName(v, `${label}[${i}]`));
}
