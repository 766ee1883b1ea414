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
//
// Then the growth table: square layers N → N, N from 128 to 4096, at batch 1 to 256, each
// product's GFLOP/s beside the Wasm peak measured in the same run (bench/peak.ts) and beside
// its own 784×128 rate above; ours on every build against tfjs-wasm's plain layout. Last, dW and
// dX at 128 × 1024 → 1024 as the share of non-zero deltas falls (assembly/rows.ts).
import { Bench } from 'tinybench';
import { createBackend } from '../src/backends/index.js';
import type { Backend } from '../src/backends/backend.js';
import { KERNEL_BUILDS, buildSupported, type KernelBuild } from '../src/backends/wasm/module.js';
import { Random } from '../src/index.js';
import { PACK_FLOATS } from '../src/kernels.js';
import { machineLines, markdownTable, packageVersion, writeSection } from './report.js';
import { loadTfjs, type Tensor } from './mnist.js';
import { measurePeak } from './peak.js';
import { cpus, loadavg } from 'node:os';

const BATCH = 64;
const INPUTS = 784;
const UNITS = 128;
const FLOPS = 2 * BATCH * INPUTS * UNITS;
const TIME_MS = Number(process.env.BENCH_TIME_MS ?? 1000);
const LOAD_AT_START = loadavg()[0];
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

/**
 * One arena with room for every operand up to these sizes (and a packing buffer, as a network's
 * layout gives), and a closure per product over it for any sizes within them.
 */
function arenaProducts(backend: Backend, batchMax: number, inputsMax: number, unitsMax: number) {
  const x = backend.base;
  const w = x + batchMax * inputsMax;
  const b = w + unitsMax * inputsMax;
  const z = b + unitsMax;
  const delta = z + batchMax * unitsMax;
  const dw = delta + batchMax * unitsMax;
  const db = dw + unitsMax * inputsMax;
  const dx = db + unitsMax;
  const pack = dx + batchMax * inputsMax;
  backend.reserve(pack + PACK_FLOATS);
  const k = backend.kernels;
  const products = (batch: number, inputs: number, units: number): Record<Product, () => void> => ({
    forward: () => k.forward(x, w, b, z, pack, batch, inputs, units, 1),
    weightGradients: () => k.weightGradients(delta, x, dw, db, pack, batch, inputs, units, 1 / batch, 1),
    propagateDelta: () => k.propagateDelta(delta, w, dx, pack, batch, inputs, units),
  });
  return { operands: { x, w, b, delta, end: pack }, products };
}

/** The products at 64 × 784 → 128 on the operands every implementation gets. */
function ourProducts(backendName: 'wasm' | 'js', build?: KernelBuild): Record<Product, () => void> {
  const backend = createBackend(backendName, 0, build);
  const { operands, products } = arenaProducts(backend, BATCH, INPUTS, UNITS);
  const f32 = backend.f32;
  f32.set(X, operands.x);
  f32.set(W, operands.w);
  f32.set(B, operands.b);
  f32.set(DELTA, operands.delta);
  return products(BATCH, INPUTS, UNITS);
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

// ---- growth: N → N layers, N = 128 … 4096, batch 1 … 256 ---------------------------------
const SIDES = [128, 256, 512, 1024, 2048, 4096];
const BATCHES = [1, 16, 64, 256];
const MAX_SIDE = SIDES[SIDES.length - 1];
const MAX_BATCH = BATCHES[BATCHES.length - 1];
/** Rounds per shape, alternating the implementations; each round runs a product for at least this long. */
const GROWTH_ROUNDS = 3;
const GROWTH_MS = Number(process.env.BENCH_GROWTH_MS ?? 40);

const peaks = new Map<KernelBuild, number>();
for (const b of builds) peaks.set(b, await measurePeak(b));
const simdPeak = peaks.get('wasm-simd') ?? Math.max(...peaks.values());

/** Ours on one build: one arena big enough for the largest shape, random operands, the products at any shape inside it. */
function ourGrowth(build: KernelBuild) {
  const backend = createBackend('wasm', 0, build);
  const { operands, products } = arenaProducts(backend, MAX_BATCH, MAX_SIDE, MAX_SIDE);
  const f32 = backend.f32;
  for (let i = operands.x; i < operands.end; i++) f32[i] = 0.1 * (2 * rng.uniform() - 1);
  return products;
}

/** tfjs-wasm's plain layouts (its fast path) for an N → N layer: x·w, δᵀ·x with δᵀ stored, δ·w. */
function tfjsGrowth(n: number, batch: number): { products: Record<Product, () => void>; dispose: () => void } {
  const operands = {
    x: tf.tensor2d(randomFloats(batch * n), [batch, n]),
    w: tf.tensor2d(randomFloats(n * n, 0.05), [n, n]),
    deltaT: tf.tensor2d(randomFloats(n * batch, 0.1), [n, batch]),
    delta: tf.tensor2d(randomFloats(batch * n, 0.1), [batch, n]),
  };
  const read = (r: Tensor) => {
    r.dataSync();
    r.dispose();
  };
  return {
    products: {
      forward: () => read(tf.matMul(operands.x, operands.w)),
      weightGradients: () => read(tf.matMul(operands.deltaT, operands.x)),
      propagateDelta: () => read(tf.matMul(operands.delta, operands.w)),
    },
    dispose: () => Object.values(operands).forEach((o) => o.dispose()),
  };
}

/** Best ms per call of each function over GROWTH_ROUNDS rounds, the functions alternating within each round. */
function bestTimes(fns: Array<() => void>): number[] {
  const best = fns.map(() => Infinity);
  for (let round = 0; round < GROWTH_ROUNDS; round++) {
    fns.forEach((fn, i) => {
      let calls = 0;
      const start = performance.now();
      let now = start;
      do {
        fn();
        calls++;
        now = performance.now();
      } while (now - start < GROWTH_MS);
      best[i] = Math.min(best[i], (now - start) / calls);
    });
  }
  return best;
}

const ourBuilds = builds.map((b) => ({ build: b, at: ourGrowth(b) }));
// Each product's 784×128 rate at batch 64 again, timed as the growth cells are (best of rounds), for the "of its 784×128 rate" column.
const baseline = new Map(ourBuilds.map((o) => [o.build, Object.fromEntries(PRODUCTS.map((p) => [p, FLOPS / (bestTimes([o.at(BATCH, INPUTS, UNITS)[p]])[0] * 1e6)]))]));
const percent = (v: number) => `${Math.round(100 * v)}%`;
const growthRows: string[][] = [];
for (const n of SIDES) {
  for (const batch of BATCHES) {
    const peer = tfjsGrowth(n, batch);
    const flops = 2 * batch * n * n;
    for (const p of PRODUCTS) {
      const fns = [...ourBuilds.map((o) => o.at(batch, n, n)[p]), peer.products[p]];
      const rates = bestTimes(fns).map((ms) => flops / (ms * 1e6));
      const tfjsRate = rates[rates.length - 1];
      const cells = ourBuilds.map((o, i) => {
        const of784 = baseline.get(o.build)![p];
        return `${rates[i].toFixed(1)} (${percent(rates[i] / peaks.get(o.build)!)} · ${percent(rates[i] / of784)})`;
      });
      const bestOurs = Math.max(...rates.slice(0, -1));
      growthRows.push([`${n}×${n}`, `${batch}`, p, ...cells, `${tfjsRate.toFixed(1)} (${percent(tfjsRate / simdPeak)})`, `${(bestOurs / tfjsRate).toFixed(2)}×`]);
    }
    peer.dispose();
  }
}
const growth = markdownTable(
  ['layer', 'batch', 'product', ...builds.map((b) => `ours ${b}: GFLOP/s (of peak · of its 784×128 rate)`), 'tfjs-wasm: GFLOP/s (of wasm-simd peak)', 'ours ÷ tfjs'],
  growthRows,
);
console.log(growth.join('\n'));

// ---- sparse deltas: dW and dX at the wide recipe's shape as ReLU and dropout leave the deltas ----------
// The blocked dW and dX sum over lists of the non-zero deltas where that pays (assembly/rows.ts): time
// against the share of non-zero deltas (zeros at random places), the dense product's flops counted.
const SPARSE_SHAPE = { batch: 128, inputs: 1024, units: 1024 };
const SHARES = [1, 0.75, 0.5, 0.35, 0.2];
const SPARSE_PRODUCTS = ['weightGradients', 'propagateDelta'] as const;
const sparseArenas = builds.map((b) => {
  const backend = createBackend('wasm', 0, b);
  const { operands, products } = arenaProducts(backend, SPARSE_SHAPE.batch, SPARSE_SHAPE.inputs, SPARSE_SHAPE.units);
  for (let i = operands.x; i < operands.end; i++) backend.f32[i] = 0.1 * (2 * rng.uniform() - 1);
  const dense = backend.f32.slice(operands.delta, operands.delta + SPARSE_SHAPE.batch * SPARSE_SHAPE.units);
  /** Δ with a `share` of its values kept, the same places on every build (a generator seeded by the share). */
  const setShare = (share: number) => {
    const keep = new Random(Math.round(share * 1000));
    backend.f32.set(dense.map((v) => (keep.uniform() < share ? v : 0)), operands.delta);
  };
  return { build: b, setShare, at: products(SPARSE_SHAPE.batch, SPARSE_SHAPE.inputs, SPARSE_SHAPE.units) };
});
const sparseFlops = 2 * SPARSE_SHAPE.batch * SPARSE_SHAPE.inputs * SPARSE_SHAPE.units;
const denseMs = new Map<string, number>();
const sparseRows: string[][] = [];
for (const share of SHARES) {
  sparseArenas.forEach((a) => a.setShare(share));
  for (const p of SPARSE_PRODUCTS) {
    const times = bestTimes(sparseArenas.map((a) => a.at[p]));
    sparseRows.push([`${Math.round(share * 100)}%`, p, ...sparseArenas.map((a, i) => {
      const key = `${a.build} ${p}`;
      if (share === 1) denseMs.set(key, times[i]);
      return `${times[i].toFixed(2)} ms (${(sparseFlops / (times[i] * 1e6)).toFixed(1)} · ${percent(times[i] / denseMs.get(key)!)})`;
    })]);
  }
}
const sparse = markdownTable(
  ['non-zero deltas', 'product', ...builds.map((b) => `ours ${b}: ms (dense-equivalent GFLOP/s · of the dense time)`)],
  sparseRows,
);
console.log(sparse.join('\n'));

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
  '',
  '### Growth: N → N layers (same run)',
  '',
  `- Wasm peak (bench/peak.ts: ${builds.map((b) => `${b} ${peaks.get(b)!.toFixed(1)} GFLOP/s`).join(', ')}): independent 128-bit multiply-add chains in registers, one thread; wasm-simd multiplies and adds separately, wasm-relaxed-simd fuses them`,
  `- 784×128 at batch 64 timed the same way: ${builds.map((b) => `${b} ${PRODUCTS.map((p) => baseline.get(b)![p].toFixed(1)).join(' / ')}`).join('; ')} GFLOP/s (forward / weightGradients / propagateDelta)`,
  `- each cell: best of ${GROWTH_ROUNDS} rounds of ≥ ${GROWTH_MS} ms, ours and tfjs alternating; tfjs-wasm in its plain layout (x·w, δᵀ·x, δ·w; no transposes) reading the result back; "of its 784×128 rate" divides by the rate above, timed as the cells are`,
  `- load average (1 min) at the start and end of the run: ${LOAD_AT_START.toFixed(1)} and ${loadavg()[0].toFixed(1)} on ${cpus().length} cores: on a shared machine the products (which touch memory) lose more than the probe (which does not), so compare rows within a run`,
  '',
  ...growth,
  '',
  `### Sparse deltas: dW and dX at ${SPARSE_SHAPE.batch} × ${SPARSE_SHAPE.inputs} → ${SPARSE_SHAPE.units} (same run)`,
  '',
  '- Δ with the given share of its values non-zero, the zeros at random places (ReLU and dropout leave about half of a hidden layer\'s deltas zero); x and w dense; each cell best of the rounds as above, the builds alternating',
  '- the blocked products sum over lists of the non-zero deltas where their cost model says that pays (assembly/rows.ts, assembly/matmul.ts), else run the 4 × 8 tiles: the same bits either way',
  '',
  ...sparse,
]);
