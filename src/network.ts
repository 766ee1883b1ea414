import type { Backend, BackendName } from './backends/backend.js';
import { openBackend, openBackendNow } from './backends/index.js';
import { Layout, CHUNK_ROWS, type LayerShape } from './layout.js';
import { activationEntry } from './registry/activations.js';
import { lossEntry, type LossEntry } from './registry/losses.js';
import { initializers } from './registry/initializers.js';
import { Random, freshSeed } from './random.js';
import { forwardPass, batchLoss } from './passes.js';
import { parseSpec, parseSeed, parseBackend, parseThreads, type NetworkOptions, type NetworkSpec, type BackendChoice } from './options.js';
import { rowCount, copyRows, copyOfRows, describe, type Samples } from './samples.js';
import { parseStepOptions, StepRunner, type StepOptions, type OptimizerState } from './step.js';
import { fitNetwork, type FitOptions, type History, type Trainer, type TrainingSamples } from './fit.js';
import { networkToJSON, parseNetworkJSON, type NetworkJSON } from './serialize.js';
import { jsOnlyReason, bindArena } from './custom.js';
import { traceBatch, parseTraceOptions, type Trace, type TraceOptions } from './trace.js';
import { encodeNetwork, decodeNetwork, hasMagic } from './persist/binary.js';
import { parseSaveOptions, parseLoadOptions, writeFileAtomic, readFileBytes, utf8, type SaveOptions } from './persist/file.js';
import { runInWorker, type TrainInWorkerOptions } from './worker/train-in-worker.js';
import type { TrainingJob } from './worker/protocol.js';
import type { SavedNetwork } from './serialize.js';
import { isCustomActivation, isCustomLoss } from './custom.js';
import { KERNEL_BUILDS, type KernelBuild } from './backends/wasm/module.js';

export interface LayerWeights {
  /** units × inputs, row-major: weights[j * inputs + k] connects input k to unit j. */
  weights: Float32Array;
  /** One per unit, or null for a network without biases. */
  bias: Float32Array | null;
  units: number;
  inputs: number;
}

export interface LayerGradients {
  weights: Float32Array;
  bias: Float32Array | null;
}

export interface Evaluation {
  loss: number;
  /** Fraction of samples classified right, where targets are class labels (0/1 or one-hot). */
  accuracy?: number;
}

/** Most outputs predictBatch returns at once (4 GiB of float32, the JS backend's own arena limit). */
const MAX_OUTPUTS = 2 ** 30;

/** fit keeps its row order as float32 indices, exact up to 2^24. */
const MAX_PACKED_ROWS = 2 ** 24;

/**
 * A feed-forward network trained by backpropagation. All numbers live in one arena owned
 * by the backend (Wasm linear memory or one ArrayBuffer); this class checks every argument
 * before touching it, so a call that throws leaves the network as it was.
 */
export class Network {
  /** The generator behind initialisation and shuffling; fit continues its stream. */
  readonly rng: Random;
  private readonly layout: Layout;
  private readonly lossEntry: LossEntry;
  private readonly steps: StepRunner;
  private disposed = false;

  private constructor(
    readonly spec: NetworkSpec,
    readonly seed: number,
    private readonly impl: Backend,
    /** Why the network runs on `backend` rather than what was asked or Wasm (e.g. a custom activation); null when nothing was forced. */
    readonly backendReason: string | null = null,
  ) {
    const shapes: LayerShape[] = [];
    let inputs = spec.inputs;
    for (const l of spec.layers) {
      shapes.push({ inputs, units: l.units, activation: activationEntry(l.activation)! });
      inputs = l.units;
    }
    this.lossEntry = lossEntry(spec.loss)!;
    if (shapes.some((s) => s.activation.custom) || this.lossEntry.custom) bindArena(impl);
    this.layout = new Layout(impl.base, shapes, spec.bias);
    this.ensureRows(1);
    this.rng = new Random(seed);
    this.steps = new StepRunner(impl, this.layout);
  }

  /** Build a network; `backend: 'auto'` (the default) picks Wasm where Wasm SIMD validates. */
  static async create(options: NetworkOptions): Promise<Network> {
    const label = 'Network.create';
    const spec = parseSpec(options, label);
    const o = options as NetworkOptions;
    const seed = parseSeed(o.seed, label) ?? freshSeed();
    const threads = parseThreads(o.threads, label);
    const { backend, reason } = await openBackend({ choice: parseBackend(o.backend, label), threads, jsOnly: jsOnlyReason(spec) }, label);
    const net = withArena(backend, label, () => new Network(spec, seed, backend, reason));
    net.initialise();
    return net;
  }

  /** Fill the weights from the init distribution and zero the biases. */
  private initialise(): void {
    const sample = initializers[this.spec.init];
    const f32 = this.impl.f32;
    this.layout.shapes.forEach((s, i) => {
      const l = this.layout.layers[i];
      for (let j = 0; j < s.units * s.inputs; j++) f32[l.weights + j] = sample(this.rng, s.inputs, s.units);
      if (l.bias >= 0) f32.fill(0, l.bias, l.bias + s.units);
    });
  }

  /** 'wasm' or 'js': the backend actually running. */
  get backend(): BackendName {
    return this.impl.name;
  }

  /** Which build of the kernels runs (e.g. 'wasm-relaxed-simd', 'wasm-simd × 2 threads', 'js'). */
  get kernel(): string {
    return this.impl.kernel;
  }

  /** Threads this network trains on (1 unless created with `threads`). */
  get threads(): number {
    return this.impl.threads;
  }

  get inputs(): number {
    return this.spec.inputs;
  }

  get outputs(): number {
    return this.layout.outputWidth;
  }

  /** Number of weighted layers (the input layer has no weights). */
  get layerCount(): number {
    return this.layout.shapes.length;
  }

  /** Total number of trainable numbers (weights and biases). */
  get parameterCount(): number {
    return this.layout.paramCount;
  }

  // ---- inference ------------------------------------------------------------

  /** The outputs for one sample. */
  predict(input: ArrayLike<number>): Float32Array {
    this.live('predict');
    const flat = input !== null && typeof input === 'object' && typeof input[0] !== 'object';
    if (flat && input.length !== this.inputs) {
      throw new RangeError(`predict: expected ${this.inputs} inputs, got ${input.length} (use predictBatch for several samples)`);
    }
    if (rowCount(input, this.inputs, 'predict: input') !== 1) {
      throw new RangeError(`predict: expected one sample of ${this.inputs} inputs, got ${input.length} rows (use predictBatch for several samples)`);
    }
    return this.predictBatchChecked(input, 1, 'predict: input');
  }

  /** The outputs for n samples: a Float32Array of n × outputs, row-major. */
  predictBatch(inputs: Samples): Float32Array {
    this.live('predictBatch');
    const rows = rowCount(inputs, this.inputs, 'predictBatch: inputs');
    return this.predictBatchChecked(inputs, rows, 'predictBatch: inputs');
  }

  /** Forward in chunks, each copied straight into the arena (predicting changes no weights, so a bad row midway is harmless). */
  private predictBatchChecked(inputs: Samples, rows: number, label: string): Float32Array {
    if (rows * this.outputs > MAX_OUTPUTS) {
      throw new RangeError(`${label}: ${rows} rows would give ${rows * this.outputs} outputs, more than one Float32Array holds (${MAX_OUTPUTS})`);
    }
    let out: Float32Array | null = null;
    for (let start = 0; start < rows; start += CHUNK_ROWS) {
      const n = Math.min(CHUNK_ROWS, rows - start);
      this.ensureRows(n);
      this.copyChecked(inputs, this.inputs, this.layout.input, n, label, start);
      // Allocated once the first chunk has proved to be numbers: an array-like that only claims a huge length costs nothing.
      out ??= new Float32Array(rows * this.outputs);
      const a = forwardPass(this.impl.kernels, this.layout, n);
      out.set(this.impl.f32.subarray(a, a + n * this.outputs), start * this.outputs);
    }
    return out!;
  }

  /** Mean loss over the samples and, where targets are class labels, the accuracy. */
  evaluate(inputs: Samples, targets: Samples): Evaluation {
    this.live('evaluate');
    // The inputs go straight into the arena chunk by chunk, checked there as predictBatch does; the targets are kept.
    const rows = this.rowCounts(inputs, targets, 'evaluate');
    const K = this.outputs;
    const y = copyOfRows(targets, K, rows, 'evaluate: targets');
    const out = this.layout.layers[this.layout.layers.length - 1];
    let lossSum = 0;
    let correct = 0;
    const classes = classLabels(y, K);
    for (let start = 0; start < rows; start += CHUNK_ROWS) {
      const n = Math.min(CHUNK_ROWS, rows - start);
      this.ensureRows(n);
      this.copyChecked(inputs, this.inputs, this.layout.input, n, 'evaluate: inputs', start);
      const f32 = this.impl.f32;
      f32.set(y.subarray(start * K, (start + n) * K), this.layout.target);
      forwardPass(this.impl.kernels, this.layout, n);
      lossSum += n * batchLoss(this.impl.kernels, this.layout, this.lossEntry, n);
      if (classes) correct += countCorrect(f32, out.a, y, start, n, K);
    }
    const result: Evaluation = { loss: lossSum / rows };
    if (classes) result.accuracy = correct / rows;
    return result;
  }

  // ---- training ---------------------------------------------------------------

  /** dE/dw and dE/db averaged over the batch, one entry per layer; nothing is updated. */
  gradients(inputs: Samples, targets: Samples): LayerGradients[] {
    this.live('gradients');
    const rows = this.loadBatch(inputs, targets, 'gradients');
    this.steps.computeGradients(rows, this.lossEntry);
    const f32 = this.impl.f32;
    return this.layout.shapes.map((s, i) => {
      const l = this.layout.layers[i];
      return {
        weights: f32.slice(l.gradWeights, l.gradWeights + s.units * s.inputs),
        bias: l.gradBias >= 0 ? f32.slice(l.gradBias, l.gradBias + s.units) : null,
      };
    });
  }

  /**
   * One forward and backward pass on this batch (or one sample), recorded layer by layer for
   * learners: inputs, z, a, dE/da, f'(z), δ, dE/dw, dE/db, the error sent below and, with a
   * learningRate, the weights one SGD step would give. Copies; the weights are not changed.
   */
  trace(inputs: Samples, targets: Samples, options: TraceOptions = {}): Trace {
    this.live('trace');
    const parsed = parseTraceOptions(options, 'trace');
    const rows = this.loadBatch(inputs, targets, 'trace');
    const loss = this.steps.computeGradients(rows, this.lossEntry);
    return traceBatch(this.impl.f32, this.layout, this.lossEntry, rows, loss, parsed);
  }

  /** ONE gradient-descent step on this batch. Returns the batch loss before the step. */
  trainStep(inputs: Samples, targets: Samples, options: StepOptions = {}): number {
    this.live('trainStep');
    const step = parseStepOptions(options, 'trainStep');
    const rows = this.loadBatch(inputs, targets, 'trainStep');
    return this.steps.run(rows, this.lossEntry, step, 'trainStep');
  }

  /** Train for some epochs of minibatch gradient descent. */
  async fit(inputs: Samples, targets: Samples, options: FitOptions = {}): Promise<History> {
    this.live('fit');
    return fitNetwork(this.trainer(), inputs, targets, options);
  }

  /** What fit needs from the network, without widening the public surface. */
  private trainer(): Trainer {
    const { params, paramCount } = this.layout;
    return {
      owner: this,
      inputs: this.inputs,
      outputs: this.outputs,
      matrices: (x: Samples, y: Samples, label: string) => this.matrices(x, y, label),
      hasClassLabels: (y: Float32Array) => classLabels(y, this.outputs),
      trainingSamples: (x: Samples, y: Samples) => this.trainingSamples(x, y),
      packTraining: (set: TrainingSamples, maxBatch: number) => this.packTraining(set, maxBatch),
      shuffleOrder: (rows: number) => this.rng.shuffle(this.impl.f32.subarray(this.layout.dataOrder, this.layout.dataOrder + rows)),
      /** Gather rows order[start, start + n) of the packed training set into the batch buffers. */
      loadBatch: (start: number, n: number) => {
        const k = this.impl.kernels;
        const { dataX, dataY, dataOrder, input, target } = this.layout;
        k.gatherRows(dataX, dataOrder + start, input, n, this.inputs);
        k.gatherRows(dataY, dataOrder + start, target, n, this.outputs);
      },
      step: (n: number, step: ReturnType<typeof parseStepOptions>, label: string) => this.steps.run(n, this.lossEntry, step, label),
      batchCorrect: (n: number) => {
        const f32 = this.impl.f32;
        const { target, layers } = this.layout;
        return countCorrect(f32, layers[layers.length - 1].a, f32.subarray(target, target + n * this.outputs), 0, n, this.outputs);
      },
      snapshot: (into?: Float32Array) => {
        const now = this.impl.f32.subarray(params, params + paramCount);
        if (!into) return now.slice();
        into.set(now);
        return into;
      },
      restore: (saved: Float32Array) => this.impl.f32.set(saved, params),
      evaluate: (x: Float32Array, y: Float32Array) => this.evaluate(x, y),
      live: (label: string) => this.live(label),
    };
  }

  /**
   * Copy a training set into the arena once per fit, with the identity row order, and make
   * the batch buffers hold maxBatch rows, so no epoch copies the data set or grows memory.
   * Inputs not checked yet are checked there by the SIMD kernel; a bad value is named by its
   * row and column, and nothing the network keeps has changed.
   */
  private packTraining({ x, y, rows, inputsChecked }: TrainingSamples, maxBatch: number): void {
    if (rows > MAX_PACKED_ROWS) throw new RangeError(`fit: expected at most ${MAX_PACKED_ROWS} training samples, got ${rows}`);
    const capacity = Math.max(maxBatch, this.layout.capacity);
    const layout = this.layout;
    layout.placeData(rows);
    try {
      this.impl.reserve(layout.floatsFor(capacity));
    } catch (e) {
      layout.placeData(0); // no room: leave the layout as it was, the batch buffers where they were
      throw e;
    }
    layout.placeBatch(capacity);
    // Unchecked inputs go in as predictBatch's do: copied, checked by the kernel, scanned only to name a bad value.
    if (inputsChecked) this.impl.f32.set(x, layout.dataX);
    else this.copyChecked(x, this.inputs, layout.dataX, rows, 'fit: inputs');
    const f32 = this.impl.f32;
    f32.set(y, layout.dataY);
    for (let i = 0; i < rows; i++) f32[layout.dataOrder + i] = i;
  }

  // ---- weights --------------------------------------------------------------------

  /** Layer i's weights (0 = first weighted layer), as copies. */
  getWeights(layer: number): LayerWeights {
    this.live('getWeights');
    const i = this.layerIndex(layer, 'getWeights');
    const s = this.layout.shapes[i];
    const l = this.layout.layers[i];
    const f32 = this.impl.f32;
    return {
      weights: f32.slice(l.weights, l.weights + s.units * s.inputs),
      bias: l.bias >= 0 ? f32.slice(l.bias, l.bias + s.units) : null,
      units: s.units,
      inputs: s.inputs,
    };
  }

  /**
   * Replace layer i's weights: number[][] as [units][inputs] (row j = weights into unit j)
   * or flat row-major; the bias is left as it is when omitted.
   */
  setWeights(layer: number, weights: Samples, bias?: ArrayLike<number>): void {
    this.live('setWeights');
    const i = this.layerIndex(layer, 'setWeights');
    const s = this.layout.shapes[i];
    const l = this.layout.layers[i];
    const label = `setWeights(${i})`;
    const rows = rowCount(weights, s.inputs, `${label}: weights`);
    if (rows !== s.units) {
      throw new RangeError(`${label}: weights: expected ${s.units} × ${s.inputs} (units × inputs), got ${rows} × ${s.inputs}`);
    }
    const w = copyOfRows(weights, s.inputs, s.units, `${label}: weights`);
    let b: Float32Array | null = null;
    if (bias !== undefined) {
      if (l.bias < 0) throw new TypeError(`${label}: bias: this network was created with bias: false`);
      const n = rowCount(bias, 1, `${label}: bias`);
      if (n !== s.units) throw new RangeError(`${label}: bias: expected ${s.units} values, got ${n}`);
      b = copyOfRows(bias, 1, s.units, `${label}: bias`);
    }
    const f32 = this.impl.f32;
    f32.set(w, l.weights);
    if (b) f32.set(b, l.bias);
  }

  /** All parameters as one flat vector (weights then bias, layer after layer), a copy. */
  getParameters(): Float32Array {
    this.live('getParameters');
    return this.impl.f32.slice(this.layout.params, this.layout.params + this.layout.paramCount);
  }

  // ---- saving -------------------------------------------------------------------

  toJSON(): NetworkJSON {
    this.live('toJSON');
    return networkToJSON(this.spec, this.seed, this.getParameters());
  }

  /** Rebuild a network saved by toJSON (as an object or its JSON text), on any backend. */
  static fromJSON(json: unknown, options: { backend?: BackendChoice } = {}): Network {
    const label = 'Network.fromJSON';
    const backend = parseLoadOptions(options, label);
    return Network.restore(parseNetworkJSON(json, label), backend, label);
  }

  /** Free the backend's memory; every later call throws. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.impl.dispose();
  }

  // ---- helpers --------------------------------------------------------------------

  private live(label: string): void {
    if (this.disposed) throw new Error(`${label}: this network has been disposed`);
  }

  private layerIndex(layer: unknown, label: string): number {
    const n = this.layout.shapes.length;
    if (typeof layer !== 'number' || !Number.isInteger(layer) || layer < 0 || layer >= n) {
      throw new RangeError(`${label}: layer: expected a layer index from 0 to ${n - 1}, got ${describe(layer)}`);
    }
    return layer;
  }

  /** Grow the batch buffers to hold `rows` rows; parameters are kept. */
  private ensureRows(rows: number, label?: string): void {
    if (rows <= this.layout.capacity) return;
    try {
      this.impl.reserve(this.layout.floatsFor(rows));
    } catch (e) {
      if (label && e instanceof RangeError) throw new RangeError(`${label}: a batch of ${rows} rows: ${e.message}`);
      throw e;
    }
    this.layout.placeBatch(rows);
  }

  /** Validate inputs and targets (shapes, matching row counts, finite values) as new matrices. */
  private matrices(inputs: Samples, targets: Samples, label: string) {
    const rows = this.rowCounts(inputs, targets, label);
    const x = copyOfRows(inputs, this.inputs, rows, `${label}: inputs`);
    const y = copyOfRows(targets, this.outputs, rows, `${label}: targets`);
    return { x, y, rows };
  }

  /**
   * fit's samples: as matrices, except that inputs already in one flat Float32Array are neither
   * copied nor checked for NaN here, because packTraining copies them into the arena anyway and
   * checks them there with the SIMD kernel (on every thread). On 2,048 MNIST digits that takes
   * a fit call's set-up from ~1.3 to ~0.3 ms. Targets, a small fraction, are checked as usual.
   */
  private trainingSamples(inputs: Samples, targets: Samples): TrainingSamples {
    const label = 'fit';
    if (!(inputs instanceof Float32Array)) return { ...this.matrices(inputs, targets, label), inputsChecked: true };
    const rows = this.rowCounts(inputs, targets, label);
    return { x: inputs, y: copyOfRows(targets, this.outputs, rows, `${label}: targets`), rows, inputsChecked: false };
  }

  /** The number of samples, once inputs and targets have been checked to be whole rows, as many of each. */
  private rowCounts(inputs: Samples, targets: Samples, label: string): number {
    const rows = rowCount(inputs, this.inputs, `${label}: inputs`);
    const yRows = rowCount(targets, this.outputs, `${label}: targets`);
    if (yRows !== rows) throw new RangeError(`${label}: expected as many target rows as input rows, got ${rows} inputs and ${yRows} targets`);
    return rows;
  }

  /** Validate a batch and copy it into the arena's input and target buffers. */
  private loadBatch(inputs: Samples, targets: Samples, label: string): number {
    const rows = this.rowCounts(inputs, targets, label);
    this.ensureRows(rows, `${label}: inputs`);
    // Only the batch buffers are written here, so a bad value found midway changes nothing that matters.
    this.copyChecked(inputs, this.inputs, this.layout.input, rows, `${label}: inputs`);
    this.copyChecked(targets, this.outputs, this.layout.target, rows, `${label}: targets`);
    return rows;
  }

  /**
   * Copy samples into the arena, rejecting non-finite values. A flat Float32Array is copied
   * whole and checked by the SIMD kernel; only when that finds something does the slow scan
   * run, to say where.
   */
  private copyChecked(value: Samples, width: number, at: number, rows: number, label: string, first = 0): void {
    const f32 = this.impl.f32;
    if (value instanceof Float32Array) {
      f32.set(value.subarray(first * width, (first + rows) * width), at);
      if (this.impl.kernels.countNonFinite(at, rows * width) === 0) return;
    }
    copyRows(value, width, f32, at, label, first, rows);
  }

  // ---- saving to bytes and files, training in a worker ----------------------------------

  /** The compact binary form: a small header, the parameters as raw float32, a checksum (layout in src/persist/binary.ts). */
  toBuffer(): Uint8Array {
    this.live('toBuffer');
    return encodeNetwork(this.spec, this.seed, this.getParameters());
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
    this.live(label);
    const { path: file, format } = parseSaveOptions(path, options, label);
    await writeFileAtomic(file, format === 'json' ? JSON.stringify(this.toJSON()) : this.toBuffer(), label);
  }

  /** Node only: read a network written by save, in either form (told apart by its first bytes, not the extension). */
  static async load(path: string, options: { backend?: BackendChoice } = {}): Promise<Network> {
    const label = 'Network.load';
    const backend = parseLoadOptions(options, label);
    const { path: file, bytes } = await readFileBytes(path, label);
    const where = `${label}: ${JSON.stringify(file)}`;
    return Network.restore(hasMagic(bytes) ? decodeNetwork(bytes, where) : parseNetworkJSON(utf8(bytes, where), where), backend, where);
  }

  /**
   * fit in a worker thread (Node worker_threads, a module Worker in browsers), so the calling
   * thread stays free. The same seed gives bit-identical weights to fit in place. Progress
   * comes through onProgress; on abort the weights trained so far are kept, as fit does.
   */
  async trainInWorker(inputs: Samples, targets: Samples, options: TrainInWorkerOptions = {}): Promise<History> {
    const label = 'trainInWorker';
    this.live(label);
    const custom = this.spec.layers.findIndex((l) => isCustomActivation(l.activation));
    if (custom >= 0) {
      throw new TypeError(`${label}: layers[${custom + 1}] uses the custom activation '${this.spec.layers[custom].activation}', whose functions cannot be sent to a worker; use fit`);
    }
    if (isCustomLoss(this.spec.loss)) {
      throw new TypeError(`${label}: the custom loss '${this.spec.loss}' has functions that cannot be sent to a worker; use fit`);
    }
    const { x, y } = this.matrices(inputs, targets, label);
    const job: TrainingJob = {
      spec: this.spec,
      seed: this.seed,
      backend: this.backend,
      kernel: this.impl.kernel.split(' ')[0], // a threaded network trains on one thread there: the same bits
      parameters: this.getParameters(),
      rng: this.rng.state,
      optimizer: this.steps.saveState(),
      x,
      y,
    };
    const result = await runInWorker(job, options, label);
    this.live(label);
    this.impl.f32.set(result.parameters, this.layout.params);
    this.rng.state = result.rng;
    this.steps.loadState(result.optimizer);
    return result.history;
  }

  /** @internal The training worker's copy of a network: same parameters, generator state and kernel build. */
  static fromTrainingJob(job: TrainingJob): Network {
    const label = 'worker';
    const build = job.backend === 'wasm' ? (job.kernel as KernelBuild) : undefined;
    if (build !== undefined && !KERNEL_BUILDS.includes(build)) throw new Error(`${label}: unknown kernel build '${job.kernel}'`);
    const net = Network.restore({ spec: job.spec, seed: job.seed, parameters: job.parameters }, job.backend, label, build);
    net.rng.state = job.rng;
    net.steps.loadState(job.optimizer);
    return net;
  }

  /** @internal The optimizer's running state, for the training worker to hand back. */
  optimizerState(): OptimizerState {
    return this.steps.saveState();
  }

  /** A network holding saved parameters (already checked against the architecture). */
  private static restore(saved: SavedNetwork, choice: BackendChoice, label: string, build?: KernelBuild): Network {
    const { backend, reason } = openBackendNow({ choice, threads: 1, jsOnly: jsOnlyReason(saved.spec), build }, label);
    const net = withArena(backend, label, () => new Network(saved.spec, saved.seed, backend, reason));
    net.impl.f32.set(saved.parameters, net.layout.params);
    return net;
  }
}


/** Build a network over a fresh backend; when its arena cannot be had, free the backend and say which call and argument. */
function withArena(backend: Backend, label: string, build: () => Network): Network {
  try {
    return build();
  } catch (e) {
    backend.dispose();
    if (e instanceof RangeError) throw new RangeError(`${label}: layers: ${e.message}`);
    throw e;
  }
}

/** Targets are class labels when every value is 0 or 1 and, for several outputs, each row is one-hot. */
function classLabels(y: Float32Array, K: number): boolean {
  for (let r = 0; r < y.length; r += K) {
    let ones = 0;
    for (let k = 0; k < K; k++) {
      const v = y[r + k];
      if (v !== 0 && v !== 1) return false;
      ones += v;
    }
    if (K > 1 && ones !== 1) return false;
  }
  return true;
}

/** One output: right when (a ≥ 0.5) equals the label. Several: right when argmax(a) is the hot class. */
function countCorrect(f32: Float32Array, a: number, y: Float32Array, start: number, n: number, K: number): number {
  let correct = 0;
  for (let r = 0; r < n; r++) {
    const o = a + r * K;
    const t = (start + r) * K;
    if (K === 1) {
      if ((f32[o] >= 0.5 ? 1 : 0) === y[t]) correct++;
      continue;
    }
    let best = 0;
    for (let k = 1; k < K; k++) if (f32[o + k] > f32[o + best]) best = k;
    if (y[t + best] === 1) correct++;
  }
  return correct;
}

