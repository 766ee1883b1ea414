// The public class: it checks every argument, then delegates to the engine (src/engine/), so a
// call that throws leaves the network as it was. Options are parsed in src/validate/, saved
// forms live in src/persist/, training in a worker in src/worker/.
import type { BackendName } from './backends/backend.js';
import { Engine, type Evaluation, type LayerGradients, type LayerWeights } from './engine/engine.js';
import { runFit, type History } from './engine/fit.js';
import { runDatasetFit } from './engine/fit-dataset.js';
import { parseDatasetFit, type Dataset, type DatasetFitOptions } from './validate/dataset-options.js';
import { checkpointedFit } from './persist/checkpoint.js';
import type { Random } from './random.js';
import { jsOnlyReason } from './custom.js';
import type { Trace } from './trace.js';
import { freshSeed } from './random.js';
import { parseSpec, parseSeed, parseBackend, parseThreads, type NetworkOptions, type NetworkSpec, type BackendChoice } from './validate/network-options.js';
import { parseStepOptions, type StepOptions } from './validate/step-options.js';
import { parseFitOptions, parseTrainInWorkerOptions, type FitOptions, type TrainInWorkerOptions } from './validate/fit-options.js';
import { parseGradientsOptions, parseLoadOptions, parseSaveOptions, parseTraceOptions, type GradientsOptions, type SaveOptions, type TraceOptions } from './validate/call-options.js';
import { rowCounts, trainingData } from './validate/training-data.js';
import { copyOfRows, rowCount, type Samples } from './validate/samples.js';
import { describe } from './validate/values.js';
import { networkToJSON, parseNetworkJSON, type NetworkJSON, type SavedNetwork } from './persist/json.js';
import { encodeNetwork, decodeNetwork } from './persist/binary.js';
import { readNetworkFile, writeFileAtomic } from './persist/file.js';
import { checkSendable, trainInWorker } from './worker/train-in-worker.js';
import { networkModule, parseModuleOptions, type ModuleOptions } from './module/source.js';

export type { LayerWeights, LayerGradients, Evaluation };

/**
 * A feed-forward network trained by backpropagation. All numbers live in one arena owned by
 * its engine's backend (Wasm linear memory or one ArrayBuffer).
 */
export class Network {
  private constructor(private readonly engine: Engine) {}

  /** Build a network; `backend: 'auto'` (the default) picks Wasm where Wasm SIMD validates. */
  static async create(options: NetworkOptions): Promise<Network> {
    const label = 'Network.create';
    const spec = parseSpec(options, label);
    const o = options as NetworkOptions;
    const seed = parseSeed(o.seed, label) ?? freshSeed();
    const request = { choice: parseBackend(o.backend, label), threads: parseThreads(o.threads, label), jsOnly: jsOnlyReason(spec) };
    return new Network(await Engine.create(spec, seed, request, label));
  }

  /** The validated architecture: what toJSON stores. */
  get spec(): NetworkSpec {
    return this.engine.spec;
  }

  /** The seed the network was created with. */
  get seed(): number {
    return this.engine.seed;
  }

  /** The generator behind initialisation and shuffling; fit continues its stream. */
  get rng(): Random {
    return this.engine.rng;
  }

  /** 'wasm' or 'js': the backend actually running. */
  get backend(): BackendName {
    return this.engine.backend.name;
  }

  /** Why the network runs on `backend` rather than what was asked or Wasm (e.g. a custom activation); null when nothing was forced. */
  get backendReason(): string | null {
    return this.engine.backendReason;
  }

  /** Which build of the kernels runs (e.g. 'wasm-relaxed-simd', 'wasm-simd × 2 threads', 'js'). */
  get kernel(): string {
    return this.engine.backend.kernel;
  }

  /** Threads this network trains on (1 unless created with `threads`). */
  get threads(): number {
    return this.engine.backend.threads;
  }

  /** The input width: numbers per sample. */
  get inputs(): number {
    return this.engine.inputs;
  }

  /** The output width: numbers per prediction and per target. */
  get outputs(): number {
    return this.engine.outputs;
  }

  /** Number of weighted layers (the input layer has no weights). */
  get layerCount(): number {
    return this.engine.layout.shapes.length;
  }

  /** Total number of trainable numbers (weights and biases). */
  get parameterCount(): number {
    return this.engine.layout.paramCount;
  }

  // ---- inference ------------------------------------------------------------

  /** The outputs for one sample. */
  predict(input: ArrayLike<number>): Float32Array {
    const label = 'predict: input';
    this.engine.live('predict');
    const flat = input !== null && typeof input === 'object' && typeof input[0] !== 'object';
    if (flat && input.length !== this.inputs) {
      throw new RangeError(`predict: expected ${this.inputs} inputs, got ${input.length} (use predictBatch for several samples)`);
    }
    if (rowCount(input, this.inputs, label) !== 1) {
      throw new RangeError(`predict: expected one sample of ${this.inputs} inputs, got ${input.length} rows (use predictBatch for several samples)`);
    }
    return this.engine.predict(input, 1, label);
  }

  /** The outputs for n samples: a Float32Array of n × outputs, row-major. */
  predictBatch(inputs: Samples): Float32Array {
    const label = 'predictBatch: inputs';
    this.engine.live('predictBatch');
    return this.engine.predict(inputs, rowCount(inputs, this.inputs, label), label);
  }

  /** Mean loss over the samples and, where targets are class labels, the accuracy. */
  evaluate(inputs: Samples, targets: Samples): Evaluation {
    this.engine.live('evaluate');
    // The targets are kept as a checked copy; the inputs go straight into the arena chunk by chunk, checked there.
    const rows = rowCounts(inputs, targets, this.engine, 'evaluate');
    const y = copyOfRows(targets, this.outputs, rows, 'evaluate: targets');
    return this.engine.evaluate(inputs, y, rows, 'evaluate: inputs');
  }

  // ---- training ---------------------------------------------------------------

  /** dE/dw and dE/db averaged over the batch, one entry per layer; nothing is updated. `{ training: true }` applies dropout as a training step would. */
  gradients(inputs: Samples, targets: Samples, options: GradientsOptions = {}): LayerGradients[] {
    const { training } = parseGradientsOptions(options, 'gradients');
    return this.engine.gradients(this.loadBatch(inputs, targets, 'gradients'), training);
  }

  /**
   * One forward and backward pass on this batch (or one sample), recorded layer by layer for
   * learners: inputs, z, a, dE/da, f'(z), δ, dE/dw, dE/db, the error sent below and, with a
   * learningRate, the weights one SGD step would give; with `training: true`, under a dropout
   * mask as a training step draws it. Copies; the weights are not changed.
   */
  trace(inputs: Samples, targets: Samples, options: TraceOptions = {}): Trace {
    this.engine.live('trace');
    const { learningRate, training } = parseTraceOptions(options, 'trace');
    return this.engine.trace(this.loadBatch(inputs, targets, 'trace'), learningRate, training);
  }

  /** ONE gradient-descent step on this batch. Returns the batch loss before the step. */
  trainStep(inputs: Samples, targets: Samples, options: StepOptions = {}): number {
    this.engine.live('trainStep');
    const step = parseStepOptions(options, 'trainStep');
    return this.engine.step(this.loadBatch(inputs, targets, 'trainStep'), step, 'trainStep');
  }

  /**
   * Train for some epochs of minibatch gradient descent: on arrays, or on a dataset (a function
   * returning an async iterable of [inputs, targets] rows or { x, y } batches, called once per
   * epoch), read as it streams and never held: see DatasetFitOptions.
   */
  async fit(inputs: Samples, targets: Samples, options?: FitOptions): Promise<History>;
  async fit(dataset: Dataset, options?: DatasetFitOptions): Promise<History>;
  async fit(inputs: Samples | Dataset, targets?: Samples | DatasetFitOptions, options: FitOptions = {}): Promise<History> {
    const label = 'fit';
    this.engine.live(label);
    if (typeof inputs === 'function') {
      if (Array.isArray(targets) || ArrayBuffer.isView(targets)) throw new TypeError(`${label}: inputs: a function is a dataset, fit(dataset, options), which brings its own targets; got targets as well`);
      return runDatasetFit(this.engine, parseDatasetFit(inputs, targets ?? {}, this.engine, label), label);
    }
    const plan = parseFitOptions(options, label);
    const data = trainingData(plan, inputs, targets as Samples, this.engine, label);
    return plan.checkpoint ? checkpointedFit(this.engine, data, plan, label) : runFit(this.engine, data, plan, label);
  }

  /**
   * fit in a worker thread (Node worker_threads, a module Worker in browsers), so the calling
   * thread stays free. The same seed gives bit-identical weights to fit in place. Progress
   * comes through onProgress; on abort the weights trained so far are kept, as fit does.
   */
  async trainInWorker(inputs: Samples, targets: Samples, options: TrainInWorkerOptions = {}): Promise<History> {
    const label = 'trainInWorker';
    this.engine.live(label);
    checkSendable(this.engine, label);
    const request = parseTrainInWorkerOptions(options, label);
    const data = trainingData(request.plan, inputs, targets, this.engine, label, true);
    return trainInWorker(this.engine, data, request, label);
  }

  // ---- weights --------------------------------------------------------------------

  /** Layer i's weights (0 = first weighted layer), as copies. */
  getWeights(layer: number): LayerWeights {
    this.engine.live('getWeights');
    return this.engine.layerWeights(this.layerIndex(layer, 'getWeights'));
  }

  /**
   * Replace layer i's weights: number[][] as [units][inputs] (row j = weights into unit j)
   * or flat row-major; the bias is left as it is when omitted.
   */
  setWeights(layer: number, weights: Samples, bias?: ArrayLike<number>): void {
    this.engine.live('setWeights');
    const i = this.layerIndex(layer, 'setWeights');
    const { units, inputs } = this.engine.layout.shapes[i];
    const label = `setWeights(${i})`;
    const rows = rowCount(weights, inputs, `${label}: weights`);
    if (rows !== units) throw new RangeError(`${label}: weights: expected ${units} × ${inputs} (units × inputs), got ${rows} × ${inputs}`);
    const w = copyOfRows(weights, inputs, units, `${label}: weights`);
    let b: Float32Array | null = null;
    if (bias !== undefined) {
      if (!this.spec.bias) throw new TypeError(`${label}: bias: this network was created with bias: false`);
      const n = rowCount(bias, 1, `${label}: bias`);
      if (n !== units) throw new RangeError(`${label}: bias: expected ${units} values, got ${n}`);
      b = copyOfRows(bias, 1, units, `${label}: bias`);
    }
    this.engine.setLayerWeights(i, w, b);
  }

  /** All parameters as one flat vector (weights then bias, layer after layer), a copy. */
  getParameters(): Float32Array {
    this.engine.live('getParameters');
    return this.engine.parameters();
  }

  // ---- saving and loading ------------------------------------------------------------

  /** The versioned JSON form: architecture, seed and the parameters as base64 float32 (what JSON.stringify writes). */
  toJSON(): NetworkJSON {
    this.engine.live('toJSON');
    return networkToJSON(this.spec, this.seed, this.engine.parameters());
  }

  /** Rebuild a network saved by toJSON (as an object or its JSON text), on any backend. */
  static fromJSON(json: unknown, options: { backend?: BackendChoice } = {}): Network {
    const label = 'Network.fromJSON';
    const backend = parseLoadOptions(options, label);
    return Network.restore(parseNetworkJSON(json, label), backend, label);
  }

  /**
   * The source text of a standalone module (no dependencies, the parameters embedded) exporting
   * predict(input) and predictBatch(inputs); its outputs equal predict on the JS backend bit for bit.
   */
  toModule(options: ModuleOptions = {}): string {
    const label = 'toModule';
    this.engine.live(label);
    return networkModule(this.spec, this.engine.parameters(), parseModuleOptions(options, label), label);
  }

  /** The compact binary form: a small header, the parameters as raw float32, a checksum (layout in src/persist/binary.ts). */
  toBuffer(): Uint8Array {
    this.engine.live('toBuffer');
    return encodeNetwork(this.spec, this.seed, this.engine.parameters());
  }

  /** Rebuild a network saved by toBuffer, on any backend; the parameters are bit-identical. */
  static fromBuffer(bytes: Uint8Array | ArrayBuffer, options: { backend?: BackendChoice } = {}): Network {
    const label = 'Network.fromBuffer';
    const backend = parseLoadOptions(options, label);
    return Network.restore(decodeNetwork(bytes, label), backend, label);
  }

  /**
   * Node only: write the network to a file, as JSON (toJSON) when the path ends in .json and
   * binary (toBuffer) otherwise, unless `format` says which. Written through a temporary file.
   */
  async save(path: string, options: SaveOptions = {}): Promise<void> {
    const label = 'save';
    this.engine.live(label);
    const { path: file, format } = parseSaveOptions(path, options, label);
    await writeFileAtomic(file, format === 'json' ? JSON.stringify(this.toJSON()) : this.toBuffer(), label);
  }

  /** Node only: read a network written by save, in either form (told apart by its first bytes, not the extension). */
  static async load(path: string, options: { backend?: BackendChoice } = {}): Promise<Network> {
    const label = 'Network.load';
    const backend = parseLoadOptions(options, label);
    const { saved, where } = await readNetworkFile(path, label);
    return Network.restore(saved, backend, where);
  }

  /** Free the backend's memory (and stop its threads); every later call throws. */
  dispose(): void {
    this.engine.dispose();
  }

  // ---- helpers --------------------------------------------------------------------

  /** A network holding saved parameters (already checked against the architecture). */
  private static restore(saved: SavedNetwork, choice: BackendChoice, label: string): Network {
    return new Network(Engine.restore(saved, { choice, jsOnly: jsOnlyReason(saved.spec) }, label));
  }

  private layerIndex(layer: unknown, label: string): number {
    const n = this.layerCount;
    if (typeof layer !== 'number' || !Number.isInteger(layer) || layer < 0 || layer >= n) {
      throw new RangeError(`${label}: layer: expected a layer index from 0 to ${n - 1}, got ${describe(layer)}`);
    }
    return layer;
  }

  /** Check a batch and copy it into the arena's input and target buffers; returns its rows. */
  private loadBatch(inputs: Samples, targets: Samples, label: string): number {
    this.engine.live(label);
    const rows = rowCounts(inputs, targets, this.engine, label);
    this.engine.loadBatch(inputs, targets, rows, label);
    return rows;
  }
}
