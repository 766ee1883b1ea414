// Network.create's options (and the architecture part of a saved network) as a NetworkSpec.
import { activations, activationEntry, customActivations, DEFAULT_ACTIVATION, type ActivationName } from '../registry/activations.js';
import { losses, lossEntry, customLosses, DEFAULT_LOSS, type LossName } from '../registry/losses.js';
import { initializers, BIAS_INITS, DEFAULT_INIT, type InitName, type InitOption } from '../registry/initializers.js';
import type { BackendChoice } from '../backends/backend.js';
import { describe, oneOf, optionsObject, wholeNumberIn, boolean, fraction } from './values.js';

export type { BackendChoice };

/** One weighted layer in NetworkOptions.layers. */
export interface LayerSpec {
  /** The layer's width (a whole number ≥ 1). */
  units: number;
  /** Defaults to 'sigmoid', the activation of every worked example in the notes; or a name given to registerActivation. */
  activation?: ActivationName | (string & {});
  /**
   * Dropout rate p in [0, 1) (default 0): while training (fit, trainStep), each of the layer's
   * outputs is set to 0 with probability p and the rest are scaled by 1/(1 − p), a fresh mask per
   * step drawn from the network's seeded generator. predict and evaluate never drop. Hidden layers only.
   */
  dropout?: number;
}

/** Options of Network.create. */
export interface NetworkOptions {
  /** Input width first, then one entry per weighted layer: a unit count or { units, activation }. */
  layers: Array<number | LayerSpec>;
  /** A built-in LossName or a name given to registerLoss (default 'quadratic'). */
  loss?: LossName | (string & {});
  /** Whether every unit has a bias (default true). */
  bias?: boolean;
  /** How the weights start (default 'normal': N(0, 1/√fan_in)) with biases at 0, or `{ weights, bias }` to draw the biases too. */
  init?: InitOption;
  /** Drives initialisation and shuffling; the same seed gives the same network on every backend (default: a fresh one, kept in `net.seed`). */
  seed?: number;
  /** 'auto' (default): Wasm where Wasm SIMD validates, else JS; or 'wasm' / 'js' outright. */
  backend?: BackendChoice;
  /**
   * Train on several threads sharing one Wasm memory (Node worker_threads, or Workers on a
   * cross-origin-isolated page): a count, or 'auto' for every core. Default 1.
   */
  threads?: number | 'auto';
}

/** A validated, complete description of an architecture: what toJSON stores. */
export interface NetworkSpec {
  /** The input width. */
  inputs: number;
  /** Each weighted layer, from the first. */
  layers: Array<{
    /** The layer's width. */
    units: number;
    /** A built-in ActivationName or a name given to registerActivation. */
    activation: string;
    /** The training-time dropout rate, in (0, 1); absent for a layer without dropout. */
    dropout?: number;
  }>;
  /** A built-in LossName or a name given to registerLoss. */
  loss: string;
  /** Whether every unit has a bias. */
  bias: boolean;
  /** How the parameters were initialised: a weight initialiser alone when biases started at 0. */
  init: InitOption;
}

/** Widest layer we accept: beyond this a single weight matrix alone is over 1 GiB. */
export const MAX_UNITS = 1 << 24;

const CREATE_KEYS = ['layers', 'loss', 'bias', 'init', 'seed', 'backend', 'threads'] as const;
const LAYER_KEYS = ['units', 'activation', 'dropout'] as const;
const BACKENDS: readonly BackendChoice[] = ['auto', 'js', 'wasm'];

const unitCount = (value: unknown, label: string): number => wholeNumberIn(value, label, 1, MAX_UNITS, 'a whole number of units');

/** A built-in activation or one added with registerActivation. */
function activationName(value: unknown, label: string): string {
  if (typeof value === 'string' && activationEntry(value)) return value;
  const known = [...Object.keys(activations), ...customActivations.keys()].map((a) => `'${a}'`).join(', ');
  throw new TypeError(`${label}: expected one of ${known}, got ${describe(value)} (a custom activation needs registerActivation first)`);
}

/** A built-in loss or one added with registerLoss. */
function lossName(value: unknown, label: string): string {
  if (typeof value === 'string' && lossEntry(value)) return value;
  const known = [...Object.keys(losses), ...customLosses.keys()].map((a) => `'${a}'`).join(', ');
  throw new TypeError(`${label}: expected one of ${known}, got ${describe(value)} (a custom loss needs registerLoss first)`);
}

const INIT_KEYS = ['weights', 'bias'] as const;

/** A weight initialiser's name, or { weights, bias }; the object with bias 'zeros' is the name alone. */
function initOption(value: unknown, label: string): InitOption {
  const names = Object.keys(initializers) as InitName[];
  if (typeof value === 'string') return oneOf(value, names, label);
  const o = optionsObject(value, INIT_KEYS, label);
  const weights = oneOf(o.weights, names, `${label}.weights`);
  const bias = oneOf(o.bias, BIAS_INITS, `${label}.bias`);
  return bias === 'zeros' ? weights : { weights, bias };
}

/** Validate create()/fromJSON() options into a NetworkSpec. Throws before anything is built. */
export function parseSpec(options: unknown, label: string): NetworkSpec {
  const o = optionsObject(options, CREATE_KEYS, label);
  const layers = o.layers;
  if (!Array.isArray(layers) || layers.length < 2) {
    throw new TypeError(`${label}: layers: expected an array of at least 2 entries (input width, then each layer), got ${describe(layers)}`);
  }
  const first = layers[0];
  const inputs = unitCount(typeof first === 'object' && first !== null ? (first as LayerSpec).units : first, `${label}: layers[0] (inputs)`);
  const parsed = layers.slice(1).map((entry: unknown, i) => {
    const where = `${label}: layers[${i + 1}]`;
    if (typeof entry === 'number') return { units: unitCount(entry, where), activation: DEFAULT_ACTIVATION };
    const e = optionsObject(entry, LAYER_KEYS, where);
    const activation: string = e.activation === undefined ? DEFAULT_ACTIVATION : activationName(e.activation, `${where}.activation`);
    const dropout = e.dropout === undefined ? 0 : fraction(e.dropout, `${where}.dropout`);
    if (dropout > 0 && i === layers.length - 2) {
      throw new RangeError(`${where}.dropout: expected dropout on hidden layers only, got ${dropout} on the output layer (its outputs are the predictions)`);
    }
    // A rate of 0 is no dropout, and is stored as none: the spec, the saved forms and the steps are those of a network without it.
    return { units: unitCount(e.units, `${where}.units`), activation, ...(dropout > 0 && { dropout }) };
  });
  parsed.forEach((l, i) => {
    if (activationEntry(l.activation)!.outputOnly && i !== parsed.length - 1) {
      throw new TypeError(`${label}: layers[${i + 1}]: '${l.activation}' is only allowed on the output layer`);
    }
  });
  const loss = o.loss === undefined ? DEFAULT_LOSS : lossName(o.loss, `${label}: loss`);
  const output = parsed[parsed.length - 1].activation;
  const entry = lossEntry(loss)!;
  const fused = entry.fusedWith;
  if (output === 'softmax' && entry.custom) {
    throw new TypeError(`${label}: loss '${loss}' is elementwise and cannot train a softmax output (its units are coupled); use 'categorical-cross-entropy'`);
  }
  if (fused !== null && output !== fused) {
    throw new TypeError(`${label}: loss '${loss}' needs a '${fused}' output layer, got '${output}'`);
  }
  if (output === 'softmax' && parsed[parsed.length - 1].units < 2) {
    throw new TypeError(`${label}: a softmax output needs at least 2 units, got 1 (use sigmoid for one output)`);
  }
  if (o.bias !== undefined) boolean(o.bias, `${label}: bias`);
  const init = o.init === undefined ? DEFAULT_INIT : initOption(o.init, `${label}: init`);
  return { inputs, layers: parsed, loss, bias: o.bias !== false, init };
}

export function parseSeed(value: unknown, label: string): number | undefined {
  return value === undefined ? undefined : wholeNumberIn(value, `${label}: seed`, 0, 0xffffffff);
}

export function parseBackend(value: unknown, label: string): BackendChoice {
  return value === undefined ? 'auto' : oneOf(value, BACKENDS, `${label}: backend`);
}

/** Most threads a network may ask for (the worker pool's control block has room for this many). */
export const MAX_THREADS = 17;

export function parseThreads(value: unknown, label: string): number | 'auto' {
  if (value === undefined) return 1;
  if (value === 'auto') return 'auto';
  return wholeNumberIn(value, `${label}: threads`, 1, MAX_THREADS, 'a whole number', " or 'auto'");
}
