// brain.js's NeuralNetwork over our engine: this class maps brain.js's options and data (named
// keys included) onto one Engine and reads results back; the kernels do the arithmetic.
import { Engine } from '../engine/engine.js';
import { Random, freshSeed } from '../random.js';
import { parseSpec } from '../validate/network-options.js';
import { checkData, lookupsFor, packData, valueVector, widthOf, type BrainDatum, type Lookups } from './data.js';
import { parseBrainJSON, parameterCount, layersToJSON, trainOptsToJSON, type BrainNetworkJSON } from './json.js';
import { vectorToNamed, copyLookup, type Lookup, type BrainValue } from './lookup.js';
import { parseConstructorOptions, parseTrainOptions, type BrainActivation, type EngineOptions, type NetOptions, type NeuralNetworkOptions, type TrainOpts, type TrainingStatus, type BrainTrainOptions } from './options.js';
import { testResult, type BinaryTestResult, type TestResult } from './test-result.js';
import { trainLoop, trainLoopAsync, type PackedSet } from './train-loop.js';
import { BrainUpdate } from './update.js';
import { standaloneRun, type StandaloneRun } from './to-function.js';

/** The engine a network runs on, and what it was built for. */
interface Core {
  engine: Engine;
  update: BrainUpdate;
  activation: BrainActivation;
}

/** brain.js's initial weights and biases: uniform in [−0.2, 0.2), each layer's biases drawn before its weights. */
function initialParameters(sizes: readonly number[], rng: Random): Float32Array {
  const out = new Float32Array(parameterCount(sizes));
  let at = 0;
  for (let i = 1; i < sizes.length; i++) {
    const weights = sizes[i] * sizes[i - 1];
    const biases = at + weights;
    for (let j = 0; j < sizes[i]; j++) out[biases + j] = rng.uniform() * 0.4 - 0.2;
    for (let j = 0; j < weights; j++) out[at + j] = rng.uniform() * 0.4 - 0.2;
    at = biases + sizes[i];
  }
  return out;
}

/**
 * A drop-in for brain.js's `NeuralNetwork` (2.0.0-beta.24 and 1.6.1): the same options, data,
 * initialisation, online momentum updates, error and stopping rules, and JSON, trained by
 * backprop's kernels. Additions: `seed`, `threads`, `batchSize`, `backend`.
 */
export class NeuralNetwork {
  /** The network's options (inputSize, outputSize, binaryThresh, hiddenLayers). */
  options: NetOptions;
  /** The training options in force, defaults filled in. */
  trainOpts: TrainOpts;
  /** Layer widths, input first; empty until set by options, training or fromJSON. */
  sizes: number[] = [];
  /** Position of each named input, when inputs are given by name. */
  inputLookup: Lookup | null = null;
  /** Number of named inputs (0 without). */
  inputLookupLength = 0;
  /** Position of each named output, when outputs are given by name. */
  outputLookup: Lookup | null = null;
  /** Number of named outputs (0 without). */
  outputLookupLength = 0;
  private readonly extra: EngineOptions;
  private readonly seed: number;
  private readonly rng: Random;
  private core: Core | null = null;
  /** Whether training has moved onto `threads` (or 'auto' has settled for what it got). */
  private threaded = false;

  /** A network with brain.js's options (any train option too), checked now; the sizes come from the first data unless inputSize and outputSize are given. */
  constructor(options: NeuralNetworkOptions = {}) {
    const { net, train, engine } = parseConstructorOptions(options, 'new NeuralNetwork');
    this.options = net;
    this.trainOpts = train;
    this.extra = engine;
    this.seed = engine.seed ?? freshSeed();
    this.rng = new Random(this.seed);
    if (net.inputSize && net.outputSize) this.sizes = [net.inputSize, ...(net.hiddenLayers ?? []), net.outputSize];
  }

  /** Whether the network has sizes, so it can run (brain.js's check). */
  get isRunnable(): boolean {
    return this.sizes.length > 0;
  }

  /** 'wasm' or 'js': the backend training runs on (null before the network is initialised). */
  get backend(): string | null {
    return this.core?.engine.backend.name ?? null;
  }

  /** Fresh initial weights for the current sizes: uniform in [−0.2, 0.2), from the seeded generator. */
  initialize(): void {
    if (!this.isRunnable) throw new Error('NeuralNetwork.initialize: the sizes are not set; give inputSize and outputSize, or train first');
    this.build(initialParameters(this.sizes, this.rng), 0, this.adamChosen());
  }

  /** Train until `iterations` passes, an error at most `errorThresh`, or `timeout`; blocks until done. */
  train(data: BrainDatum[], options: BrainTrainOptions = {}): TrainingStatus {
    const label = 'NeuralNetwork.train';
    const { threads } = this.extra;
    if (typeof threads === 'number' && threads > 1 && !this.threaded) {
      throw new TypeError(`${label}: threads: ${threads} threads start asynchronously; use trainAsync (train runs on one thread)`);
    }
    const set = this.prepare(data, options, label);
    return trainLoop(this.core!.engine, this.core!.update, set, this.trainOpts, label);
  }

  /** train, letting the event loop run every 15 ms; with `threads`, the first call moves training onto them. */
  async trainAsync(data: BrainDatum[], options: BrainTrainOptions = {}): Promise<TrainingStatus> {
    const label = 'NeuralNetwork.trainAsync';
    const set = this.prepare(data, options, label);
    if (this.extra.threads !== 1 && !this.threaded) await this.moveToThreads(label);
    const core = this.core!;
    return trainLoopAsync(core.engine, core.update, set, this.trainOpts, label);
  }

  /** The outputs for one input: a Float32Array, or named values when the outputs were named. */
  run(input: BrainValue): Float32Array | Record<string, number> {
    const label = 'NeuralNetwork.run';
    const engine = this.ready(label);
    const x = valueVector(input, this.inputLookup, this.sizes[0], `${label}: input`);
    const out = engine.predict(x, 1, label);
    return this.outputLookup ? vectorToNamed(this.outputLookup, out) : out;
  }

  /** Error and misclassifications on a data set; for one output, the confusion counts, precision, recall and accuracy. */
  test(data: BrainDatum[]): TestResult | BinaryTestResult {
    const label = 'NeuralNetwork.test';
    const set = this.prepare(data, {}, label);
    const outputs = this.core!.engine.predict(set.x, set.rows, label);
    return testResult(set.x, set.y, outputs, set.rows, this.options.binaryThresh);
  }

  /** brain.js 2.x's JSON (which brain.js 2.x loads; brain.js 1.6.1 does not read it). */
  toJSON(): BrainNetworkJSON {
    const engine = this.ready('NeuralNetwork.toJSON');
    return {
      type: 'NeuralNetwork',
      sizes: [...this.sizes],
      layers: layersToJSON(this.sizes, engine.parameters()),
      inputLookup: copyLookup(this.inputLookup),
      inputLookupLength: this.inputLookupLength,
      outputLookup: copyLookup(this.outputLookup),
      outputLookupLength: this.outputLookupLength,
      options: { ...this.options, ...(this.options.hiddenLayers ? { hiddenLayers: [...this.options.hiddenLayers] } : {}) },
      trainOpts: trainOptsToJSON(this.trainOpts),
    };
  }

  /**
   * run without the network: a function built from the standalone module that toModule writes, so
   * its outputs equal run's on the JS backend bit for bit (on Wasm within float rounding). Its
   * toString() is self-contained source; `cb`, as in brain.js, may rewrite that source first.
   */
  toFunction(cb?: (source: string) => string): StandaloneRun {
    const label = 'NeuralNetwork.toFunction';
    const engine = this.ready(label);
    return standaloneRun(engine.spec, engine.parameters(), this.inputLookup, this.outputLookup, cb, label);
  }

  /** Load a network saved by brain.js 2.x or 1.6.1 (or by toJSON), as an object or its text; checked before anything changes. */
  fromJSON(json: unknown): this {
    const saved = parseBrainJSON(json, 'NeuralNetwork.fromJSON');
    this.options = { ...this.options, ...saved.options };
    this.trainOpts = { ...saved.trainOpts, callback: this.trainOpts.callback, batchSize: saved.trainOpts.batchSize };
    this.sizes = saved.sizes;
    this.setLookups(saved);
    this.build(saved.parameters, 0, this.adamChosen());
    return this;
  }

  /** Free the network's memory and stop its threads; training or running it afterwards throws. */
  dispose(): void {
    this.core?.engine.dispose();
  }

  // ---- helpers ----------------------------------------------------------------

  /** The engine, initialised where only the sizes were given (as brain.js's toJSON does). */
  private ready(label: string): Engine {
    if (!this.isRunnable) throw new Error(`${label}: the network has no sizes yet; train it, give inputSize and outputSize, or load one with fromJSON`);
    if (!this.core) this.initialize();
    this.core!.engine.live(label);
    return this.core!.engine;
  }

  /**
   * Check options and data, then take them: brain.js's prepTraining. The sizes come from the first
   * data set (hidden layers from the options, else one of max(3, ⌊inputs / 2⌋)); nothing changes on a bad call.
   */
  private prepare(data: unknown, options: unknown, label: string): PackedSet {
    const trainOpts = parseTrainOptions(this.trainOpts, options, label);
    const samples = checkData(data, `${label}: data`);
    const lookups = lookupsFor(samples, this, `${label}: data`);
    const initialised = this.core !== null;
    if (initialised) this.core!.engine.live(label);
    const inputs = initialised ? this.sizes[0] : widthOf(samples[0].input, lookups.inputLookup);
    const outputs = initialised ? this.sizes[this.sizes.length - 1] : widthOf(samples[0].output, lookups.outputLookup);
    const set = packData(samples, lookups, inputs, outputs, `${label}: data`);
    this.trainOpts = trainOpts;
    this.setLookups(lookups);
    if (!initialised) {
      this.sizes = [inputs, ...(this.options.hiddenLayers ?? [Math.max(3, Math.floor(inputs / 2))]), outputs];
      this.initialize();
    } else if (this.core!.activation !== trainOpts.activation) {
      this.build(this.core!.engine.parameters(), this.core!.update.adamSteps, this.core!.update.adam);
    }
    return set;
  }

  private setLookups({ inputLookup, outputLookup }: Lookups): void {
    this.inputLookup = inputLookup;
    this.inputLookupLength = inputLookup ? Object.keys(inputLookup).length : 0;
    this.outputLookup = outputLookup;
    this.outputLookupLength = outputLookup ? Object.keys(outputLookup).length : 0;
  }

  /** The architecture our engine takes: every layer with the one activation, the quadratic loss, biases. */
  private spec(activation: BrainActivation) {
    const layers = [this.sizes[0], ...this.sizes.slice(1).map((units) => ({ units, activation }))];
    return parseSpec({ layers, loss: 'quadratic', bias: true, init: 'uniform' }, 'NeuralNetwork');
  }

  /** Adam is chosen at initialisation, as brain.js sets it up there (and keeps it once set up). */
  private adamChosen(): boolean {
    return this.trainOpts.praxis === 'adam' || (this.core?.update.adam ?? false);
  }

  /** A one-thread engine holding these parameters. */
  private build(parameters: Float32Array, adamSteps: number, adam: boolean): void {
    const activation = this.trainOpts.activation;
    const engine = Engine.restore({ spec: this.spec(activation), seed: this.seed, parameters }, { choice: this.extra.backend, jsOnly: null }, 'NeuralNetwork');
    this.core?.engine.dispose();
    this.core = { engine, update: new BrainUpdate(engine, adam, adamSteps), activation };
    this.threaded = false;
  }

  /** Move training onto `threads` threads: the same parameters and optimizer state on a threaded engine. */
  private async moveToThreads(label: string): Promise<void> {
    const old = this.core!;
    const request = { choice: this.extra.backend, threads: this.extra.threads, jsOnly: null };
    const engine = await Engine.create(this.spec(old.activation), this.seed, request, label);
    engine.setParameters(old.engine.parameters());
    engine.loadOptimizerState(old.engine.optimizerState());
    old.engine.dispose();
    this.core = { engine, update: new BrainUpdate(engine, old.update.adam, old.update.adamSteps), activation: old.activation };
    this.threaded = true;
  }
}
