// The JS backend's online (batch 1) and batch-32 training against the plain hand-written
// Float32Array loop (bench/plain-mlp.ts, the one bench/peers.bench.ts times), side by side in
// one process, on the built-in MNIST digits: 784-128-10 sigmoid, quadratic loss, plain SGD.
// Samples per second of this process's CPU time, in alternating rounds, so load from other
// processes hits both alike; the ratio is the figure to read.
//   npx tsx scripts/profile-js.ts [rounds] [ms per measurement]
// With `node --cpu-prof --import tsx scripts/profile-js.ts` it is also the profiling target.
import { Network, Random } from '../src/index.js';
import { loadMnist } from '../src/data/mnist.js';
import { PLAIN_SHAPE, PlainMlp } from '../bench/plain-mlp.js';

const ROUNDS = Number(process.argv[2] ?? 9);
const BUDGET_MS = Number(process.argv[3] ?? 600);
const { inputs: PIXELS, hidden: HIDDEN, outputs: CLASSES } = PLAIN_SHAPE;
const LR = 0.5;
const SLICE = 1_000;

const digits = await loadMnist();
const slices: Array<{ x: Float32Array; y: Float32Array }> = [];
for (let start = 0; start + SLICE <= 8_000; start += SLICE) {
  slices.push({ x: digits.images.subarray(start * PIXELS, (start + SLICE) * PIXELS), y: digits.targets.subarray(start * CLASSES, (start + SLICE) * CLASSES) });
}

/** This process's CPU time in ms: on a machine shared with other work it moves far less than wall time. */
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** Samples per CPU second: one untimed warm-up call, then calls until the budget of CPU time is spent. */
async function throughput(work: (call: number) => number | Promise<number>): Promise<number> {
  await work(0);
  let samples = 0;
  const start = cpuMs();
  for (let call = 1; ; call++) {
    samples += await work(call);
    const ms = cpuMs() - start;
    if (ms >= BUDGET_MS) return samples / (ms / 1000);
  }
}

const create = () =>
  Network.create({ layers: [PIXELS, { units: HIDDEN, activation: 'sigmoid' }, { units: CLASSES, activation: 'sigmoid' }], loss: 'quadratic', seed: 1, backend: 'js' });
const online = await create();
const batched = await create();
const plain = new PlainMlp(new Random(1));
const fitOn = (net: Network, batchSize: number) => async (call: number) => {
  const s = slices[call % slices.length];
  await net.fit(s.x, s.y, { epochs: 1, batchSize, learningRate: LR });
  return SLICE;
};
const plainOn = (call: number) => {
  const s = slices[call % slices.length];
  for (let r = 0; r < SLICE; r++) plain.train(s.x, s.y, r, LR);
  return SLICE;
};

const ratios: number[] = [];
const ratios32: number[] = [];
for (let round = 1; round <= ROUNDS; round++) {
  const p = await throughput(plainOn);
  const j1 = await throughput(fitOn(online, 1));
  const j32 = await throughput(fitOn(batched, 32));
  ratios.push(j1 / p);
  ratios32.push(j32 / p);
  console.log(
    `round ${round} (samples per CPU second): plain loop ${p.toFixed(0)}/s, js fit batch 1 ${j1.toFixed(0)}/s (${(j1 / p).toFixed(2)}× plain), js fit batch 32 ${j32.toFixed(0)}/s (${(j32 / p).toFixed(2)}× plain)`,
  );
}
const median = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1];
console.log(`median ratio: js batch 1 / plain ${median(ratios).toFixed(2)}×, js batch 32 / plain ${median(ratios32).toFixed(2)}×`);
