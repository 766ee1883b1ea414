// backprop/brain against brain.js itself, the drop-in's promise: `train` on 784-128-10 (sigmoid,
// brain.js's defaults: online updates, η 0.3, momentum 0.1, the error computed every iteration),
// every contestant starting from the same weights (one toJSON loaded into each with fromJSON)
// and timed on the same calls, one iteration over the same 1,000 real MNIST digits, in rounds
// that alternate who goes first. Figures are samples per second over all rounds' calls.
// brain.js 2.0.0-beta.24 and 1.6.1 are devDependencies (the tests' reference); MNIST digits come
// from the `mnist` devDependency.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { NeuralNetwork, type BrainDatum, type BrainNetworkJSON } from '../src/brain/index.js';
import { CLASSES, PIXELS, loadDigits, rowsAsArrays } from './mnist.js';
import { machineLines, markdownTable, packageVersion, writeSection } from './report.js';

const HIDDEN = 128;
const ROWS = 1_000;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

interface Trainer {
  train(data: BrainDatum[], options: object): { error: number; iterations: number };
  fromJSON(json: object): Trainer;
}
const require = createRequire(import.meta.url);
const peers = [
  { name: `brain.js ${packageVersion('brain.js')}`, lib: require('brain.js') as { NeuralNetwork: new () => Trainer }, form: (json: BrainNetworkJSON): object => json },
  { name: `brain.js ${packageVersion('brain.js-v1')}`, lib: require('brain.js-v1') as { NeuralNetwork: new () => Trainer }, form: asV1 },
];

/** brain.js 1.6.1 reads only its own JSON: layers of numbered nodes, each { bias, weights: { k: w } }. */
function asV1(json: BrainNetworkJSON): object {
  const layers = json.layers.map((layer, i) =>
    i === 0
      ? Object.fromEntries(Array.from({ length: json.sizes[0] }, (_, k) => [k, {}]))
      : Object.fromEntries(layer.weights.map((row, j) => [j, { bias: layer.biases[j], weights: Object.fromEntries(row.map((w, k) => [k, w])) }])),
  );
  return { sizes: json.sizes, layers, activation: 'sigmoid' };
}

const digits = loadDigits(ROWS);
const inputs = rowsAsArrays(digits.X, PIXELS, 0, ROWS);
const outputs = rowsAsArrays(digits.Y, CLASSES, 0, ROWS);
const data: BrainDatum[] = inputs.map((input, i) => ({ input, output: outputs[i] }));
const options = { iterations: 1, errorThresh: 1e-9 };

const seed = new NeuralNetwork({ inputSize: PIXELS, hiddenLayers: [HIDDEN], outputSize: CLASSES, seed: 1 });
const start = JSON.parse(JSON.stringify(seed.toJSON())) as BrainNetworkJSON;
const contestants: Array<{ name: string; net: Trainer; ms: number; samples: number; error: number }> = [
  { name: 'backprop/brain (wasm)', net: new NeuralNetwork({ backend: 'wasm' }).fromJSON(start) },
  { name: 'backprop/brain (js)', net: new NeuralNetwork({ backend: 'js' }).fromJSON(start) },
  ...peers.map((p) => ({ name: p.name, net: new p.lib.NeuralNetwork().fromJSON(p.form(structuredClone(start))) })),
].map((c) => ({ ...c, ms: 0, samples: 0, error: NaN }));

// A contestant's garbage is collected before the next one's timed call (node --expose-gc, as `npm run
// bench:brain` starts it): brain.js leaves megabytes per call, and the first allocation of whoever runs next
// would otherwise pay for collecting it (it halved our measured rate). Each call's own collections stay in its time.
const collect = (globalThis as { gc?: () => void }).gc;
if (!collect) console.warn('brain.bench: run with node --expose-gc so one contestant does not pay for collecting the last one\'s garbage');

// One untimed call each (JIT warm-up), then the timed rounds, each starting with a different contestant.
for (const c of contestants) c.net.train(data, options);
for (let round = 0; round < ROUNDS; round++) {
  for (let k = 0; k < contestants.length; k++) {
    const c = contestants[(round + k) % contestants.length];
    collect?.();
    const t0 = performance.now();
    c.error = c.net.train(data, options).error;
    c.ms += performance.now() - t0;
    c.samples += ROWS;
  }
}

const rate = (c: (typeof contestants)[number]) => c.samples / (c.ms / 1000);
const [wasm] = contestants;
const rows = contestants.map((c) => [c.name, rate(c).toFixed(0), (rate(wasm) / rate(c)).toFixed(1) + '×', c.error.toFixed(6)]);
const table = markdownTable(['train, online (samples/s)', 'samples/s', 'backprop/brain (wasm) ÷ this', 'error of the last iteration'], rows);
console.log(table.join('\n'));

const ourVersion = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
writeSection(new URL('./RESULTS.md', import.meta.url).pathname, 'brain', [
  '## backprop/brain vs brain.js: `train` (bench/brain.bench.ts)',
  '',
  ...machineLines(['assemblyscript', 'brain.js', 'brain.js-v1', 'mnist']),
  `- backprop ${ourVersion}, backprop/brain on one thread (wasm kernel as \`backend: 'wasm'\` picks it, and the JS backend); brain.js 2.0.0-beta.24 and 1.6.1 (devDependencies)`,
  `- model: ${PIXELS}-${HIDDEN}-${CLASSES}, sigmoid, brain.js's defaults (online, learningRate 0.3, momentum 0.1; its error measured every iteration), all four from the same initial weights via fromJSON`,
  `- one call = \`train(data, { iterations: 1 })\` over the same ${ROWS.toLocaleString('en')} MNIST digits; one untimed call each, then ${ROUNDS} rounds of one call each, the first contestant rotating every round; samples / summed wall time`,
  `- ${collect ? 'a full garbage collection before each timed call (node --expose-gc), so no call pays for collecting the previous contestant\'s garbage; collections a call causes itself are in its time' : 'no collection between calls (run without --expose-gc): a call may pay for collecting the previous contestant\'s garbage'}`,
  `- load average (1, 5, 15 min) at the end: ${loadavg().map((l) => l.toFixed(1)).join(', ')} on this shared machine (2 cores): the ratios move with the load, so compare them within one run`,
  '- the last column is a sanity check: from the same weights and data, every contestant is at the same error after the same updates (within float32 rounding)',
  '',
  ...table,
]);
