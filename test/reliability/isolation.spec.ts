// Isolation and determinism: many networks alive at once share nothing (training them
// interleaved, or with their fits running concurrently, gives the same bits as training each
// alone), and the same seed gives the same bits run after run, in this process and in another.
import { expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Network, type NetworkOptions } from '../../src/index.js';
import { ROWS, describeRows, type Row } from '../backends.js';
import { bits, dataFor, determinismDigest, type Arch } from './helpers.js';

/** Eight different networks: widths across the SIMD tails, every activation, both cross-entropies. */
const ARCHS: Arch[] = [
  { options: { layers: [3, { units: 5, activation: 'tanh' }, { units: 1, activation: 'sigmoid' }], loss: 'binary-cross-entropy', seed: 1 }, inputs: 3, outputs: 1, loss: 'binary-cross-entropy' },
  { options: { layers: [4, { units: 17, activation: 'relu' }, { units: 3, activation: 'softmax' }], loss: 'categorical-cross-entropy', seed: 2 }, inputs: 4, outputs: 3, loss: 'categorical-cross-entropy' },
  { options: { layers: [1, { units: 1, activation: 'identity' }], loss: 'mse', seed: 3 }, inputs: 1, outputs: 1, loss: 'mse' },
  { options: { layers: [5, { units: 8, activation: 'leaky-relu' }, { units: 4, activation: 'sigmoid' }, { units: 2, activation: 'identity' }], loss: 'quadratic', seed: 4 }, inputs: 5, outputs: 2, loss: 'quadratic' },
  { options: { layers: [2, 2, 1], bias: false, seed: 5 }, inputs: 2, outputs: 1, loss: 'quadratic' },
  { options: { layers: [7, { units: 3, activation: 'tanh' }, { units: 5, activation: 'softmax' }], loss: 'categorical-cross-entropy', init: 'xavier', seed: 6 }, inputs: 7, outputs: 5, loss: 'categorical-cross-entropy' },
  { options: { layers: [6, { units: 64, activation: 'relu' }, { units: 1, activation: 'identity' }], loss: 'mse', init: 'he', seed: 7 }, inputs: 6, outputs: 1, loss: 'mse' },
  { options: { layers: [3, { units: 4, activation: 'sigmoid' }, { units: 3, activation: 'sigmoid' }], loss: 'binary-cross-entropy', init: 'uniform', seed: 8 }, inputs: 3, outputs: 3, loss: 'binary-cross-entropy' },
];
const STEPS = 40;
const BATCH = 6;

const create = (arch: Arch, row: Row) => row.create(arch.options);
const batches = (arch: Arch, i: number) => Array.from({ length: STEPS }, (_, s) => dataFor(arch, BATCH, 1000 * i + s));

// On the threaded row each test starts eight to sixteen worker threads: 30 s each, for a loaded machine.
describeRows(ROWS)('isolation (%s)', (row) => {
  it('eight networks trained step by step in turn end bit-identical to each trained alone', async () => {
    const alone: number[][] = [];
    for (const [i, arch] of ARCHS.entries()) {
      const net = await create(arch, row);
      for (const { x, y } of batches(arch, i)) net.trainStep(x, y, { learningRate: 0.01, optimizer: i % 2 ? 'momentum' : 'sgd' });
      alone.push(bits(net));
      net.dispose();
    }
    const nets = await Promise.all(ARCHS.map((a) => create(a, row)));
    const data = ARCHS.map(batches);
    for (let s = 0; s < STEPS; s++) {
      nets.forEach((net, i) => net.trainStep(data[i][s].x, data[i][s].y, { learningRate: 0.01, optimizer: i % 2 ? 'momentum' : 'sgd' }));
    }
    nets.forEach((net, i) => expect(bits(net), `network ${i}`).toEqual(alone[i]));
    // Interleaved predictions too: each network's outputs are its own.
    const x = dataFor(ARCHS[1], 3, 9).x;
    const before = nets[1].predictBatch(x);
    nets.forEach((net, i) => net.predictBatch(dataFor(ARCHS[i], 100, i).x));
    expect(nets[1].predictBatch(x)).toEqual(before);
    nets.forEach((n) => n.dispose());
  }, 30_000);

  it('concurrent fits (shuffled, several epochs) end bit-identical to the same fits run one after another', async () => {
    const fitData = ARCHS.map((a, i) => dataFor(a, 40, 77 + i));
    // onEpochEnd hands control back to the event loop every epoch, so the concurrent fits really interleave.
    const run = (net: Network, i: number) =>
      net.fit(fitData[i].x, fitData[i].y, { epochs: 30, batchSize: 7, learningRate: 0.01, onEpochEnd: () => new Promise<void>((r) => setImmediate(r)) });
    const sequential: number[][] = [];
    for (const [i, arch] of ARCHS.entries()) {
      const net = await create(arch, row);
      await run(net, i);
      sequential.push(bits(net));
      net.dispose();
    }
    const nets = await Promise.all(ARCHS.map((a) => create(a, row)));
    await Promise.all(nets.map(run));
    nets.forEach((net, i) => expect(bits(net), `network ${i}`).toEqual(sequential[i]));
    const fresh = await Promise.all(ARCHS.map((a) => create(a, row)));
    fresh.forEach((net, i) => expect(bits(net), `network ${i} trained`).not.toEqual(sequential[i]));
    [...nets, ...fresh].forEach((n) => n.dispose());
  }, 30_000);

  it('the same seed gives the same bits run after run: initial weights and after fit', async () => {
    const once = async () => {
      const net = await create(ARCHS[1], row);
      const initial = bits(net);
      const { x, y } = dataFor(ARCHS[1], 50, 5);
      await net.fit(x, y, { epochs: 20, batchSize: 8, learningRate: 0.1 });
      const trained = bits(net);
      net.dispose();
      return { initial, trained };
    };
    const first = await once();
    expect(await once()).toEqual(first);
    expect(first.trained).not.toEqual(first.initial);
    const other = await row.create({ ...ARCHS[1].options, seed: 3 });
    expect(bits(other)).not.toEqual(first.initial);
    other.dispose();
  }, 30_000);
});

it('a 2-thread Wasm network, fitting while single-thread ones fit beside it, ends bit-identical to one thread alone', async () => {
  const options: NetworkOptions = { layers: [20, { units: 64, activation: 'relu' }, { units: 3, activation: 'softmax' }], loss: 'categorical-cross-entropy', seed: 3, backend: 'wasm' };
  const arch: Arch = { options, inputs: 20, outputs: 3, loss: 'categorical-cross-entropy' };
  const { x, y } = dataFor(arch, 256, 21);
  const fitOptions = { epochs: 5, batchSize: 64, learningRate: 0.05, onEpochEnd: () => new Promise<void>((r) => setImmediate(r)) };
  const alone = await Network.create(options);
  await alone.fit(x, y, fitOptions);
  const threaded = await Network.create({ ...options, threads: 2 });
  expect(threaded.threads).toBe(2);
  const others = await Promise.all(ARCHS.slice(0, 4).map((a) => Network.create({ ...a.options, backend: 'wasm' })));
  const othersData = ARCHS.slice(0, 4).map((a, i) => dataFor(a, 40, 300 + i));
  await Promise.all([threaded.fit(x, y, fitOptions), ...others.map((n, i) => n.fit(othersData[i].x, othersData[i].y, fitOptions))]);
  expect(bits(threaded)).toEqual(bits(alone));
  [alone, threaded, ...others].forEach((n) => n.dispose());
}, 60_000);

describeRows(ROWS)('determinism across processes (%s)', (row) => {
  it('another process computes the same trained weights as this one (sha-256 of the bits)', async () => {
    const script = fileURLToPath(new URL('./determinism-child.ts', import.meta.url));
    const here = await determinismDigest(row.options);
    expect(here).toMatch(new RegExp(`^${row.name} [0-9a-f]{64}$`));
    // The flag test/setup.ts sets here, so the relaxed-SIMD build validates there too; the child pins the row's build.
    const args = [row.backend, String(row.threads), ...(row.build ? [row.build] : [])];
    const there = execFileSync(process.execPath, ['--experimental-wasm-relaxed-simd', '--import', 'tsx', script, ...args], { encoding: 'utf8', timeout: 60_000 }).trim();
    expect(there).toBe(here);
  }, 60_000);
});
