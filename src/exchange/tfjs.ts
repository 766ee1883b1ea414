// The TensorFlow.js Layers format (what `model.save` writes and `tf.loadLayersModel` reads,
// and what tensorflowjs_converter makes of a Keras model): a Sequential topology in JSON
// plus one float32 buffer described by weight specs. Keras stores a Dense kernel as
// inputs × units; ours is units × inputs (a row per neuron), so both directions transpose.
import { Network } from '../network.js';
import { LEAKY_RELU_SLOPE } from '../kernels.js';
import { losses, type LossName } from '../registry/losses.js';
import type { ActivationName } from '../registry/activations.js';
import { DEFAULT_INIT } from '../registry/initializers.js';
import { plainObject, rejectUnknownKeys, oneOf, describe } from '../validate/values.js';
import { parseSpec, parseBackend, type BackendChoice } from '../validate/network-options.js';
import { FORMAT, FORMAT_VERSION, floatsToBase64, type NetworkJSON } from '../persist/json.js';
import { exchangeNames, activationFromKeras, builtinActivation } from './names.js';
import { nodeBuiltin } from '../platform.js';

/** One tensor in the weight buffer, as TF.js describes it (we write float32 only). */
export interface TfjsWeightSpec {
  /** The variable's name, e.g. 'dense_1/kernel'. */
  name: string;
  /** Its shape: [inputs, units] for a kernel, [units] for a bias. */
  shape: number[];
  /** Always 'float32'. */
  dtype: 'float32';
}

/** The Keras training config TF.js compiles a loaded model with. */
export interface TfjsTrainingConfig {
  /** The Keras loss identifier, e.g. 'mean_squared_error'. */
  loss: string;
  /** Keras metric names (none written). */
  metrics: string[];
  /** The optimizer TF.js builds. */
  optimizer_config: {
    /** 'SGD' or 'Momentum'. */
    class_name: string;
    /** Its settings: learningRate (rescaled to our loss), and momentum and useNesterov for 'Momentum'. */
    config: Record<string, number | boolean>;
  };
}

/** In-memory artifacts, as `tf.io.fromMemory` takes them: pass them on without a cast. */
export interface TfjsArtifacts {
  /** The Keras Sequential model config: its Dense layers (with LeakyReLU and Dropout layers after them). */
  modelTopology: Record<string, unknown>;
  /** Always 'layers-model'. */
  format: 'layers-model';
  /** Always 'backprop'. */
  generatedBy: string;
  /** Always null: written directly, not converted from Keras. */
  convertedBy: null;
  /** The tensors in `weightData`, in order. */
  weightSpecs: TfjsWeightSpec[];
  /** Every tensor's float32 values, concatenated in `weightSpecs` order. */
  weightData: ArrayBuffer;
  /** Present when toTfjs was given `training`. */
  trainingConfig?: TfjsTrainingConfig;
  /** Our own fields, which TF.js keeps and ignores. */
  userDefinedMetadata: {
    /** What a round trip back here needs. */
    backprop: {
      /** Our loss's name, so fromTfjs restores it (quadratic included). */
      loss: string;
    };
  };
}

/** The `model.json` saveTfjs writes: the weight specs live in `weightsManifest`. */
export interface TfjsModelJSON extends Omit<TfjsArtifacts, 'weightSpecs' | 'weightData'> {
  /** Groups of weight files and the tensors they hold, in order. */
  weightsManifest: Array<{
    /** Weight files relative to model.json, concatenated in order. */
    paths: string[];
    /** The tensors those files hold, in order. */
    weights: TfjsWeightSpec[];
  }>;
}

/**
 * What fromTfjs reads: `tf.io.ModelArtifacts` (from a save handler) fits as it is. Loosely
 * typed because files from Keras or other TF.js versions vary; every field is checked.
 */
export interface TfjsArtifactsInput {
  /** The Keras model config: a Sequential (also inside `model_config`, as Keras files have it). */
  modelTopology?: unknown;
  /** The tensors in `weightData`, in order. */
  weightSpecs?: readonly unknown[];
  /** The weights' bytes: an ArrayBuffer, a typed array, or an array of ArrayBuffers. */
  weightData?: unknown;
  /** The Keras training config; its loss is read when `userDefinedMetadata` names none. */
  trainingConfig?: unknown;
  /** Where our own export keeps the loss. */
  userDefinedMetadata?: unknown;
}

/** A parsed model.json (`tf.io.ModelJSON`), whose weights come separately. */
export interface TfjsModelJSONInput {
  /** The Keras model config, as in TfjsArtifactsInput. */
  modelTopology?: unknown;
  /** Groups of `{ paths, weights }`: the weight specs, in the order of the weights' bytes. */
  weightsManifest: readonly unknown[];
  /** The Keras training config, as in TfjsArtifactsInput. */
  trainingConfig?: unknown;
  /** Where our own export keeps the loss. */
  userDefinedMetadata?: unknown;
}

/** Options of toTfjs and saveTfjs. */
export interface ToTfjsOptions {
  /**
   * Write a Keras training config so TF.js compiles the loaded model: the optimizer and the
   * learning rate you train with here. Omitted: the model loads uncompiled.
   */
  training?: {
    /** 'sgd' (default) or 'momentum'. */
    optimizer?: 'sgd' | 'momentum';
    /** η as you train here; rescaled so one TF.js step equals one step here. */
    learningRate: number;
    /** μ for 'momentum' (default 0.9). */
    momentum?: number;
  };
}

/** Options of fromTfjs and loadTfjs. */
export interface FromTfjsOptions {
  /** The backend the network runs on, as in Network.create (default 'auto'). */
  backend?: BackendChoice;
  /** The loss to train with here; overrides what the artifacts say (needed for a loss we lack). */
  loss?: LossName;
}

/**
 * Our loss ↔ the Keras loss, and how to scale the learning rate so one step in TF.js moves the
 * weights as one step here does. Keras averages over the K outputs where we sum: quadratic
 * ½Σ has gradient K/2 × that of mse (1/K)Σ, and our binary cross-entropy sums its K terms.
 */
const KERAS_LOSSES: Readonly<Record<LossName, { keras: string; learningRateScale: (outputs: number) => number }>> = {
  quadratic: { keras: 'mean_squared_error', learningRateScale: (K) => K / 2 },
  mse: { keras: 'mean_squared_error', learningRateScale: () => 1 },
  'binary-cross-entropy': { keras: 'binary_crossentropy', learningRateScale: (K) => K },
  'categorical-cross-entropy': { keras: 'categorical_crossentropy', learningRateScale: () => 1 },
};

/** Keras loss identifiers (snake_case from Python and TF.js files, camelCase from TF.js code) we read. */
const LOSSES_FROM_KERAS: Readonly<Record<string, LossName>> = {
  mean_squared_error: 'mse',
  meanSquaredError: 'mse',
  mse: 'mse',
  MSE: 'mse',
  binary_crossentropy: 'binary-cross-entropy',
  binaryCrossentropy: 'binary-cross-entropy',
  categorical_crossentropy: 'categorical-cross-entropy',
  categoricalCrossentropy: 'categorical-cross-entropy',
};

const SUPPORTED_LAYERS = 'InputLayer, Dense, Activation, LeakyReLU (alpha 0.01), ReLU, Softmax, Flatten, Dropout';

/** The network as TF.js Layers artifacts: a Sequential of Dense layers (plus LeakyReLU layers, and a Dropout after a layer with dropout). */
export function toTfjs(net: Network, options: ToTfjsOptions = {}): TfjsArtifacts {
  const label = 'toTfjs';
  const o = plainObject(options, `${label}: options`);
  rejectUnknownKeys(o, ['training'], `${label}: options`);
  const spec = net.spec;
  const names = spec.layers.map((_, i) => builtinActivation(spec, i, label, 'TensorFlow.js'));
  const trainingConfig = o.training === undefined ? undefined : kerasTrainingConfig(o.training, spec.loss, net.outputs, label);
  const layers: Array<Record<string, unknown>> = [];
  const weightSpecs: TfjsWeightSpec[] = [];
  const weights = Array.from({ length: net.layerCount }, (_, i) => net.getWeights(i));
  names.forEach((activation, i) => {
    const { units, inputs } = weights[i];
    const name = `dense_${i + 1}`;
    const config: Record<string, unknown> = {
      units,
      activation: exchangeNames[activation].keras ?? 'linear',
      use_bias: spec.bias,
      name,
      trainable: true,
      dtype: 'float32',
    };
    if (i === 0) config.batch_input_shape = [null, inputs];
    layers.push({ class_name: 'Dense', config });
    weightSpecs.push({ name: `${name}/kernel`, shape: [inputs, units], dtype: 'float32' });
    if (spec.bias) weightSpecs.push({ name: `${name}/bias`, shape: [units], dtype: 'float32' });
    if (activation === 'leaky-relu') {
      layers.push({ class_name: 'LeakyReLU', config: { alpha: LEAKY_RELU_SLOPE, name: `leaky_re_lu_${i + 1}`, trainable: true } });
    }
    const rate = spec.layers[i].dropout;
    if (rate !== undefined) {
      layers.push({ class_name: 'Dropout', config: { rate, noise_shape: null, seed: null, name: `dropout_${i + 1}`, trainable: true, dtype: 'float32' } });
    }
  });
  const floats = new Float32Array(weightSpecs.reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1), 0));
  let at = 0;
  for (const { weights: w, bias, units, inputs } of weights) {
    // Keras kernel[k][j] (input k, unit j) is our weights[j][k].
    for (let k = 0; k < inputs; k++) for (let j = 0; j < units; j++) floats[at++] = w[j * inputs + k];
    if (bias) {
      floats.set(bias, at);
      at += units;
    }
  }
  const artifacts: TfjsArtifacts = {
    modelTopology: { class_name: 'Sequential', config: { name: 'backprop', layers }, backend: 'tensor_flow.js' },
    format: 'layers-model',
    generatedBy: 'backprop',
    convertedBy: null,
    weightSpecs,
    weightData: littleEndian(floats),
    // Our loss survives the trip even where Keras has no equivalent (quadratic).
    userDefinedMetadata: { backprop: { loss: spec.loss } },
  };
  if (trainingConfig) artifacts.trainingConfig = trainingConfig;
  return artifacts;
}

function kerasTrainingConfig(value: unknown, loss: string, outputs: number, label: string): TfjsTrainingConfig {
  const where = `${label}: training`;
  if (!Object.hasOwn(KERAS_LOSSES, loss)) throw new TypeError(`${where}: the custom loss '${loss}' has no TensorFlow.js equivalent; export without training`);
  const t = plainObject(value, where);
  rejectUnknownKeys(t, ['optimizer', 'learningRate', 'momentum'], where);
  const optimizer = t.optimizer === undefined ? 'sgd' : oneOf(t.optimizer, ['sgd', 'momentum'] as const, `${where}.optimizer`);
  const rate = t.learningRate;
  if (typeof rate !== 'number' || !(rate > 0) || !Number.isFinite(rate)) {
    throw new RangeError(`${where}.learningRate: expected a positive finite number, got ${describe(rate)}`);
  }
  const momentum = t.momentum === undefined ? 0.9 : t.momentum;
  if (typeof momentum !== 'number' || !(momentum >= 0 && momentum < 1)) {
    throw new RangeError(`${where}.momentum: expected a number from 0 up to (not including) 1, got ${describe(momentum)}`);
  }
  if (optimizer === 'sgd' && t.momentum !== undefined) throw new TypeError(`${where}.momentum: only the 'momentum' optimizer takes it`);
  const { keras, learningRateScale } = KERAS_LOSSES[loss as LossName];
  const learningRate = rate * learningRateScale(outputs);
  return {
    loss: keras,
    metrics: [],
    optimizer_config:
      optimizer === 'sgd'
        ? { class_name: 'SGD', config: { learningRate } }
        : { class_name: 'Momentum', config: { learningRate, momentum, useNesterov: false } },
  };
}

/**
 * A network from TF.js Layers artifacts (`tf.io.withSaveHandler`'s argument), or from a
 * parsed model.json and its weights (the files concatenated in manifest order).
 * A Dropout after a hidden layer becomes that layer's dropout; one on the inputs or the outputs
 * is skipped (it is the identity at inference, and here only hidden layers drop).
 */
export function fromTfjs(artifacts: TfjsArtifactsInput, options?: FromTfjsOptions): Network;
export function fromTfjs(modelJson: TfjsModelJSONInput, weights: ArrayBuffer | ArrayBufferView | ArrayBuffer[], options?: FromTfjsOptions): Network;
export function fromTfjs(model: unknown, second?: unknown, third?: unknown): Network {
  const label = 'fromTfjs';
  const m = plainObject(model, `${label}: model`);
  let specs: unknown[];
  let data: Uint8Array;
  let options: unknown;
  if (m.weightsManifest !== undefined) {
    const manifest = m.weightsManifest;
    if (!Array.isArray(manifest)) throw new TypeError(`${label}: weightsManifest: expected an array of { paths, weights }, got ${describe(manifest)}`);
    specs = manifest.flatMap((g, i) => {
      const group = plainObject(g, `${label}: weightsManifest[${i}]`);
      if (!Array.isArray(group.weights)) throw new TypeError(`${label}: weightsManifest[${i}].weights: expected an array, got ${describe(group.weights)}`);
      return group.weights as unknown[];
    });
    data = bytesOf(second, `${label}: weights`);
    options = third;
  } else {
    if (!Array.isArray(m.weightSpecs)) throw new TypeError(`${label}: weightSpecs: expected an array (or a model.json with weightsManifest), got ${describe(m.weightSpecs)}`);
    specs = m.weightSpecs;
    data = bytesOf(m.weightData, `${label}: weightData`);
    options = second;
  }
  const o = plainObject(options ?? {}, `${label}: options`);
  rejectUnknownKeys(o, ['backend', 'loss'], `${label}: options`);
  const backend = parseBackend(o.backend, label);
  const tensors = readWeights(specs, data, label);
  const dense = readTopology(m.modelTopology, label);

  const firstWidth = dense.declaredInputs ?? lookup(tensors, dense.layers[0].name, 'kernel', `${label}: Dense layer '${dense.layers[0].name}'`).shape[0];
  const withBias = dense.layers.some((l) => l.useBias);
  let count = 0;
  for (let i = 0, width = firstWidth; i < dense.layers.length; width = dense.layers[i++].units) {
    count += dense.layers[i].units * (width + (withBias ? 1 : 0));
  }
  // Ours: weights then bias, layer after layer (src/engine/layout.ts); a shape mismatch throws below before it is used.
  const parameters = new Float32Array(count);
  let at = 0;
  let inputs = firstWidth;
  const layers: Array<{ units: number; activation: ActivationName; dropout?: number }> = [];
  for (const l of dense.layers) {
    const where = `${label}: Dense layer '${l.name}'`;
    const kernel = lookup(tensors, l.name, 'kernel', where);
    if (kernel.shape.length !== 2 || kernel.shape[1] !== l.units) {
      throw new RangeError(`${where}: kernel: expected shape [inputs, ${l.units}], got [${kernel.shape.join(', ')}]`);
    }
    const width = kernel.shape[0];
    if (width !== inputs) throw new RangeError(`${where}: kernel: expected ${inputs} rows (the width before it), got ${width}`);
    for (let j = 0; j < l.units; j++) for (let k = 0; k < width; k++) parameters[at++] = kernel.values[k * l.units + j];
    if (l.useBias) {
      const bias = lookup(tensors, l.name, 'bias', where);
      if (bias.values.length !== l.units || bias.shape.length !== 1) throw new RangeError(`${where}: bias: expected shape [${l.units}], got [${bias.shape.join(', ')}]`);
      parameters.set(bias.values, at);
    }
    // Some layers have biases: ours is all or none, so a bias-free Dense keeps zeros, the same function.
    if (withBias) at += l.units;
    const hidden = layers.length < dense.layers.length - 1;
    layers.push({ units: l.units, activation: l.activation, ...(hidden && l.dropout > 0 && { dropout: l.dropout }) });
    inputs = l.units;
  }
  const loss = o.loss !== undefined ? oneOf(o.loss, Object.keys(losses) as LossName[], `${label}: options.loss`) : lossOf(m, label);
  // Validate here so the errors say fromTfjs (softmax only on the output, the loss fits the output).
  parseSpec({ layers: [firstWidth, ...layers], loss, bias: withBias }, label);
  const json: NetworkJSON = {
    format: FORMAT,
    version: FORMAT_VERSION,
    layers: [firstWidth, ...layers],
    loss,
    bias: withBias,
    init: DEFAULT_INIT,
    seed: 0,
    parameters: floatsToBase64(parameters),
  };
  return Network.fromJSON(json, { backend });
}

interface DenseLayer {
  name: string;
  units: number;
  useBias: boolean;
  activation: ActivationName;
  /** Whether an activation is already applied, so a following Activation layer cannot fold in. */
  activated: boolean;
  /** The rate of the Dropout layers after it (0 for none). */
  dropout: number;
}

/** The Dense layers of a Sequential topology, with activation layers folded into them. */
function readTopology(value: unknown, label: string): { layers: DenseLayer[]; declaredInputs: number | undefined } {
  let topology = plainObject(value, `${label}: modelTopology`);
  if (topology.model_config !== undefined) topology = plainObject(topology.model_config, `${label}: modelTopology.model_config`);
  if (topology.class_name !== 'Sequential') {
    throw new TypeError(`${label}: modelTopology: expected a Sequential model, got ${describe(topology.class_name)} (only a stack of Dense layers maps to this library)`);
  }
  // Keras before 2.2.3 stored the layer list as the config itself.
  const config = topology.config;
  const list = Array.isArray(config) ? config : plainObject(config, `${label}: modelTopology.config`).layers;
  if (!Array.isArray(list) || list.length === 0) throw new TypeError(`${label}: modelTopology.config.layers: expected a non-empty array, got ${describe(list)}`);

  const layers: DenseLayer[] = [];
  let declaredInputs: number | undefined;
  const classOf = (entry: unknown) => (entry !== null && typeof entry === 'object' ? (entry as { class_name?: unknown }).class_name : undefined);
  const firstDense = list.findIndex((e) => classOf(e) === 'Dense');
  const flattens = list.slice(0, firstDense < 0 ? list.length : firstDense).some((e) => classOf(e) === 'Flatten');
  list.forEach((entry: unknown, i) => {
    const layer = plainObject(entry, `${label}: layer ${i}`);
    const cls = layer.class_name;
    const cfg = plainObject(layer.config ?? {}, `${label}: layer ${i}.config`);
    const where = `${label}: layer ${i} (${String(cls)} '${String(cfg.name)}')`;
    if (layers.length === 0 && declaredInputs === undefined) declaredInputs = inputWidth(cfg, flattens, where);
    const fold = (activation: ActivationName) => {
      const last = layers[layers.length - 1];
      if (!last) throw new TypeError(`${where}: an activation before any Dense layer has no equivalent here`);
      if (last.activated) {
        throw new TypeError(`${where}: follows Dense '${last.name}' which already applies '${last.activation}'; two activations in a row are not one layer here`);
      }
      // Dropout then relu is relu then dropout (relu(m·z) = m·relu(z) for m ≥ 0); for the others the order matters.
      if (last.dropout > 0 && activation !== 'relu' && activation !== 'leaky-relu') {
        throw new TypeError(`${where}: '${activation}' after a Dropout has no equivalent here (a layer's dropout acts on its activations)`);
      }
      last.activation = activation;
      last.activated = true;
    };
    switch (cls) {
      case 'InputLayer':
        if (layers.length > 0) throw new TypeError(`${where}: an InputLayer after the first Dense layer`);
        return;
      case 'Dense': {
        const units = cfg.units;
        if (typeof units !== 'number' || !Number.isInteger(units) || units < 1) throw new RangeError(`${where}: units: expected a positive whole number, got ${describe(units)}`);
        const activation = kerasActivation(cfg.activation, `${where}: activation`);
        layers.push({ name: String(cfg.name), units, useBias: cfg.use_bias !== false, activation, activated: activation !== 'identity', dropout: 0 });
        return;
      }
      case 'Activation':
        return fold(kerasActivation(cfg.activation, `${where}: activation`));
      case 'LeakyReLU': {
        // TF.js writes alpha, Keras 3 negative_slope; both default to 0.3, and ours is fixed.
        const alpha = cfg.alpha ?? cfg.negative_slope ?? 0.3;
        if (typeof alpha !== 'number' || Math.abs(alpha - LEAKY_RELU_SLOPE) > 1e-9) {
          throw new RangeError(`${where}: alpha: this library's leaky-relu has slope ${LEAKY_RELU_SLOPE}, got ${describe(alpha)}`);
        }
        return fold('leaky-relu');
      }
      case 'ReLU': {
        const plain = (cfg.max_value ?? null) === null && (cfg.negative_slope ?? 0) === 0 && (cfg.threshold ?? 0) === 0;
        if (!plain) throw new TypeError(`${where}: only a plain ReLU maps here (max_value null, negative_slope 0, threshold 0)`);
        return fold('relu');
      }
      case 'Softmax': {
        const axis = cfg.axis ?? -1;
        if (axis !== -1 && axis !== 1 && !(Array.isArray(axis) && axis.length === 1 && (axis[0] === -1 || axis[0] === 1))) {
          throw new TypeError(`${where}: axis: expected -1 (the units), got ${JSON.stringify(axis)}`);
        }
        return fold('softmax');
      }
      case 'Flatten':
        // Row-major flattening before the first Dense is how our inputs are laid out already.
        if (layers.length > 0) throw new TypeError(`${where}: a Flatten after a Dense layer has no equivalent here`);
        if (cfg.data_format === 'channels_first') throw new TypeError(`${where}: data_format 'channels_first' reorders the inputs; only channels_last maps here`);
        return;
      case 'Dropout': {
        const rate = cfg.rate ?? 0;
        if (typeof rate !== 'number' || !(rate >= 0 && rate < 1)) throw new RangeError(`${where}: rate: expected a number in [0, 1), got ${describe(rate)}`);
        // Before any Dense it drops inputs, which has no equivalent here; it only acts while training, so it imports as nothing.
        const last = layers[layers.length - 1];
        // Two in a row keep a value with probability (1 − p₁)(1 − p₂); one keeps its rate exactly.
        if (last) last.dropout = last.dropout === 0 ? rate : 1 - (1 - last.dropout) * (1 - rate);
        return;
      }
      default:
        throw new TypeError(`${where}: the layer class ${describe(cls)} has no equivalent in this library (supported: ${SUPPORTED_LAYERS})`);
    }
  });
  if (layers.length === 0) throw new TypeError(`${label}: modelTopology: no Dense layer, so no weights to import`);
  return { layers, declaredInputs };
}

/** The input width a first layer declares (batch_input_shape in TF.js and Keras 2, batch_shape in Keras 3). */
function inputWidth(cfg: Record<string, unknown>, flatten: boolean, where: string): number | undefined {
  const shape = cfg.batch_input_shape ?? cfg.batch_shape ?? (cfg.input_shape === undefined ? undefined : [null, ...(cfg.input_shape as unknown[])]);
  if (shape === undefined || shape === null) return undefined;
  if (!Array.isArray(shape) || shape.length < 2 || shape.slice(1).some((d) => typeof d !== 'number' || !Number.isInteger(d) || d < 1)) {
    throw new TypeError(`${where}: input shape: expected [null, width] with known sizes, got ${JSON.stringify(shape)}`);
  }
  if (shape.length > 2 && !flatten) {
    throw new TypeError(`${where}: input shape ${JSON.stringify(shape)} has more than one dimension per sample; only a Flatten makes that a vector here`);
  }
  return (shape.slice(1) as number[]).reduce((a, b) => a * b, 1);
}

function kerasActivation(value: unknown, where: string): ActivationName {
  if (value === undefined || value === null) return 'identity';
  const name = typeof value === 'string' ? activationFromKeras.get(value) : undefined;
  if (name) return name;
  throw new TypeError(`${where}: ${describe(value)} has no equivalent here (supported: ${[...activationFromKeras.keys()].join(', ')})`);
}

/** The loss we saved, else the Keras training config's, else mse (what a Keras regression model uses). */
function lossOf(m: Record<string, unknown>, label: string): LossName {
  const meta = m.userDefinedMetadata as { backprop?: { loss?: unknown } } | undefined;
  const saved = meta?.backprop?.loss;
  if (typeof saved === 'string' && Object.hasOwn(losses, saved)) return saved as LossName;
  // TF.js writes trainingConfig beside the topology; tensorflowjs_converter keeps Keras' training_config inside it.
  const topology = m.modelTopology as { training_config?: unknown } | null | undefined;
  const training = (m.trainingConfig ?? topology?.training_config) as { loss?: unknown } | undefined | null;
  if (training === undefined || training === null) return 'mse';
  const loss = training.loss;
  if (typeof loss === 'string' && Object.hasOwn(LOSSES_FROM_KERAS, loss)) return LOSSES_FROM_KERAS[loss];
  throw new TypeError(`${label}: trainingConfig.loss: ${typeof loss === 'string' ? `'${loss}'` : describe(loss)} has no equivalent here (known: ${Object.keys(LOSSES_FROM_KERAS).join(', ')}); pass { loss } to choose one`);
}

interface Tensor {
  shape: number[];
  values: Float32Array;
}

/** Decode the weight buffer by its specs, in order, as little-endian float32. */
function readWeights(specs: unknown[], data: Uint8Array, label: string): Map<string, Tensor> {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const out = new Map<string, Tensor>();
  let at = 0;
  specs.forEach((s, i) => {
    const where = `${label}: weight ${i} (${describe((s as { name?: unknown } | null)?.name)})`;
    const spec = plainObject(s, where);
    if (typeof spec.name !== 'string') throw new TypeError(`${where}: name: expected a string, got ${describe(spec.name)}`);
    if (spec.quantization !== undefined) throw new TypeError(`${where}: quantized weights are not supported; save the model without quantization`);
    const shape = spec.shape;
    if (!Array.isArray(shape) || shape.some((d) => typeof d !== 'number' || !Number.isInteger(d) || d < 0)) {
      throw new TypeError(`${where}: shape: expected an array of sizes, got ${describe(shape)}`);
    }
    const count = (shape as number[]).reduce((a, b) => a * b, 1);
    // model.save({ includeOptimizer: true }) appends the optimizer's state (an int32 step count,
    // moments): we train with our own optimizer, so it is stepped over.
    if (spec.group === 'optimizer' && (spec.dtype === 'float32' || spec.dtype === 'int32')) {
      at += count * 4;
      return;
    }
    if (spec.dtype !== 'float32') throw new TypeError(`${where}: dtype: expected 'float32', got ${describe(spec.dtype)}`);
    if (at + count * 4 > data.byteLength) {
      throw new RangeError(`${where}: the weight data ends at byte ${data.byteLength}, this tensor needs bytes ${at} to ${at + count * 4}`);
    }
    const values = new Float32Array(count);
    for (let k = 0; k < count; k++) values[k] = view.getFloat32(at + 4 * k, true);
    for (let k = 0; k < count; k++) {
      if (!Number.isFinite(values[k])) throw new RangeError(`${where}: value ${k} is ${values[k]}, expected a finite number`);
    }
    at += count * 4;
    out.set(spec.name, { shape: shape as number[], values });
  });
  if (at !== data.byteLength) throw new RangeError(`${label}: the weight specs describe ${at} bytes, the weight data has ${data.byteLength}`);
  return out;
}

/** `layer/kernel`, or a name ending in it (a Keras model nested in another prefixes its name). */
function lookup(tensors: Map<string, Tensor>, layer: string, part: 'kernel' | 'bias', where: string): Tensor {
  const exact = tensors.get(`${layer}/${part}`);
  if (exact) return exact;
  const matches = [...tensors.keys()].filter((k) => k.endsWith(`/${layer}/${part}`));
  if (matches.length === 1) return tensors.get(matches[0])!;
  throw new TypeError(`${where}: no weight named '${layer}/${part}' in the weight specs (found ${[...tensors.keys()].join(', ') || 'none'})`);
}

function bytesOf(value: unknown, label: string): Uint8Array {
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  if (Array.isArray(value) && value.every((b) => b instanceof ArrayBuffer)) {
    // TF.js may hand the weights over as several buffers; they are one stream in spec order.
    const out = new Uint8Array(value.reduce((n, b: ArrayBuffer) => n + b.byteLength, 0));
    let at = 0;
    for (const b of value as ArrayBuffer[]) {
      out.set(new Uint8Array(b), at);
      at += b.byteLength;
    }
    return out;
  }
  throw new TypeError(`${label}: expected an ArrayBuffer, a typed array or an array of ArrayBuffers, got ${describe(value)}`);
}

function littleEndian(values: Float32Array): ArrayBuffer {
  const buffer = new ArrayBuffer(values.length * 4);
  const view = new DataView(buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i], true);
  return buffer;
}

// ---- files (Node) ---------------------------------------------------------------------

type Fs = typeof import('node:fs/promises');
type Path = typeof import('node:path');

/** Write `model.json` and `weights.bin` into `dir` (created if missing), as `model.save('file://dir')` does. */
export async function saveTfjs(net: Network, dir: string, options: ToTfjsOptions = {}): Promise<{
  /** The path of the model.json written. */
  modelJson: string;
  /** The path of the weights.bin written. */
  weights: string;
}> {
  const label = 'saveTfjs';
  if (typeof dir !== 'string' || dir === '') throw new TypeError(`${label}: dir: expected a directory path, got ${describe(dir)}`);
  const artifacts = toTfjs(net, options);
  const { mkdir, writeFile } = (await nodeBuiltin('node:fs/promises')) as Fs;
  const { join } = (await nodeBuiltin('node:path')) as Path;
  const { weightSpecs, weightData, ...rest } = artifacts;
  const modelJson: TfjsModelJSON = { ...rest, weightsManifest: [{ paths: ['weights.bin'], weights: weightSpecs }] };
  await mkdir(dir, { recursive: true });
  const paths = { modelJson: join(dir, 'model.json'), weights: join(dir, 'weights.bin') };
  await writeFile(paths.weights, new Uint8Array(weightData as ArrayBuffer));
  await writeFile(paths.modelJson, JSON.stringify(modelJson));
  return paths;
}

/** Read a saved TF.js Layers model: a directory holding model.json, or the model.json path itself. */
export async function loadTfjs(path: string, options: FromTfjsOptions = {}): Promise<Network> {
  const label = 'loadTfjs';
  if (typeof path !== 'string' || path === '') throw new TypeError(`${label}: path: expected a directory or a model.json path, got ${describe(path)}`);
  const { readFile } = (await nodeBuiltin('node:fs/promises')) as Fs;
  const { join, dirname, resolve, relative, isAbsolute } = (await nodeBuiltin('node:path')) as Path;
  const file = path.endsWith('.json') ? path : join(path, 'model.json');
  let modelJson: TfjsModelJSON;
  try {
    modelJson = JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    throw new Error(`${label}: could not read ${file}: ${(e as Error).message}`);
  }
  const manifest = plainObject(modelJson, `${label}: ${file}`).weightsManifest;
  if (!Array.isArray(manifest)) throw new TypeError(`${label}: ${file}: weightsManifest: expected an array, got ${describe(manifest)}`);
  const dir = dirname(file);
  const buffers: ArrayBuffer[] = [];
  for (const group of manifest) {
    for (const p of (group as { paths?: unknown }).paths as unknown[] ?? []) {
      // Shard paths are relative to model.json; one that leaves its directory is refused.
      const rel = relative(dir, resolve(dir, String(p)));
      if (typeof p !== 'string' || isAbsolute(p) || rel.startsWith('..')) throw new TypeError(`${label}: ${file}: weight path ${describe(p)} is outside the model's directory`);
      const bytes = await readFile(join(dir, p));
      buffers.push(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
    }
  }
  return fromTfjs(modelJson, buffers, options);
}
