// What streaming costs fit: one epoch of 784-128-10 on 2,048 rows from arrays (the packed set)
// against the same rows from a dataset held in memory, as [input, target] rows from an async
// generator and as { x, y } batches of 256, in alternating rounds (the ratio taken per round:
// the shared machine's speed drifts). Unshuffled on both sides, so both run the same batches.
import { Bench } from 'tinybench';
import { Network, Random } from '../src/index.js';
import { machineLines, markdownTable, writeSection } from './report.js';

const INPUTS = 784;
const HIDDEN = 128;
const OUTPUTS = 10;
const SAMPLES = 2048;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const rng = new Random(2024);
const X = Float32Array.from({ length: SAMPLES * INPUTS }, () => rng.uniform());
const Y = new Float32Array(SAMPLES * OUTPUTS);
for (let i = 0; i < SAMPLES; i++) Y[i * OUTPUTS + rng.below(OUTPUTS)] = 1;

async function* rows() {
  for (let r = 0; r < SAMPLES; r++) yield [X.subarray(r * INPUTS, (r + 1) * INPUTS), Y.subarray(r * OUTPUTS, (r + 1) * OUTPUTS)] as const;
}
async function* batches() {
  for (let r = 0; r < SAMPLES; r += 256) yield { x: X.subarray(r * INPUTS, (r + 256) * INPUTS), y: Y.subarray(r * OUTPUTS, (r + 256) * OUTPUTS) };
}

const VARIANTS = ['arrays', 'dataset of rows', 'dataset of { x, y } batches'] as const;
const results: Array<{ batch: number; ratios: Record<string, number[]>; ms: Record<string, number[]> }> = [];
let kernel = '';
for (const batch of [32, 128]) {
  const nets = await Promise.all(VARIANTS.map(() => Network.create({ layers: [INPUTS, HIDDEN, OUTPUTS], loss: 'quadratic', seed: 1, backend: 'wasm' })));
  kernel = nets[0].kernel;
  const runs: Record<string, () => Promise<void>> = {
    arrays: async () => { await nets[0].fit(X, Y, { epochs: 1, batchSize: batch, learningRate: 0.1, shuffle: false }); },
    'dataset of rows': async () => { await nets[1].fit(rows, { epochs: 1, batchSize: batch, learningRate: 0.1 }); },
    'dataset of { x, y } batches': async () => { await nets[2].fit(batches, { epochs: 1, batchSize: batch, learningRate: 0.1 }); },
  };
  const ms: Record<string, number[]> = Object.fromEntries(VARIANTS.map((v) => [v, []]));
  for (let round = 0; round < ROUNDS; round++) {
    const bench = new Bench({ iterations: 3, time: 0, warmup: round === 0 });
    for (const v of VARIANTS) bench.add(v, runs[v]);
    await bench.run();
    for (const v of VARIANTS) {
      const r = bench.getTask(v)?.result;
      if (!r || !('period' in r)) throw new Error(`benchmark ${v} did not complete`);
      ms[v].push(r.period);
    }
  }
  const ratios = Object.fromEntries(VARIANTS.map((v) => [v, ms[v].map((t, i) => t / ms.arrays[i])]));
  results.push({ batch, ratios, ms });
  nets.forEach((n) => n.dispose());
}
const median = (a: number[]) => [...a].sort((p, q) => p - q)[Math.floor(a.length / 2)];
const table = markdownTable(
  ['batch', 'source', 'ms per epoch (median)', 'time vs arrays (median round)', 'range over rounds'],
  results.flatMap(({ batch, ratios, ms }) => VARIANTS.map((v) => {
    const r = [...ratios[v]].sort((p, q) => p - q);
    return [String(batch), v, median(ms[v]).toFixed(1), `${median(ratios[v]).toFixed(3)}×`, `${r[0].toFixed(3)}–${r[r.length - 1].toFixed(3)}`];
  })),
);
console.log(table.join('\n'));
writeSection(new URL('./RESULTS.md', import.meta.url).pathname, 'stream-fit', [
  '## fit on a dataset vs fit on arrays (`npx tsx bench/csv-stream-fit.bench.ts`)',
  '',
  ...machineLines(['tinybench']),
  `- one epoch of ${INPUTS}-${HIDDEN}-${OUTPUTS} (quadratic, sgd) on ${SAMPLES} rows held in memory, unshuffled, ${kernel}, one thread; ${ROUNDS} alternating rounds of 3 epochs per source, the ratio taken per round`,
  '',
  ...table,
]);
