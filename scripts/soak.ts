// Resource soak: does memory stay flat over many networks and many steps? Creates and disposes
// 10,000 networks on each backend, then runs 1,000,000 online training steps (XOR, 2-4-1, one
// sample per trainStep) on one network per backend, and 250,000 epochs of fit with batchSize 1
// (another 1,000,000 steps). Prints RSS and the Wasm memory's pages at intervals. Figures go
// to docs/reliability.md; test/reliability/resources.spec.ts runs a smaller version as a test.
//
//   node --expose-gc --import tsx scripts/soak.ts            (the full run)
//   node --expose-gc --import tsx scripts/soak.ts --quick    (a tenth of it)
import { Network } from '../src/index.js';

const quick = process.argv.includes('--quick');
const NETWORKS = quick ? 1_000 : 10_000;
const STEPS = quick ? 100_000 : 1_000_000;
const XOR_X = [[0, 0], [0, 1], [1, 0], [1, 1]];
const XOR_Y = [[0], [1], [1], [0]];
const XOR_ROWS = XOR_X.map((x) => Float32Array.from(x));
const XOR_TARGETS = XOR_Y.map((y) => Float32Array.from(y));

const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
/** RSS after a full collection, so what is counted is what is still reachable (or leaked). */
const rss = () => {
  gc();
  return process.memoryUsage().rss;
};
/** The JS heap in use after a collection: flat when nothing is kept alive by mistake. */
const heap = () => `heap ${mb(process.memoryUsage().heapUsed)} MB`;
/** The Wasm backend's linear memory in 64 KiB pages (0 on the JS backend); the field is private, read for measuring only. */
const pages = (net: Network) => {
  const memory = (net as unknown as { impl: { memory?: WebAssembly.Memory } }).impl.memory;
  return memory ? memory.buffer.byteLength / 65536 : 0;
};
const xor = (backend: 'js' | 'wasm', seed = 1) =>
  Network.create({ layers: [2, { units: 4, activation: 'tanh' }, { units: 1, activation: 'sigmoid' }], loss: 'binary-cross-entropy', seed, backend });

async function createDispose(backend: 'js' | 'wasm'): Promise<void> {
  const start = rss();
  let firstPages = -1;
  let maxPages = 0;
  const t0 = performance.now();
  for (let i = 1; i <= NETWORKS; i++) {
    const net = await xor(backend, i);
    net.predict([1, 0]);
    const p = pages(net);
    if (firstPages < 0) firstPages = p;
    maxPages = Math.max(maxPages, p);
    net.dispose();
    if (i % (NETWORKS / 5) === 0) console.log(`  ${backend} create+dispose ${String(i).padStart(6)}: RSS ${mb(rss())} MB, ${heap()}, pages per network ${p}`);
  }
  const seconds = (performance.now() - t0) / 1000;
  console.log(
    `${backend}: ${NETWORKS} create+dispose in ${seconds.toFixed(1)} s (${Math.round(NETWORKS / seconds)}/s); ` +
      `RSS ${mb(start)} → ${mb(rss())} MB, ${heap()}; pages per network ${firstPages} first, ${maxPages} max`,
  );
}

async function trainSteps(backend: 'js' | 'wasm'): Promise<void> {
  const net = await xor(backend);
  const options = { learningRate: 0.5 };
  net.trainStep(XOR_ROWS[0], XOR_TARGETS[0], options);
  const start = rss();
  const startPages = pages(net);
  const t0 = performance.now();
  for (let i = 1; i <= STEPS; i++) {
    const r = i & 3;
    net.trainStep(XOR_ROWS[r], XOR_TARGETS[r], options);
    if (i % (STEPS / 5) === 0) console.log(`  ${backend} trainStep ${String(i).padStart(8)}: RSS ${mb(rss())} MB, ${heap()}, pages ${pages(net)}`);
  }
  const seconds = (performance.now() - t0) / 1000;
  const out = Array.from(net.predictBatch(XOR_X), (v) => v.toFixed(3)).join(' ');
  console.log(
    `${backend}: ${STEPS} trainStep calls in ${seconds.toFixed(1)} s (${Math.round(STEPS / seconds)} steps/s); ` +
      `RSS ${mb(start)} → ${mb(rss())} MB, ${heap()}; pages ${startPages} → ${pages(net)}; XOR outputs ${out}`,
  );
  net.dispose();
}

async function fitSteps(backend: 'js' | 'wasm'): Promise<void> {
  const net = await xor(backend);
  const start = rss();
  const startPages = pages(net);
  const epochs = STEPS / XOR_X.length;
  const t0 = performance.now();
  for (let round = 1; round <= 5; round++) {
    await net.fit(XOR_X, XOR_Y, { epochs: epochs / 5, batchSize: 1, learningRate: 0.5 });
    console.log(`  ${backend} fit ${String((round * STEPS) / 5).padStart(8)} steps: RSS ${mb(rss())} MB, ${heap()}, pages ${pages(net)}`);
  }
  const seconds = (performance.now() - t0) / 1000;
  console.log(
    `${backend}: fit, ${epochs} epochs × 4 samples, batchSize 1 = ${STEPS} steps in ${seconds.toFixed(1)} s (${Math.round(STEPS / seconds)} steps/s); ` +
      `RSS ${mb(start)} → ${mb(rss())} MB, ${heap()}; pages ${startPages} → ${pages(net)}`,
  );
  net.dispose();
}

console.log(`soak: node ${process.version}, gc ${(globalThis as { gc?: unknown }).gc ? 'exposed' : 'NOT exposed (run with --expose-gc)'}, ${quick ? 'quick' : 'full'} run`);
for (const backend of ['js', 'wasm'] as const) await createDispose(backend);
for (const backend of ['js', 'wasm'] as const) await trainSteps(backend);
for (const backend of ['js', 'wasm'] as const) await fitSteps(backend);
