// What checkpoints cost: fit of a 784-128-10 network (Adam, batch 32, MNIST-sized random data)
// without a checkpoint, with one at the default interval (every 30 s: in a run this short that
// is the data's fingerprint and looking for a file to resume), and with one written after every
// epoch (1.2 MB each: parameters, Adam's two moments, the row order; fsynced). Alternating
// rounds, each variant once per round, medians; ratios within a round are what compare.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Network, Random, type FitOptions } from '../src/index.js';
import { startState } from '../src/engine/fit.js';
import { checkpointFile } from '../src/persist/checkpoint-file.js';
import { encodeCheckpoint, fingerprint } from '../src/persist/checkpoint-format.js';
import { parseFitOptions } from '../src/validate/fit-options.js';
import { machineLines, markdownTable, writeSection } from './report.js';

const SAMPLES = 2048;
const EPOCHS = 4;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const rng = new Random(17);
const X = Float32Array.from({ length: SAMPLES * 784 }, () => rng.uniform());
const Y = new Float32Array(SAMPLES * 10);
for (let i = 0; i < SAMPLES; i++) Y[i * 10 + rng.below(10)] = 1;
const dir = mkdtempSync(join(tmpdir(), 'backprop-bench-'));
const base: FitOptions = { epochs: EPOCHS, batchSize: 32, learningRate: 0.001, optimizer: 'adam' };
const variants: Array<[name: string, options: FitOptions]> = [
  ['no checkpoint', base],
  ['checkpoint, default interval (30 s)', { ...base, checkpoint: { path: join(dir, 'a.ckpt') } }],
  ['checkpoint every epoch', { ...base, checkpoint: { path: join(dir, 'b.ckpt'), every: { epochs: 1 } } }],
];
const times: number[][] = variants.map(() => []);
/** The parts timed alone, once per round: one checkpoint written (encoded, written, fsynced, renamed in), the data's fingerprint. */
const writes: number[] = [];
const fingerprints: number[] = [];
/** What a fit call pays before its first step and after its last (epochs: 0), without and with a checkpoint at the default interval. */
const setups: number[][] = [[], []];
let bytes = 0;
let kernel = '';

async function timeParts(net: Network): Promise<void> {
  const engine = (net as unknown as { engine: Parameters<typeof encodeCheckpoint>[0] }).engine;
  const target = await checkpointFile(join(dir, 'c.ckpt'), 'bench');
  const state = { ...startState(parseFitOptions(base, 'bench')), source: { order: new Float32Array(SAMPLES) } };
  const identity = { network: {}, start: '', options: {}, data: {} };
  let start = performance.now();
  const encoded = encodeCheckpoint(engine, { identity, kernel, s: state, finished: false });
  await target.save(encoded);
  writes.push(performance.now() - start);
  bytes = encoded.length;
  start = performance.now();
  fingerprint([X]);
  fingerprints.push(performance.now() - start);
  for (const [i, checkpoint] of [undefined, { path: join(dir, 'd.ckpt') }].entries()) {
    start = performance.now();
    await net.fit(X, Y, { ...base, epochs: 0, checkpoint });
    setups[i].push(performance.now() - start);
  }
}

for (let round = 0; round < ROUNDS + 1; round++) {
  for (const [i, [, options]] of variants.entries()) {
    const net = await Network.create({ layers: [784, { units: 128, activation: 'relu' }, { units: 10, activation: 'softmax' }], loss: 'categorical-cross-entropy', seed: 1, backend: 'wasm' });
    kernel = net.kernel;
    const start = performance.now();
    await net.fit(X, Y, options);
    if (round > 0) times[i].push(performance.now() - start); // round 0 warms up
    if (round > 0 && i === 0) await timeParts(net);
    net.dispose();
  }
}
rmSync(dir, { recursive: true, force: true });
const median = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1];
const plain = times[0];
const rows = variants.map(([name], i) => {
  const ratios = times[i].map((t, r) => t / plain[r]);
  const writes = i === 2 ? EPOCHS - 1 : 0; // the last epoch's checkpoint is not written: the run is over
  const perWrite = writes ? ` (${((median(times[i]) - median(plain)) / writes).toFixed(1)} ms per checkpoint)` : '';
  return [name, median(times[i]).toFixed(0), `${((median(ratios) - 1) * 100).toFixed(1)} %${perWrite}`, `${((Math.min(...ratios) - 1) * 100).toFixed(1)} – ${((Math.max(...ratios) - 1) * 100).toFixed(1)} %`];
});
const table = markdownTable([`fit 784-128-10 adam, ${SAMPLES} samples × ${EPOCHS} epochs, batch 32`, 'ms (median)', 'cost vs no checkpoint (median round)', 'range over rounds'], rows);
const parts = [
  `- one checkpoint of this network written (${(bytes / 1e6).toFixed(2)} MB: parameters, Adam's moments, row order; encoded, written, fsynced, renamed in): ${median(writes).toFixed(1)} ms (median round), ` +
    `${((median(writes) / 30_000) * 100).toFixed(3)} % of training time at the default interval of 30 s`,
  `- the training data's fingerprint (${((X.length * 4) / 1e6).toFixed(1)} MB, once per fit call): ${median(fingerprints).toFixed(1)} ms (median round)`,
  `- a fit call's fixed cost (\`epochs: 0\`: packing the data; with a checkpoint also the fingerprints, looking for one to resume, removing it at the end): ` +
    `${median(setups[0]).toFixed(1)} ms without, ${median(setups[1]).toFixed(1)} ms with, ${(((median(setups[1]) - median(setups[0])) / median(plain)) * 100).toFixed(1)} % of the fit above`,
];
console.log([...table, ...parts].join('\n'));
writeSection(new URL('./RESULTS.md', import.meta.url).pathname, 'checkpoint', [
  '## Checkpoints (`npm run bench`, bench/checkpoint.bench.ts)',
  '',
  ...machineLines([]),
  `- kernels: ${kernel}, one thread; ${ROUNDS} alternating rounds after one warm-up; checkpoints in ${tmpdir()}`,
  '',
  ...table,
  '',
  ...parts,
]);
