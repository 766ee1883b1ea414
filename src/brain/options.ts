// brain.js's options, with its defaults (2.0.0-beta.24's trainDefaults and defaults), checked the
// house way: an unknown option or a value out of range throws, naming the option.
import { parseBackend, parseSeed, parseThreads, type BackendChoice } from '../validate/network-options.js';
import { optionsObject, oneOf, boolean, finite, positive, wholeNumber, optionalFunction, describe } from '../validate/values.js';
import { LEAKY_RELU_SLOPE } from '../kernels.js';

/** The activations brain.js's NeuralNetwork offers; every layer, the output included, uses the one chosen. */
export type BrainActivation = 'sigmoid' | 'relu' | 'leaky-relu' | 'tanh';
export const BRAIN_ACTIVATIONS: readonly BrainActivation[] = ['sigmoid', 'relu', 'leaky-relu', 'tanh'];

/** What `train` reports, and what `log` and `callback` receive. */
export interface TrainingStatus {
  /** The last pass's error: the mean over samples of the mean squared output error, (1/K)·Σ(y − a)². */
  error: number;
  /** Passes over the training data made. */
  iterations: number;
}

/** The options of `train` and `trainAsync` (brain.js's trainOpts); also accepted by the constructor, as brain.js does. */
export interface BrainTrainOptions {
  /** 'sigmoid' (default), 'relu', 'leaky-relu' or 'tanh', for every layer. */
  activation?: BrainActivation;
  /** Most passes over the data (default 20000). */
  iterations?: number;
  /** Stop once a pass's error is at most this, in (0, 1) (default 0.005). */
  errorThresh?: number;
  /** true to print `iterations: n, training error: e` every logPeriod passes, or a function given the status. */
  log?: boolean | ((status: TrainingStatus) => void);
  /** Passes between logs (default 10). */
  logPeriod?: number;
  /** leaky-relu's slope below 0: 0.01, the one the kernels have. */
  leakyReluAlpha?: number;
  /** η (default 0.3). */
  learningRate?: number;
  /** μ of the weights' momentum, in [0, 1) (default 0.1); biases take plain steps, as in brain.js. */
  momentum?: number;
  /** Called every callbackPeriod passes with `{ iterations, error }`. */
  callback?: (status: TrainingStatus) => void;
  /** Passes between callbacks (default 10). */
  callbackPeriod?: number;
  /** Most milliseconds to train for (default Infinity). */
  timeout?: number;
  /** 'adam' for brain.js's Adam, fixed when the network is first initialised; else momentum descent. */
  praxis?: 'adam';
  /** Adam's β₁ (default 0.9). */
  beta1?: number;
  /** Adam's β₂ (default 0.999). */
  beta2?: number;
  /** Adam's ε (default 1e-8). */
  epsilon?: number;
  /** Our addition: samples per update, their gradients averaged (default 1: online, as brain.js). */
  batchSize?: number;
}

/** The constructor's options: the network's, plus any train option (brain.js merges them into trainOpts). */
export interface NeuralNetworkOptions extends BrainTrainOptions {
  /** Input width; with outputSize, fixes the sizes before any training. */
  inputSize?: number;
  /** Output width. */
  outputSize?: number;
  /** The hidden layers' widths (default: one of max(3, ⌊inputs / 2⌋)). */
  hiddenLayers?: number[];
  /** test()'s cut for one-output networks: an output above it counts as 1 (default 0.5). */
  binaryThresh?: number;
  /** Our addition: seeds the initial weights, so every run starts the same. */
  seed?: number;
  /** Our addition: train on this many threads (Wasm backend; or 'auto'), from the first trainAsync. */
  threads?: number | 'auto';
  /** Our addition: 'auto' (default: Wasm where Wasm SIMD validates), 'wasm' or 'js'. */
  backend?: BackendChoice;
}

/** Training options with every default filled in and checked. */
export interface TrainOpts {
  /** The activation of every layer. */
  activation: BrainActivation;
  /** Most passes over the data. */
  iterations: number;
  /** Stop once a pass's error is at most this. */
  errorThresh: number;
  /** A function called with the status every logPeriod passes, or false. */
  log: false | ((status: TrainingStatus) => void);
  /** Passes between logs. */
  logPeriod: number;
  /** leaky-relu's slope below 0 (0.01). */
  leakyReluAlpha: number;
  /** η. */
  learningRate: number;
  /** μ of the weights' momentum. */
  momentum: number;
  /** Called with the status every callbackPeriod passes. */
  callback: ((status: TrainingStatus) => void) | undefined;
  /** Passes between callbacks. */
  callbackPeriod: number;
  /** Most milliseconds to train for (Infinity for no limit). */
  timeout: number;
  /** 'adam', or undefined for momentum descent. */
  praxis: 'adam' | undefined;
  /** Adam's β₁. */
  beta1: number;
  /** Adam's β₂. */
  beta2: number;
  /** Adam's ε. */
  epsilon: number;
  /** Samples per update (1: online). */
  batchSize: number;
}

/** The network's own options as brain.js keeps them (and writes into toJSON's `options`). */
export interface NetOptions {
  /** Input width (0 when the data sets it). */
  inputSize: number;
  /** Output width (0 when the data sets it). */
  outputSize: number;
  /** test()'s cut for one-output networks. */
  binaryThresh: number;
  /** The hidden layers' widths, when given. */
  hiddenLayers?: number[];
}

/** Our additions that are not training options. */
export interface EngineOptions {
  seed: number | undefined;
  threads: number | 'auto';
  backend: BackendChoice;
}

export function trainDefaults(): TrainOpts {
  return {
    activation: 'sigmoid',
    iterations: 20000,
    errorThresh: 0.005,
    log: false,
    logPeriod: 10,
    leakyReluAlpha: LEAKY_RELU_SLOPE,
    learningRate: 0.3,
    momentum: 0.1,
    callback: undefined,
    callbackPeriod: 10,
    timeout: Infinity,
    praxis: undefined,
    beta1: 0.9,
    beta2: 0.999,
    epsilon: 1e-8,
    batchSize: 1,
  };
}

export const TRAIN_KEYS: readonly string[] = Object.keys(trainDefaults());
const NET_KEYS = ['inputSize', 'outputSize', 'hiddenLayers', 'binaryThresh'];
const OUR_KEYS = ['seed', 'threads', 'backend'];
export const CONSTRUCTOR_KEYS: readonly string[] = [...NET_KEYS, ...TRAIN_KEYS, ...OUR_KEYS];

/** brain.js writes timeout: Infinity as the string 'Infinity' in its JSON. */
function timeoutValue(value: unknown, label: string): number {
  if (value === Infinity || value === 'Infinity') return Infinity;
  return positive(value, label);
}

/** A number strictly between 0 and 1, as brain.js asks of errorThresh, beta1, beta2 and epsilon. */
function openUnit(value: unknown, label: string): number {
  if (typeof value !== 'number' || !(value > 0 && value < 1)) throw new RangeError(`${label}: expected a number > 0 and < 1, got ${describe(value)}`);
  return value;
}

/** The training options `given` laid over `base`: every given key checked, `undefined` meaning "keep". */
export function mergeTrainOptions(base: TrainOpts, given: Record<string, unknown>, label: string): TrainOpts {
  const o: TrainOpts = { ...base };
  const at = (key: string) => `${label}: ${key}`;
  const v = (key: keyof BrainTrainOptions) => given[key];
  if (v('activation') !== undefined) o.activation = oneOf(v('activation'), BRAIN_ACTIVATIONS, at('activation'));
  if (v('iterations') !== undefined) o.iterations = wholeNumber(v('iterations'), at('iterations'), 1);
  if (v('errorThresh') !== undefined) o.errorThresh = openUnit(v('errorThresh'), at('errorThresh'));
  if (v('log') !== undefined) o.log = logMethod(v('log'), at('log'));
  if (v('logPeriod') !== undefined) o.logPeriod = wholeNumber(v('logPeriod'), at('logPeriod'), 1);
  if (v('leakyReluAlpha') !== undefined && v('leakyReluAlpha') !== LEAKY_RELU_SLOPE) {
    throw new RangeError(`${at('leakyReluAlpha')}: expected ${LEAKY_RELU_SLOPE} (the kernels' leaky-relu slope), got ${describe(v('leakyReluAlpha'))}`);
  }
  if (v('learningRate') !== undefined) o.learningRate = positive(v('learningRate'), at('learningRate'));
  if (v('momentum') !== undefined) {
    const m = v('momentum');
    if (typeof m !== 'number' || !(m >= 0 && m < 1)) throw new RangeError(`${at('momentum')}: expected a number in [0, 1), got ${describe(m)}`);
    o.momentum = m;
  }
  if (v('callback') !== undefined) o.callback = optionalFunction(v('callback'), at('callback'));
  if (v('callbackPeriod') !== undefined) o.callbackPeriod = wholeNumber(v('callbackPeriod'), at('callbackPeriod'), 1);
  if (v('timeout') !== undefined) o.timeout = timeoutValue(v('timeout'), at('timeout'));
  if (v('praxis') !== undefined && v('praxis') !== null) o.praxis = oneOf(v('praxis'), ['adam'] as const, at('praxis'));
  if (v('beta1') !== undefined) o.beta1 = openUnit(v('beta1'), at('beta1'));
  if (v('beta2') !== undefined) o.beta2 = openUnit(v('beta2'), at('beta2'));
  if (v('epsilon') !== undefined) o.epsilon = openUnit(v('epsilon'), at('epsilon'));
  if (v('batchSize') !== undefined) o.batchSize = wholeNumber(v('batchSize'), at('batchSize'), 1);
  return o;
}

/** train's options object: only training options. */
export function parseTrainOptions(base: TrainOpts, options: unknown, label: string): TrainOpts {
  return mergeTrainOptions(base, optionsObject(options ?? {}, TRAIN_KEYS, `${label}: options`), `${label}: options`);
}

/** The constructor's options, split into the network's, the training defaults and ours. */
export function parseConstructorOptions(options: unknown, label: string): { net: NetOptions; train: TrainOpts; engine: EngineOptions } {
  const o = optionsObject(options ?? {}, CONSTRUCTOR_KEYS, `${label}: options`);
  const at = (key: string) => `${label}: options: ${key}`;
  const net: NetOptions = { inputSize: 0, outputSize: 0, binaryThresh: 0.5 };
  if (o.inputSize !== undefined) net.inputSize = wholeNumber(o.inputSize, at('inputSize'), 1);
  if (o.outputSize !== undefined) net.outputSize = wholeNumber(o.outputSize, at('outputSize'), 1);
  if (o.binaryThresh !== undefined) net.binaryThresh = finite(o.binaryThresh, at('binaryThresh'));
  if (o.hiddenLayers !== undefined) net.hiddenLayers = hiddenLayers(o.hiddenLayers, at('hiddenLayers'));
  const where = `${label}: options`;
  const engine: EngineOptions = { seed: parseSeed(o.seed, where), threads: parseThreads(o.threads, where), backend: parseBackend(o.backend, where) };
  return { net, train: mergeTrainOptions(trainDefaults(), o, `${label}: options`), engine };
}

export function hiddenLayers(value: unknown, label: string): number[] {
  if (!Array.isArray(value)) throw new TypeError(`${label}: expected an array of layer widths, got ${describe(value)}`);
  return value.map((n, i) => wholeNumber(n, `${label}[${i}]`, 1));
}

/** brain.js's `log`: a function is called with the status, true prints its line with console.log. */
function logMethod(value: unknown, label: string): TrainOpts['log'] {
  if (typeof value === 'function') return value as (status: TrainingStatus) => void;
  if (boolean(value, label)) return (status) => console.log(`iterations: ${status.iterations}, training error: ${status.error}`);
  return false;
}
