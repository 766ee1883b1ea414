// The three matrix products of a training step at batch 64 of a 784→128 layer, ours against
// TensorFlow.js's Wasm backend (XNNPACK, one thread) in the same process:
//   forward          z = x·wᵀ + b      x 64×784, w 128×784            → z 64×128
//   weightGradients  dw = δᵀ·x / 64     δ 64×128, x 64×784             → dw 128×784 (and db)
//   propagateDelta   dx = δ·w          δ 64×128, w 128×784            → dx 64×784
// Each is 2·64·784·128 flops. Ours runs on every kernel build this runtime validates (the
// relaxed-SIMD one only under `node --experimental-wasm-relaxed-simd`, a flag for this process,
// never set by the library) and on the JS backend. tfjs gets each product in two operand
// layouts, with no transpose flag and with the flag our row-major layout implies, and the
// faster one is the reference. Needs `npm --prefix bench/peers ci`.
import { Bench } from 'tinybench';
import { createBackend } from '../src/backends/index.js';
import { KERNEL_BUILDS, buildSupported, type KernelBuild } from '../src/backends/wasm/module.js';
import { Random } from '../src/index.js';
import { PACK_FLOATS } from '../src/kernels.js';
import { machineLines, markdownTable, packageVersion, writeSection } from './report.js';
import { loadTfjs, type Tensor } from './mnist.js';

const BATCH = 64;
const INPUTS = 784;
const UNITS = 128;
const FLOPS = 2 * BATCH * INPUTS * UNITS;
const TIME_MS = Number(process.env.BENCH_TIME_MS ?? 1000);
const PEERS = new URL('./peers/node_modules/', import.meta.url);
const rng = new Random(64);

function randomFloats(n: number, scale = 1): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = scale * (2 * rng.uniform() - 1);
  return a;
}

// The same operands for every implementation.
const X = randomFloats(BATCH * INPUTS).map((v) => (v + 1) / 2); // batch × inputs
const W = randomFloats(UNITS * INPUTS, 0.05); // units × inputs
const B = randomFloats(UNITS, 0.1);
const DELTA = randomFloats(BATCH * UNITS, 0.1); // batch × units

const PRODUCTS = ['forward', 'weightGradients', 'propagateDelta'] as const;
type Product = (typeof PRODUCTS)[number];

/** One arena holding every operand, and a closure per product over it. */
function ourProducts(backendName: 'wasm' | 'js', build?: KernelBuild): Record<Product, () => void> {
  const backend = createBackend(backendName, 0, build);
  const x = backend.base;
  const w = x + BATCH * INPUTS;
  const b = w + UNITS * INPUTS;
  const z = b + UNITS;
  const delta = z + BATCH * UNITS;
  const dw = delta + BATCH * UNITS;
  const db = dw + UNITS * INPUTS;
  const dx = db + UNITS;
  const pack = dx + BATCH * INPUTS;
  backend.reserve(pack + PACK_FLOATS);
  const f32 = backend.f32;
  f32.set(X, x);
  f32.set(W, w);
  f32.set(B, b);
  f32.set(DELTA, delta);
  const k = backend.kernels;
  return {
    forward: () => k.forward(x, w, b, z, pack, BATCH, INPUTS, UNITS, 1),
    weightGradients: () => k.weightGradients(delta, x, dw, db, pack, BATCH, INPUTS, UNITS, 1 / BATCH, 1),
    propagateDelta: () => k.propagateDelta(delta, w, dx, pack, BATCH, INPUTS, UNITS),
  };
}

function transpose(a: Float32Array, rows: number, cols: number): Float32Array {
  const t = new Float32Array(a.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) t[c * rows + r] = a[r * cols + c];
  return t;
}

const { tf, threads: tfThreads } = await loadTfjs('wasm');
const t = {
  x: tf.tensor2d(X, [BATCH, INPUTS]),
  w: tf.tensor2d(W, [UNITS, INPUTS]),
  wT: tf.tensor2d(transpose(W, UNITS, INPUTS), [INPUTS, UNITS]),
  delta: tf.tensor2d(DELTA, [BATCH, UNITS]),
  deltaT: tf.tensor2d(transpose(DELTA, BATCH, UNITS), [UNITS, BATCH]),
};
/** Each product in two layouts: `plain` needs no transpose flag, `flagged` is our row-major layout with tfjs's transpose flags. */
const tfLayouts: Record<Product, Record<'plain' | 'flagged', { what: string; run: () => Tensor }>> = {
  forward: {
    plain: { what: 'matMul(x, wᵀ stored 784×128)', run: () => tf.matMul(t.x, t.wT) },
    flagged: { what: 'matMul(x, w, false, true)', run: () => tf.matMul(t.x, t.w, false, true) },
  },
  weightGradients: {
    plain: { what: 'matMul(δᵀ stored 128×64, x)', run: () => tf.matMul(t.deltaT, t.x) },
    flagged: { what: 'matMul(δ, x, true, false)', run: () => tf.matMul(t.delta, t.x, true, false) },
  },
  propagateDelta: {
    plain: { what: 'matMul(δ, w)', run: () => tf.matMul(t.delta, t.w) },
    flagged: { what: 'matMul(δ, wᵀ stored 784×128, false, true)', run: () => tf.matMul(t.delta, t.wT, false, true) },
  },
};

const builds = KERNEL_BUILDS.filter((b) => buildSupported(b));
const skipped = KERNEL_BUILDS.filter((b) => !buildSupported(b));
const ours: Array<{ label: string; products: Record<Product, () => void> }> = [
  ...builds.map((b) => ({ label: `ours ${b}`, products: ourProducts('wasm', b) })),
  { label: 'ours js', products: ourProducts('js') },
];

const bench = new Bench({ time: TIME_MS, warmup: true });
for (const p of PRODUCTS) {
  for (const o of ours) bench.add(`${p} | ${o.label}`, o.products[p]);
  for (const layout of ['plain', 'flagged'] as const) {
    const run = tfLayouts[p][layout].run;
    // Read the result back every time, so the product is really computed, and free it.
    bench.add(`${p} | tfjs-wasm ${layout}`, () => {
      const r = run();
      r.dataSync();
      r.dispose();
    });
  }
}
await bench.run();

const gflops = (name: string) => {
  const r = bench.getTask(name)?.result;
  if (!r || !('period' in r)) throw new Error(`benchmark ${name} did not complete`);
  return FLOPS / (r.period * 1e6); // period: ms per product
};
const rows: string[][] = [];
for (const p of PRODUCTS) {
  const plain = gflops(`${p} | tfjs-wasm plain`);
  const flagged = gflops(`${p} | tfjs-wasm flagged`);
  const reference = Math.max(plain, flagged);
  const ratio = (g: number) => `${(g / reference).toFixed(2)}×`;
  for (const o of ours) {
    const g = gflops(`${p} | ${o.label}`);
    rows.push([p, o.label, g.toFixed(2), ratio(g)]);
  }
  for (const layout of ['plain', 'flagged'] as const) {
    const g = layout === 'plain' ? plain : flagged;
    rows.push([p, `tfjs-wasm \`${tfLayouts[p][layout].what}\``, g.toFixed(2), ratio(g)]);
  }
}
const table = markdownTable(['product (64×784·784×128)', 'implementation', 'GFLOP/s', '÷ best tfjs-wasm layout'], rows);
console.log(table.join('\n'));
for (const v of Object.values(t)) v.dispose();

const flags = process.execArgv.filter((a) => a.startsWith('--') && !a.startsWith('--import') && !a.startsWith('--require'));
writeSection(new URL('./RESULTS.md', import.meta.url).pathname, 'kernels', [
  '## Matrix products: ours vs TensorFlow.js Wasm (bench/kernels.bench.ts)',
  '',
  ...machineLines(['assemblyscript', 'tinybench']),
  `- peers (bench/peers): @tensorflow/tfjs-backend-wasm ${packageVersion('@tensorflow/tfjs-backend-wasm', PEERS)}, backend '${tf.getBackend()}', ${tfThreads} thread, SIMD ${tf.env().getBool('WASM_HAS_SIMD_SUPPORT') ? 'on' : 'off'}`,
  `- node flags for this run: ${flags.length ? flags.join(' ') : 'none'}; our builds measured: ${builds.join(', ')}${skipped.length ? `; not validated here: ${skipped.join(', ')}` : ''}`,
  `- tinybench time per task: ${TIME_MS} ms, one thread; ${FLOPS / 1e6} MFLOP per product; tfjs timings include reading the 64×128 or 128×784 result back (dataSync) and disposing it`,
  '- ours `forward` also adds the bias and `weightGradients` also writes db and scales by 1/64; tfjs does the bare product. tfjs-wasm takes its fast path (XNNPACK) only without transpose flags, with its constant right-hand operand packed once and reused, so its better layout is the reference (ratio = ours ÷ that)',
  '',
  ...table,
]);
