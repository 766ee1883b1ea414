// A network together with its encoding: records in, answers in the target's terms out. What
// `backprop train` writes and `predict`/`evaluate` read, so a model trained on the command line
// loads in code and the other way round.
import { Network } from '../network.js';
import type { History } from '../engine/fit.js';
import { meanSquaredError } from '../data/metrics.js';
import { unstandardize } from '../data/standardize.js';
import { isNode, nodeBuiltin } from '../platform.js';
import { writeFileAtomic } from '../persist/file.js';
import { jsonObject, type NetworkJSON } from '../persist/json.js';
import { parseModuleOptions, type ModuleOptions } from '../module/source.js';
import { parseLoadOptions, parsePath } from '../validate/call-options.js';
import type { BackendChoice } from '../validate/network-options.js';
import { describe, oneOf, optionsObject, plainObject } from '../validate/values.js';
import { Encoding, type DataRecord, type EncodeOptions, type EncodingJSON, type Prediction, type RowError } from './encoding.js';
import { prepareFit, type ModelFitOptions } from './fit.js';
import { modelModule } from './module.js';
import { rowsOf, type ModelData } from './records.js';

/** The model file: the network's own JSON wrapped with the encoding that turns columns into its inputs. */
export interface ModelJSON {
  /** Always 'backprop-model': tells a model file from a bare network ('backprop-network'). */
  format: 'backprop-model';
  /** The format version (1). */
  version: number;
  /** The encoding (Encoding.toJSON). */
  preprocessing: EncodingJSON;
  /** The network (Network.toJSON). */
  network: NetworkJSON;
}

/** What Model.evaluate returns. */
export interface ModelEvaluation {
  /** Records evaluated. */
  rows: number;
  /** The network's loss, averaged over the records. */
  loss: number;
  /** Share of records whose class (or 0/1) is predicted right, for a classes or 0/1 target. */
  accuracy?: number;
  /** Mean squared error in the target's own units, for a number target. */
  meanSquaredError?: number;
}

export const MODEL_FORMAT = 'backprop-model';
export const MODEL_VERSION = 1;

/**
 * A network with its encoding (Keras' preprocessing layers, kept as data): `predict({ gre: 700,
 * gpa: 3.7, rank: '1' })` answers `{ admit: 1, probability: 0.71 }`.
 */
export class Model {
  /**
   * Pair a network with the encoding of its inputs and target (their widths must match).
   * @param network The network; the model owns it from here (dispose frees it).
   * @param encoding How records become its inputs and its outputs become predictions.
   * @param history What fit recorded, for a model Model.fit trained; null otherwise.
   */
  constructor(readonly network: Network, readonly encoding: Encoding, readonly history: History | null = null) {
    if (!(network instanceof Network)) throw new TypeError(`Model: network: expected a Network, got ${describe(network)}`);
    if (!(encoding instanceof Encoding)) throw new TypeError(`Model: encoding: expected an Encoding, got ${describe(encoding)}`);
    if (encoding.inputWidth !== network.inputs || encoding.outputWidth !== network.outputs) {
      throw new RangeError(`Model: the encoding makes ${encoding.inputWidth} inputs and reads ${encoding.outputWidth} outputs; the network has ${network.inputs} and ${network.outputs}`);
    }
  }

  /**
   * Train a model on records keyed by column name (or a table from parseCsv): the encoding is
   * fitted on them, the output layer and loss follow from the target, any Network.fit option
   * passes through.
   */
  static async fit(data: ModelData, options: ModelFitOptions): Promise<Model> {
    const job = await prepareFit(data, options, 'Model.fit');
    try {
      return new Model(job.network, job.encoding, await job.run());
    } catch (e) {
      job.network.dispose();
      throw e;
    }
  }

  /** One record's prediction in the target's terms; a missing, unknown or malformed field throws, naming it. */
  predict(record: DataRecord, options: EncodeOptions = {}): Prediction {
    const label = 'predict';
    const x = this.encoding.encodeInputs([record], (_row, detail) => new RangeError(`${label}: ${detail}`), encodeOptions(options, label));
    return this.encoding.decode(this.network.predict(x), 1)[0];
  }

  /** Predictions for records (or a parsed CSV's rows), in order. */
  predictBatch(data: ModelData, options: EncodeOptions = {}): Prediction[] {
    const label = 'predictBatch';
    const { records, error } = rowsOf(data, label);
    const x = this.encoding.encodeInputs(records, error, encodeOptions(options, label));
    return this.encoding.decode(this.network.predictBatch(x), records.length);
  }

  /** The loss on labelled records and accuracy (classes, 0/1) or mean squared error in the target's units (numbers). */
  evaluate(data: ModelData, options: EncodeOptions = {}): ModelEvaluation {
    const label = 'evaluate';
    const { records, error } = rowsOf(data, label);
    const { x, y } = this.encode(records, error, encodeOptions(options, label));
    const { loss, accuracy } = this.network.evaluate(x, y);
    const result: ModelEvaluation = { rows: records.length, loss };
    const t = this.encoding.target;
    if (t.kind !== 'number') result.accuracy = accuracy;
    else {
      const out = this.network.predictBatch(x);
      result.meanSquaredError = t.scaler ? meanSquaredError(unstandardize(out, t.scaler), unstandardize(y, t.scaler)) : meanSquaredError(out, y);
    }
    return result;
  }

  /** The model file's JSON form (what JSON.stringify writes and `backprop train --out` writes). */
  toJSON(): ModelJSON {
    return { format: MODEL_FORMAT, version: MODEL_VERSION, preprocessing: this.encoding.toJSON(), network: this.network.toJSON() };
  }

  /** Rebuild a model from toJSON's form (an object or its JSON text), on any backend. */
  static fromJSON(json: unknown, options: { backend?: BackendChoice } = {}): Model {
    const label = 'Model.fromJSON';
    return parseModel(json, parseLoadOptions(options, label), label);
  }

  /** Node only: write the model file (JSON, as `backprop train` writes it), through a temporary file. */
  async save(path: string): Promise<void> {
    await writeFileAtomic(parsePath(path, 'Model.save'), modelText(this), 'Model.save');
  }

  /** Node only: read a model file written by save or `backprop train`. */
  static async load(path: string, options: { backend?: BackendChoice } = {}): Promise<Model> {
    const label = 'Model.load';
    const backend = parseLoadOptions(options, label);
    const file = parsePath(path, label);
    if (!isNode()) throw new Error(`${label}: files need Node's file system; in a browser fetch the JSON yourself and use Model.fromJSON`);
    const fs = (await nodeBuiltin('node:fs/promises')) as typeof import('node:fs/promises');
    let text: string;
    try {
      text = await fs.readFile(file, 'utf8');
    } catch (e) {
      throw new Error(`${label}: cannot read ${JSON.stringify(file)}: ${(e as Error).message}`);
    }
    return parseModel(text, backend, `${label}: ${JSON.stringify(file)}`);
  }

  /**
   * The source text of a standalone module (no dependencies) exporting predict(record) and
   * predictBatch(records) in the target's terms, with the encoding and parameters embedded; its
   * answers equal this model's on the JS backend bit for bit.
   */
  toModule(options: ModuleOptions = {}): string {
    const label = 'Model.toModule';
    const format = parseModuleOptions(options, label);
    return modelModule(this.encoding, this.network.spec, this.network.getParameters(), format, label);
  }

  /** Free the network's memory; every later call throws. */
  dispose(): void {
    this.network.dispose();
  }

  private encode(records: readonly DataRecord[], error: RowError, options: EncodeOptions): { x: Float32Array; y: Float32Array } {
    return { x: this.encoding.encodeInputs(records, error, options), y: this.encoding.encodeTargets(records, error) };
  }
}

/** The model file's text: indented one space, as `backprop train` has always written it. */
export function modelText(model: Model): string {
  return JSON.stringify(model.toJSON(), null, 1) + '\n';
}

/** A model from its JSON form; `label` starts every error (a call, or the file's name). */
export function parseModel(json: unknown, backend: BackendChoice, label: string): Model {
  const o = jsonObject(json, label);
  if (o.format === 'backprop-network') throw new TypeError(`${label}: this is a bare network without its encoding: load it with Network.load or Network.fromJSON`);
  if (o.format !== MODEL_FORMAT) throw new TypeError(`${label}: format: expected '${MODEL_FORMAT}', got ${describe(o.format)}`);
  if (o.version !== MODEL_VERSION) throw new RangeError(`${label}: model file version ${describe(o.version)}; this backprop reads version ${MODEL_VERSION}`);
  const encoding = Encoding.fromJSON(o.preprocessing, label);
  const network = Network.fromJSON(o.network, { backend });
  try {
    return new Model(network, encoding);
  } catch (e) {
    network.dispose();
    throw new RangeError(`${label}: ${(e as Error).message.replace(/^Model: /, '')}`);
  }
}

function encodeOptions(options: unknown, label: string): EncodeOptions {
  const o = optionsObject(options, ['defaults', 'extraFields'], `${label}: options`);
  if (o.defaults !== undefined) plainObject(o.defaults, `${label}: defaults`);
  const extraFields = o.extraFields === undefined ? 'error' : oneOf(o.extraFields, ['error', 'ignore'] as const, `${label}: extraFields`);
  return { defaults: o.defaults as EncodeOptions['defaults'], extraFields };
}
