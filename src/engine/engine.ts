// The engine under a Network: one backend and its arena, the layout of that arena, the step
// runner and the seeded generator. It stages samples into the arena (checking their values
// there), runs the passes, and reads results back as copies. Arguments reach it already
// checked for shape by the facade (src/network.ts); it knows rows and offsets, not options.
import type { Backend } from '../backends/backend.js';
import { openBackend, openBackendNow, type BackendRequest } from '../backends/index.js';
import { activationEntry } from '../registry/activations.js';
import { lossEntry, type LossEntry } from '../registry/losses.js';
import { initializers, weightInit, biasInit } from '../registry/initializers.js';
import { Random } from '../random.js';
import type { NetworkSpec } from '../validate/network-options.js';
import type { ParsedStep } from '../validate/step-options.js';
import type { TrainingSamples } from '../validate/training-data.js';
import { copyRows, isClassLabels, type Samples } from '../validate/samples.js';
import { traceBatch, type Trace } from '../trace.js';
import { Layout, CHUNK_ROWS, type LayerShape } from './layout.js';
import { forwardPass, batchLoss } from './passes.js';
import { StepRunner, type OptimizerState } from './step.js';
import { countCorrect } from './accuracy.js';

/** One weighted layer's parameters, as getWeights returns them: copies, never views. */
export interface LayerWeights {
  /** units × inputs, row-major: weights[j * inputs + k] connects input k to unit j. */
  weights: Float32Array;
  /** One per unit, or null for a network without biases. */
  bias: Float32Array | null;
  /** The layer's width (rows of `weights`). */
  units: number;
  /** The width of the layer below (columns of `weights`). */
  inputs: number;
}

/** One weighted layer's loss gradient, averaged over the batch, in getWeights' layout. */
export interface LayerGradients {
  /** dE/dw, units × inputs, row-major. */
  weights: Float32Array;
  /** dE/db, one per unit, or null for a network without biases. */
  bias: Float32Array | null;
}

/** What evaluate returns. */
export interface Evaluation {
  /** The loss averaged over the samples. */
  loss: number;
  /** Fraction of samples classified right, where targets are class labels (0/1 or one-hot). */
  accuracy?: number;
}

/** What a saved network holds, whatever the form it was saved in: what Engine.restore takes. */
export interface SavedNetwork {
  spec: NetworkSpec;
  seed: number;
  parameters: Float32Array;
}

/** Most outputs predictBatch returns at once (4 GiB of float32, the JS backend's own arena limit). */
const MAX_OUTPUTS = 2 ** 30;

/** fit keeps its row order as float32 indices, exact up to 2^24. */
const MAX_PACKED_ROWS = 2 ** 24;

export class Engine {
  /** The generator behind initialisation and shuffling; fit continues its stream. */
  readonly rng: Random;
  readonly layout: Layout;
  readonly loss: LossEntry;
  private readonly steps: StepRunner;
  private disposed = false;
  /** Set while fit runs: a second fit would overwrite the packed training set. */
  training = false;

  private constructor(
    readonly spec: NetworkSpec,
    readonly seed: number,
    readonly backend: Backend,
    /** Why the backend is not what was asked, or not Wasm under 'auto'; null when nothing was forced. */
    readonly backendReason: string | null,
  ) {
    const shapes: LayerShape[] = [];
    let inputs = spec.inputs;
    for (const l of spec.layers) {
      shapes.push({ inputs, units: l.units, activation: activationEntry(l.activation)!, dropout: l.dropout ?? 0 });
      inputs = l.units;
    }
    this.loss = lossEntry(spec.loss)!;
    this.layout = new Layout(backend.base, shapes, spec.bias, backend.threads);
    this.ensureRows(1);
    this.rng = new Random(seed);
    this.steps = new StepRunner(backend, this.layout, this.rng);
  }

  /** A new network's engine: weights (then biases, unless they start at 0) drawn layer by layer from the init distributions. */
  static async create(spec: NetworkSpec, seed: number, request: BackendRequest, label: string): Promise<Engine> {
    const { backend, reason } = await openBackend(request, label);
    const engine = withArena(backend, label, () => new Engine(spec, seed, backend, reason));
    const sample = initializers[weightInit(spec.init)];
    const drawBias = biasInit(spec.init) === 'standard-normal';
    const { f32 } = backend;
    engine.layout.shapes.forEach((s, i) => {
      const l = engine.layout.layers[i];
      for (let j = 0; j < s.units * s.inputs; j++) f32[l.weights + j] = sample(engine.rng, s.inputs, s.units);
      if (l.bias < 0) return;
      for (let j = 0; j < s.units; j++) f32[l.bias + j] = drawBias ? engine.rng.normal() : 0;
    });
    return engine;
  }

  /** An engine holding saved parameters (already checked against the architecture), on one thread. */
  static restore(saved: SavedNetwork, request: Omit<BackendRequest, 'threads'>, label: string): Engine {
    const { backend, reason } = openBackendNow({ ...request, threads: 1 }, label);
    const engine = withArena(backend, label, () => new Engine(saved.spec, saved.seed, backend, reason));
    engine.setParameters(saved.parameters);
    return engine;
  }

  get inputs(): number {
    return this.spec.inputs;
  }

  get outputs(): number {
    return this.layout.outputWidth;
  }

  live(label: string): void {
    if (this.disposed) throw new Error(`${label}: this network has been disposed`);
  }

  /** Free the backend's memory; every later call throws. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.backend.dispose();
  }

  // ---- inference ----------------------------------------------------------------

  /** Forward in chunks, each copied straight into the arena (predicting changes no weights, so a bad row midway is harmless). */
  predict(inputs: Samples, rows: number, label: string): Float32Array {
    if (rows * this.outputs > MAX_OUTPUTS) {
      throw new RangeError(`${label}: ${rows} rows would give ${rows * this.outputs} outputs, more than one Float32Array holds (${MAX_OUTPUTS})`);
    }
    let out: Float32Array | null = null;
    for (let start = 0; start < rows; start += CHUNK_ROWS) {
      const n = Math.min(CHUNK_ROWS, rows - start);
      this.ensureRows(n);
      this.stage(inputs, this.inputs, this.layout.input, n, label, start);
      // Allocated once the first chunk has proved to be numbers: an array-like that only claims a huge length costs nothing.
      out ??= new Float32Array(rows * this.outputs);
      const a = forwardPass(this.backend, this.layout, n);
      out.set(this.backend.f32.subarray(a, a + n * this.outputs), start * this.outputs);
    }
    return out!;
  }

  /** Mean loss over the samples and, where the targets are class labels, the accuracy. The inputs are checked as they are staged. */
  evaluate(inputs: Samples, targets: Float32Array, rows: number, label: string): Evaluation {
    const K = this.outputs;
    const classes = isClassLabels(targets, K);
    const out = this.layout.layers[this.layout.layers.length - 1];
    let lossSum = 0;
    let correct = 0;
    for (let start = 0; start < rows; start += CHUNK_ROWS) {
      const n = Math.min(CHUNK_ROWS, rows - start);
      this.ensureRows(n);
      this.stage(inputs, this.inputs, this.layout.input, n, label, start);
      this.backend.f32.set(targets.subarray(start * K, (start + n) * K), this.layout.target);
      forwardPass(this.backend, this.layout, n);
      lossSum += n * batchLoss(this.backend, this.layout, this.loss, n);
      if (classes) correct += countCorrect(this.backend.f32, out.a, targets, start, n, K);
    }
    const result: Evaluation = { loss: lossSum / rows };
    if (classes) result.accuracy = correct / rows;
    return result;
  }

  // ---- one batch given by the caller ---------------------------------------------

  /** Copy a batch into the arena's input and target buffers, checking every value. */
  loadBatch(inputs: Samples, targets: Samples, rows: number, label: string): void {
    this.ensureRows(rows, `${label}: inputs`);
    // Only the batch buffers are written here, so a bad value found midway changes nothing that matters.
    this.stage(inputs, this.inputs, this.layout.input, rows, `${label}: inputs`);
    this.stage(targets, this.outputs, this.layout.target, rows, `${label}: targets`);
  }

  /** dE/dw and dE/db of the loaded batch, averaged over it, one entry per layer; nothing is updated. With `training`, under a fresh dropout mask. */
  gradients(rows: number, training = false): LayerGradients[] {
    this.steps.computeGradients(rows, this.loss, this.steps.dropoutKeys(training));
    const f32 = this.backend.f32;
    return this.layout.shapes.map((s, i) => {
      const l = this.layout.layers[i];
      return {
        weights: f32.slice(l.gradWeights, l.gradWeights + s.units * s.inputs),
        bias: l.gradBias >= 0 ? f32.slice(l.gradBias, l.gradBias + s.units) : null,
      };
    });
  }

  /** One forward and backward pass on the loaded batch, recorded layer by layer (copies; nothing is updated). */
  trace(rows: number, learningRate: number | null, training = false): Trace {
    const keys = this.steps.dropoutKeys(training);
    const loss = this.steps.computeGradients(rows, this.loss, keys);
    return traceBatch(this.backend.f32, this.layout, this.loss, rows, loss, learningRate, keys);
  }

  /** One optimizer step on the `rows` samples in the batch buffers; returns their loss before the step. */
  step(rows: number, step: ParsedStep, label: string): number {
    return this.steps.run(rows, this.loss, step, label);
  }

  /** brain.js's online update on the one sample in the batch buffers, fused (StepRunner.runOnlineMomentum); returns its loss before the step. */
  onlineMomentumStep(learningRate: number, momentum: number, label: string): number {
    return this.steps.runOnlineMomentum(this.loss, learningRate, momentum, label);
  }

  // ---- fit: a training set packed into the arena once ---------------------------------

  /**
   * Copy a training set into the arena once per fit, with the identity row order, and make
   * the batch buffers hold maxBatch rows, so no epoch copies the data set or grows memory.
   * Inputs not checked yet are checked there by the SIMD kernel; a bad value is named by its
   * row and column, and nothing the network keeps has changed.
   */
  packTraining({ x, y, rows, inputsChecked }: TrainingSamples, maxBatch: number, label: string): void {
    if (rows > MAX_PACKED_ROWS) throw new RangeError(`${label}: expected at most ${MAX_PACKED_ROWS} training samples, got ${rows}`);
    const capacity = Math.max(maxBatch, this.layout.capacity);
    const layout = this.layout;
    layout.placeData(rows);
    try {
      this.backend.reserve(layout.floatsFor(capacity));
    } catch (e) {
      layout.placeData(0); // no room: leave the layout as it was, the batch buffers where they were
      throw e;
    }
    layout.placeBatch(capacity);
    if (inputsChecked) this.backend.f32.set(x, layout.dataX);
    else this.stage(x, this.inputs, layout.dataX, rows, `${label}: inputs`);
    const f32 = this.backend.f32;
    f32.set(y, layout.dataY);
    for (let i = 0; i < rows; i++) f32[layout.dataOrder + i] = i;
  }

  /** Shuffle the packed set's row order in place with the network's seeded generator. */
  shuffleOrder(rows: number): void {
    const at = this.layout.dataOrder;
    this.rng.shuffle(this.backend.f32.subarray(at, at + rows));
  }

  /** A copy of the packed set's row order (what a checkpoint keeps of an epoch's shuffle). */
  rowOrder(rows: number): Float32Array {
    const at = this.layout.dataOrder;
    return this.backend.f32.slice(at, at + rows);
  }

  /** Put back a row order that rowOrder gave, on the same packed set. */
  setRowOrder(order: Float32Array): void {
    this.backend.f32.set(order, this.layout.dataOrder);
  }

  /** Gather rows order[start, start + n) of the packed training set into the batch buffers. */
  gatherBatch(start: number, n: number): void {
    const k = this.backend.kernels;
    const { dataX, dataY, dataOrder, input, target } = this.layout;
    k.gatherRows(dataX, dataOrder + start, input, n, this.inputs);
    k.gatherRows(dataY, dataOrder + start, target, n, this.outputs);
  }

  /** Of the n samples the last step ran forward, how many its outputs (from before the update) classify right. */
  batchCorrect(n: number): number {
    const f32 = this.backend.f32;
    const { target, layers } = this.layout;
    return countCorrect(f32, layers[layers.length - 1].a, f32.subarray(target, target + n * this.outputs), 0, n, this.outputs);
  }

  // ---- parameters and state ------------------------------------------------------------

  /** All parameters as one flat vector (weights then bias, layer after layer): a copy, or copied into `into`. */
  parameters(into?: Float32Array): Float32Array {
    const { params, paramCount } = this.layout;
    const now = this.backend.f32.subarray(params, params + paramCount);
    if (!into) return now.slice();
    into.set(now);
    return into;
  }

  setParameters(values: Float32Array): void {
    this.backend.f32.set(values, this.layout.params);
  }

  /** Layer i's weights and bias, as copies. */
  layerWeights(i: number): LayerWeights {
    const s = this.layout.shapes[i];
    const l = this.layout.layers[i];
    const f32 = this.backend.f32;
    return {
      weights: f32.slice(l.weights, l.weights + s.units * s.inputs),
      bias: l.bias >= 0 ? f32.slice(l.bias, l.bias + s.units) : null,
      units: s.units,
      inputs: s.inputs,
    };
  }

  /** Replace layer i's weights (units × inputs, row-major) and, when given, its bias. */
  setLayerWeights(i: number, weights: Float32Array, bias: Float32Array | null): void {
    const l = this.layout.layers[i];
    this.backend.f32.set(weights, l.weights);
    if (bias) this.backend.f32.set(bias, l.bias);
  }

  /** The optimizer's running state (which optimizer, its update count, its vectors), a copy. */
  optimizerState(): OptimizerState {
    return this.steps.saveState();
  }

  loadOptimizerState(state: OptimizerState): void {
    this.steps.loadState(state);
  }

  // ---- the arena -------------------------------------------------------------------

  /** Grow the batch buffers to hold `rows` rows; parameters are kept. */
  private ensureRows(rows: number, label?: string): void {
    if (rows <= this.layout.capacity) return;
    try {
      this.backend.reserve(this.layout.floatsFor(rows));
    } catch (e) {
      if (label && e instanceof RangeError) throw new RangeError(`${label}: a batch of ${rows} rows: ${e.message}`);
      throw e;
    }
    this.layout.placeBatch(rows);
  }

  /**
   * Copy rows [first, first + rows) of samples into the arena at `at`, rejecting non-finite
   * values. A flat Float32Array is copied whole and checked by the SIMD kernel; only when that
   * finds something does the slow scan run, to say where.
   */
  private stage(value: Samples, width: number, at: number, rows: number, label: string, first = 0): void {
    const f32 = this.backend.f32;
    if (value instanceof Float32Array) {
      f32.set(value.subarray(first * width, (first + rows) * width), at);
      if (this.backend.kernels.countNonFinite(at, rows * width) === 0) return;
    }
    copyRows(value, width, f32, at, label, first, rows);
  }
}

/** Build an engine over a fresh backend; when its arena cannot be had, free the backend and say which call and argument. */
function withArena(backend: Backend, label: string, build: () => Engine): Engine {
  try {
    return build();
  } catch (e) {
    backend.dispose();
    if (e instanceof RangeError) throw new RangeError(`${label}: layers: ${e.message}`);
    throw e;
  }
}
