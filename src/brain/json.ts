// brain.js's saved forms. We write 2.0.0-beta.24's (`type: 'NeuralNetwork'`, layers of `weights`
// rows and `biases`), which brain.js 2.x loads; we read that and 1.6.1's (layers of named nodes,
// each `{ bias, weights: { key: w } }`). Everything is checked before anything is built.
import { describe, finite, plainObject, wholeNumber } from '../validate/values.js';
import type { Lookup } from './lookup.js';
import { trainDefaults, mergeTrainOptions, TRAIN_KEYS, hiddenLayers, type TrainOpts, type NetOptions, type BrainActivation } from './options.js';

/** One layer in brain.js 2.x's JSON: a row of weights per unit, a bias per unit (both empty for the input layer). */
export interface BrainJSONLayer {
  /** weights[j][k] connects unit k below to unit j. */
  weights: number[][];
  /** One per unit. */
  biases: number[];
}

/** brain.js 2.x's trainOpts as saved: functions dropped, `log` as a boolean, timeout Infinity as 'Infinity'. */
export interface BrainTrainOptsJSON {
  /** The activation of every layer. */
  activation: BrainActivation;
  /** Most passes over the data. */
  iterations: number;
  /** Stop once a pass's error is at most this. */
  errorThresh: number;
  /** Whether a log was set (functions are not saved). */
  log: boolean;
  /** Passes between logs. */
  logPeriod: number;
  /** leaky-relu's slope below 0 (0.01). */
  leakyReluAlpha: number;
  /** η. */
  learningRate: number;
  /** μ of the weights' momentum. */
  momentum: number;
  /** Passes between callbacks. */
  callbackPeriod: number;
  /** Most milliseconds, 'Infinity' for no limit. */
  timeout: number | 'Infinity';
  /** 'adam', or undefined for momentum descent. */
  praxis?: 'adam';
  /** Adam's β₁. */
  beta1: number;
  /** Adam's β₂. */
  beta2: number;
  /** Adam's ε. */
  epsilon: number;
  /** Written only when not 1 (brain.js ignores it). */
  batchSize?: number;
}

/** What toJSON returns: brain.js 2.0.0-beta.24's NeuralNetwork JSON. */
export interface BrainNetworkJSON {
  /** Always 'NeuralNetwork'. */
  type: 'NeuralNetwork';
  /** Layer widths, input first. */
  sizes: number[];
  /** One per size; the input layer's are empty. */
  layers: BrainJSONLayer[];
  /** Position of each named input, or null. */
  inputLookup: Lookup | null;
  /** Number of named inputs (0 without). */
  inputLookupLength: number;
  /** Position of each named output, or null. */
  outputLookup: Lookup | null;
  /** Number of named outputs (0 without). */
  outputLookupLength: number;
  /** The network's options. */
  options: NetOptions;
  /** The training options, as saved. */
  trainOpts: BrainTrainOptsJSON;
}

/** A saved network read from either version, in our terms: parameters flat, weights then biases, layer after layer. */
export interface LoadedBrain {
  sizes: number[];
  parameters: Float32Array;
  inputLookup: Lookup | null;
  outputLookup: Lookup | null;
  options: Partial<NetOptions>;
  trainOpts: TrainOpts;
}

/** The parameters (our flat layout) as brain.js 2.x's layers. */
export function layersToJSON(sizes: readonly number[], parameters: Float32Array): BrainJSONLayer[] {
  const layers: BrainJSONLayer[] = [{ weights: [], biases: [] }];
  let at = 0;
  for (let i = 1; i < sizes.length; i++) {
    const [inputs, units] = [sizes[i - 1], sizes[i]];
    const weights: number[][] = [];
    for (let j = 0; j < units; j++, at += inputs) weights.push(Array.from(parameters.subarray(at, at + inputs)));
    layers.push({ weights, biases: Array.from(parameters.subarray(at, at + units)) });
    at += units;
  }
  return layers;
}

export function trainOptsToJSON(o: TrainOpts): BrainTrainOptsJSON {
  const json: BrainTrainOptsJSON = {
    activation: o.activation,
    iterations: o.iterations,
    errorThresh: o.errorThresh,
    log: typeof o.log === 'function',
    logPeriod: o.logPeriod,
    leakyReluAlpha: o.leakyReluAlpha,
    learningRate: o.learningRate,
    momentum: o.momentum,
    callbackPeriod: o.callbackPeriod,
    timeout: o.timeout === Infinity ? 'Infinity' : o.timeout,
    beta1: o.beta1,
    beta2: o.beta2,
    epsilon: o.epsilon,
  };
  if (o.praxis) json.praxis = o.praxis;
  if (o.batchSize !== 1) json.batchSize = o.batchSize;
  return json;
}

/** Read a network saved by brain.js 1.6.1 or 2.x, or by us (an object or its JSON text). */
export function parseBrainJSON(value: unknown, label: string): LoadedBrain {
  const json = plainObject(typeof value === 'string' ? parseText(value, label) : value, label);
  const sizes = parseSizes(json.sizes, `${label}: sizes`);
  if (!Array.isArray(json.layers) || json.layers.length !== sizes.length) {
    throw new RangeError(`${label}: layers: expected an array of ${sizes.length} layers (one per size), got ${describe(json.layers)}`);
  }
  const second = json.layers[1] as Record<string, unknown> | null;
  const v2 = json.type === 'NeuralNetwork' || (second !== null && typeof second === 'object' && Array.isArray(second.weights));
  return v2 ? parseV2(json, sizes, label) : parseV1(json, sizes, label);
}

function parseText(text: string, label: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new TypeError(`${label}: not JSON: ${(e as Error).message}`);
  }
}

function parseSizes(value: unknown, label: string): number[] {
  if (!Array.isArray(value) || value.length < 2) throw new TypeError(`${label}: expected an array of at least 2 layer widths, got ${describe(value)}`);
  return value.map((n, i) => wholeNumber(n, `${label}[${i}]`, 1));
}

/** Only the training options we know (brain.js writes no others), over the defaults. */
function savedTrainOpts(value: unknown, label: string, activation?: unknown): TrainOpts {
  const given = value === undefined ? {} : { ...plainObject(value, label) };
  for (const key of Object.keys(given)) if (!TRAIN_KEYS.includes(key)) delete given[key];
  if (activation !== undefined) given.activation = activation;
  if (given.praxis === null) delete given.praxis;
  return mergeTrainOptions(trainDefaults(), given, label);
}

function savedNetOptions(source: Record<string, unknown>, label: string): Partial<NetOptions> {
  const o: Partial<NetOptions> = {};
  if (source.binaryThresh !== undefined) o.binaryThresh = finite(source.binaryThresh, `${label}: binaryThresh`);
  if (source.hiddenLayers !== undefined && source.hiddenLayers !== null) o.hiddenLayers = hiddenLayers(source.hiddenLayers, `${label}: hiddenLayers`);
  if (typeof source.inputSize === 'number') o.inputSize = source.inputSize;
  if (typeof source.outputSize === 'number') o.outputSize = source.outputSize;
  return o;
}

/** A lookup as saved: key → position, the positions 0 … width − 1 each once. */
function savedLookup(value: unknown, width: number, label: string): Lookup | null {
  if (value === null || value === undefined) return null;
  const o = plainObject(value, label);
  const table = Object.create(null) as Lookup;
  const seen = new Set<number>();
  for (const [key, index] of Object.entries(o)) {
    if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= width || seen.has(index)) {
      throw new RangeError(`${label}: ${JSON.stringify(key)}: expected a distinct position from 0 to ${width - 1}, got ${describe(index)}`);
    }
    seen.add(index);
    table[key] = index;
  }
  if (seen.size !== width) throw new RangeError(`${label}: expected ${width} keys (the layer's width), got ${seen.size}`);
  return table;
}

function parseV2(json: Record<string, unknown>, sizes: number[], label: string): LoadedBrain {
  const parameters = new Float32Array(parameterCount(sizes));
  let at = 0;
  for (let i = 1; i < sizes.length; i++) {
    const where = `${label}: layers[${i}]`;
    const layer = plainObject(json.layers && (json.layers as unknown[])[i], where);
    const rows = layer.weights;
    if (!Array.isArray(rows) || rows.length !== sizes[i]) throw new RangeError(`${where}: weights: expected ${sizes[i]} rows, got ${describe(rows)}`);
    rows.forEach((row: unknown, j) => {
      if (!Array.isArray(row) || row.length !== sizes[i - 1]) throw new RangeError(`${where}: weights[${j}]: expected ${sizes[i - 1]} numbers, got ${describe(row)}`);
      row.forEach((w: unknown, k) => (parameters[at++] = finite(w, `${where}: weights[${j}][${k}]`)));
    });
    const biases = layer.biases;
    if (!Array.isArray(biases) || biases.length !== sizes[i]) throw new RangeError(`${where}: biases: expected ${sizes[i]} numbers, got ${describe(biases)}`);
    biases.forEach((b: unknown, j) => (parameters[at++] = finite(b, `${where}: biases[${j}]`)));
  }
  const options = json.options === undefined ? {} : plainObject(json.options, `${label}: options`);
  return {
    sizes,
    parameters,
    inputLookup: savedLookup(json.inputLookup, sizes[0], `${label}: inputLookup`),
    outputLookup: savedLookup(json.outputLookup, sizes[sizes.length - 1], `${label}: outputLookup`),
    options: savedNetOptions(options, `${label}: options`),
    trainOpts: savedTrainOpts(json.trainOpts, `${label}: trainOpts`),
  };
}

/** brain.js 1.6.1: layers of named nodes; the input and output layers' keys are the lookups where names were used. */
function parseV1(json: Record<string, unknown>, sizes: number[], label: string): LoadedBrain {
  const layers = (json.layers as unknown[]).map((l, i) => plainObject(l, `${label}: layers[${i}]`));
  const last = sizes.length - 1;
  const keysOf = (i: number) => {
    const keys = Object.keys(layers[i]);
    if (keys.length !== sizes[i]) throw new RangeError(`${label}: layers[${i}]: expected ${sizes[i]} nodes (sizes[${i}]), got ${keys.length}`);
    return keys;
  };
  const named = (i: number, flag: unknown) => flag === true || !Object.hasOwn(layers[i], '0');
  const parameters = new Float32Array(parameterCount(sizes));
  let at = 0;
  for (let i = 1; i <= last; i++) {
    const below = keysOf(i - 1);
    const nodes = keysOf(i).map((key) => plainObject(layers[i][key], `${label}: layers[${i}][${JSON.stringify(key)}]`));
    nodes.forEach((node, j) => {
      const where = `${label}: layers[${i}] node ${j}`;
      const weights = plainObject(node.weights, `${where}: weights`);
      for (const key of below) parameters[at++] = finite(weights[key], `${where}: weights[${JSON.stringify(key)}]`);
    });
    nodes.forEach((node, j) => (parameters[at++] = finite(node.bias, `${label}: layers[${i}] node ${j}: bias`)));
  }
  const table = (keys: string[]): Lookup => Object.assign(Object.create(null) as Lookup, Object.fromEntries(keys.map((k, i) => [k, i])));
  return {
    sizes,
    parameters,
    inputLookup: named(0, json.inputLookup) ? table(keysOf(0)) : null,
    outputLookup: named(last, json.outputLookup) ? table(keysOf(last)) : null,
    options: savedNetOptions(json, label),
    trainOpts: savedTrainOpts(json.trainOpts, `${label}: trainOpts`, json.activation),
  };
}

/** Weights and biases of every layer after the input. */
export function parameterCount(sizes: readonly number[]): number {
  let n = 0;
  for (let i = 1; i < sizes.length; i++) n += sizes[i] * (sizes[i - 1] + 1);
  return n;
}
