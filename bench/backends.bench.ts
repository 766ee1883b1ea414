// Wasm vs JS backend, side by side in one run: the forward product and one training step
// of a 784-128-10 sigmoid network (the MNIST shape of the seed notes) at batch 1 and 32;
// then fit on one thread against two. Ratios measured in the same process are what to
// compare; absolute figures move with load.
import { Bench } from 'tinybench';
import { createBackend } from '../src/backends/index.js';
import { PACK_FLOATS } from '../src/kernels.js';
import { Network, Random } from '../src/index.js';
import { machineLines, markdownTable, writeSection } from './report.js';
import { PLAIN_SHAPE, PlainMlp } from './plain-mlp.js';

const INPUTS = 784;
const HIDDEN = 128;
const OUTPUTS = 10;
const TIME_MS = Number(process.env.BENCH_TIME_MS ?? 1000);
const rng = new Random(2024);

function randomFloats(n: number, scale = 1): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = scale * (2 * rng.uniform() - 1);
  return a;
}

/** A backend with x, w, b, z placed and filled: the forward product 784→128 alone. */
function forwardProduct(name: 'js' | 'wasm', batch: number) {
  const backend = createBackend(name);
  const x = backend.base;
  const w = x + batch * INPUTS;
  const b = w + HIDDEN * INPUTS;
  const z = b + HIDDEN;
  const pack = z + batch * HIDDEN;
  backend.reserve(pack + PACK_FLOATS);
  backend.f32.set(randomFloats(batch * INPUTS), x);
  backend.f32.set(randomFloats(HIDDEN * INPUTS, 0.05), w);
  return () => backend.kernels.forward(x, w, b, z, pack, batch, INPUTS, HIDDEN, 1);
}

async function trainingStep(name: 'js' | 'wasm', batch: number) {
  const net = await Network.create({ layers: [INPUTS, HIDDEN, OUTPUTS], loss: 'quadratic', seed: 1, backend: name });
  const samples = 256;
  const X = randomFloats(samples * INPUTS).map((v) => (v + 1) / 2);
  const Y = new Float32Array(samples * OUTPUTS);
  for (let i = 0; i < samples; i++) Y[i * OUTPUTS + rng.below(OUTPUTS)] = 1;
  let start = 0;
  return () => {
    const rows = Math.min(batch, samples - start);
    net.trainStep(X.subarray(start * INPUTS, (start + rows) * INPUTS), Y.subarray(start * OUTPUTS, (start + rows) * OUTPUTS), { learningRate: 0.1 });
    start = (start + batch) % (samples - batch + 1);
  };
}

type Case = { workload: string; batch: number; flopsPerOp: number; samplesPerOp: number; make: (b: 'js' | 'wasm') => Promise<() => void> | (() => void) };
const cases: Case[] = [1, 32].flatMap((batch) => [
  { workload: `forward product ${INPUTS}→${HIDDEN}`, batch, flopsPerOp: 2 * batch * INPUTS * HIDDEN, samplesPerOp: batch, make: (b: 'js' | 'wasm') => forwardProduct(b, batch) },
  {
    workload: `train step ${INPUTS}-${HIDDEN}-${OUTPUTS} sgd`,
    batch,
    // forward, weight gradients and (for the top layer) delta propagation: 3 products, 2 flops per multiply-add
    flopsPerOp: 2 * batch * (3 * INPUTS * HIDDEN + 3 * HIDDEN * OUTPUTS) - 2 * batch * INPUTS * HIDDEN,
    samplesPerOp: batch,
    make: (b: 'js' | 'wasm') => trainingStep(b, batch),
  },
]);

const bench = new Bench({ time: TIME_MS, warmup: true });
for (const c of cases) for (const backend of ['wasm', 'js'] as const) bench.add(`${c.workload} | batch ${c.batch} | ${backend}`, await c.make(backend));
await bench.run();

const period = (name: string) => {
  const r = bench.getTask(name)?.result;
  if (!r || !('period' in r)) throw new Error(`benchmark ${name} did not complete`);
  return r.period; // ms per op
};
const rows = cases.map((c) => {
  const wasm = period(`${c.workload} | batch ${c.batch} | wasm`);
  const js = period(`${c.workload} | batch ${c.batch} | js`);
  const perSecond = (ms: number) => (1000 / ms) * c.samplesPerOp;
  const gflops = (ms: number) => c.flopsPerOp / (ms * 1e6);
  return [
    c.workload,
    String(c.batch),
    perSecond(wasm).toFixed(0),
    perSecond(js).toFixed(0),
    gflops(wasm).toFixed(2),
    gflops(js).toFixed(2),
    `${(js / wasm).toFixed(2)}×`,
  ];
});
const table = markdownTable(['workload', 'batch', 'wasm samples/s', 'js samples/s', 'wasm GFLOP/s', 'js GFLOP/s', 'wasm/js'], rows);
console.log(table.join('\n'));
writeSection(new URL('./RESULTS.md', import.meta.url).pathname, 'backends', [
  '## Wasm vs JS backend (`npm run bench`, bench/backends.bench.ts)',
  '',
  ...machineLines(['assemblyscript', 'tinybench']),
  `- kernels: ${cases.length ? 'wasm = ' + (await Network.create({ layers: [2, 1], backend: 'wasm' })).kernel : ''}; tinybench time per task: ${TIME_MS} ms, one thread`,
  '',
  ...table,
]);

// ---- JS backend against the plain hand-written Float32Array loop ------------------------
// The bar for the JS backend: online training no slower than the loop a careful person
// writes by hand (bench/plain-mlp.ts). One op = one epoch over the same 256 samples for both.
if (PLAIN_SHAPE.inputs !== INPUTS || PLAIN_SHAPE.hidden !== HIDDEN || PLAIN_SHAPE.outputs !== OUTPUTS) {
  throw new Error('bench/plain-mlp.ts no longer has the shape this benchmark compares against');
}
const PLAIN_SAMPLES = 256;
const plainX = randomFloats(PLAIN_SAMPLES * INPUTS).map((v) => (v + 1) / 2);
const plainY = new Float32Array(PLAIN_SAMPLES * OUTPUTS);
for (let i = 0; i < PLAIN_SAMPLES; i++) plainY[i * OUTPUTS + rng.below(OUTPUTS)] = 1;
const plainBench = new Bench({ time: TIME_MS, warmup: true });
const plain = new PlainMlp(new Random(1));
plainBench.add('plain loop', () => {
  for (let r = 0; r < PLAIN_SAMPLES; r++) plain.train(plainX, plainY, r, 0.1);
});
for (const batch of [1, 32]) {
  const net = await Network.create({ layers: [INPUTS, HIDDEN, OUTPUTS], loss: 'quadratic', seed: 1, backend: 'js' });
  plainBench.add(`js fit | batch ${batch}`, async () => {
    await net.fit(plainX, plainY, { epochs: 1, batchSize: batch, learningRate: 0.1 });
  });
}
await plainBench.run();
const plainPeriod = (name: string) => {
  const r = plainBench.getTask(name)?.result;
  if (!r || !('period' in r)) throw new Error(`benchmark ${name} did not complete`);
  return r.period;
};
const plainMs = plainPeriod('plain loop');
const plainRows = [1, 32].map((batch) => {
  const ms = plainPeriod(`js fit | batch ${batch}`);
  const perSecond = (t: number) => ((1000 / t) * PLAIN_SAMPLES).toFixed(0);
  return [`train ${INPUTS}-${HIDDEN}-${OUTPUTS} sgd, js backend fit`, String(batch), perSecond(ms), perSecond(plainMs), `${(plainMs / ms).toFixed(2)}×`];
});
const plainTable = markdownTable(['workload', 'batch', 'js samples/s', 'plain loop (batch 1) samples/s', 'js / plain loop'], plainRows);
console.log(plainTable.join('\n'));
writeSection(new URL('./RESULTS.md', import.meta.url).pathname, 'js-vs-plain', [
  '## JS backend vs a plain Float32Array loop (`npm run bench`, bench/backends.bench.ts)',
  '',
  ...machineLines(['tinybench']),
  `- one op = one epoch over the same ${PLAIN_SAMPLES} random samples; the plain loop (bench/plain-mlp.ts) is online SGD; tinybench time per task: ${TIME_MS} ms, one thread`,
  '',
  ...plainTable,
]);

// ---- threads: one fit epoch on 1 and on 2 threads ---------------------------------------
// Run in alternating rounds (both thread counts in each), and the ratio taken per round: on a
// shared machine the second core's speed drifts over seconds, and one long run per task would
// put that drift into the ratio. The table gives the median round and the range.
const EPOCH_SAMPLES = 2048;
const ROUNDS = 7;
const ROUND_MS = Math.round((3 * TIME_MS) / ROUNDS);
const epochX = randomFloats(EPOCH_SAMPLES * INPUTS).map((v) => (v + 1) / 2);
const epochY = new Float32Array(EPOCH_SAMPLES * OUTPUTS);
for (let i = 0; i < EPOCH_SAMPLES; i++) epochY[i * OUTPUTS + rng.below(OUTPUTS)] = 1;
const nets: Network[] = [];
const kernelOf: Record<number, string> = {};
const fits: Array<{ batch: number; threads: number; run: () => Promise<unknown> }> = [];
const setups: Array<{ threads: number; run: () => Promise<unknown> }> = [];
for (const batch of [32, 128]) {
  for (const threads of [1, 2]) {
    const net = await Network.create({ layers: [INPUTS, HIDDEN, OUTPUTS], loss: 'quadratic', seed: 1, backend: 'wasm', threads });
    nets.push(net);
    kernelOf[threads] = net.kernel;
    // An async function: tinybench awaits only those (a plain function returning a promise is timed as sync).
    fits.push({ batch, threads, run: async () => { await net.fit(epochX, epochY, { epochs: 1, batchSize: batch, learningRate: 0.1 }); } });
    // What every fit call pays before its first step (the set packed into the arena and checked): serial work.
    if (batch === 32) setups.push({ threads, run: async () => { await net.fit(epochX, epochY, { epochs: 0 }); } });
  }
}
/** Per batch size, each round's epoch time (ms) on 1 and on 2 threads. */
const rounds = new Map<number, Array<{ one: number; two: number }>>([[32, []], [128, []]]);
const setupTimes: Record<number, number[]> = { 1: [], 2: [] };
for (let round = 0; round < ROUNDS; round++) {
  const bench = new Bench({ time: ROUND_MS, warmup: true });
  for (const f of fits) bench.add(`fit | batch ${f.batch} | ${f.threads}`, f.run);
  for (const f of setups) bench.add(`set-up | ${f.threads}`, f.run);
  await bench.run();
  const period = (name: string) => {
    const r = bench.getTask(name)?.result;
    if (!r || !('period' in r)) throw new Error(`benchmark ${name} did not complete`);
    return r.period;
  };
  for (const [batch, list] of rounds) list.push({ one: period(`fit | batch ${batch} | 1`), two: period(`fit | batch ${batch} | 2`) });
  for (const f of setups) setupTimes[f.threads].push(period(`set-up | ${f.threads}`));
}
nets.forEach((n) => n.dispose());
const median = (values: number[]) => {
  const v = [...values].sort((a, b) => a - b);
  return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
};
const threadRows = [...rounds].map(([batch, list]) => {
  const perSecond = (ms: number) => ((1000 / ms) * EPOCH_SAMPLES).toFixed(0);
  const ratios = list.map((r) => r.one / r.two);
  return [
    `fit 784-128-10 sgd, ${EPOCH_SAMPLES} samples/epoch`, String(batch), perSecond(median(list.map((r) => r.one))), perSecond(median(list.map((r) => r.two))),
    `${median(ratios).toFixed(2)}×`, `${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}×`,
  ];
});
const threadTable = markdownTable(['workload', 'batch', '1 thread samples/s', '2 threads samples/s', '2 threads / 1 (median round)', 'range over rounds'], threadRows);
const setupLine = `- a fit call's set-up (\`epochs: 0\`: the ${EPOCH_SAMPLES} × ${INPUTS} set copied into the arena and checked for NaN), serial work in every call above: ${median(setupTimes[1]).toFixed(2)} ms on 1 thread, ${median(setupTimes[2]).toFixed(2)} ms on 2 (median rounds)`;
console.log(`\n${kernelOf[1]} vs ${kernelOf[2]}`);
console.log(threadTable.join('\n'));
console.log(setupLine);
writeSection(new URL('./RESULTS.md', import.meta.url).pathname, 'threads', [
  '## One thread vs two (`npm run bench`, bench/backends.bench.ts)',
  '',
  ...machineLines(['assemblyscript', 'tinybench']),
  `- kernels: ${kernelOf[1]} vs ${kernelOf[2]}; one fit call (one epoch) per iteration; ${ROUNDS} rounds, each running every task for ${ROUND_MS} ms (tinybench); ratio = 1-thread time ÷ 2-thread time within a round; samples/s are the median rounds`,
  setupLine,
  '',
  ...threadTable,
]);
