// Resource bounds, in small: creating and disposing 2,000 networks and 20,000 training steps keep
// the JS heap, RSS and each network's Wasm memory flat (scripts/soak.ts runs the full 10,000 and
// 1,000,000 and prints the figures). Every method of a disposed network throws.
import { expect, it } from 'vitest';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Network, gradientCheck } from '../../src/index.js';
import { ROWS, describeRows, type Row, type RowOptions } from '../backends.js';
import { wasmPages } from './helpers.js';

setFlagsFromString('--expose-gc');
/** A full collection, so what is measured is what is still reachable. */
const gc = runInNewContext('gc') as () => void;
const MB = 2 ** 20;
const heap = () => {
  gc();
  return process.memoryUsage().heapUsed;
};
const rss = () => {
  gc();
  return process.memoryUsage().rss;
};

const XOR_X = [[0, 0], [0, 1], [1, 0], [1, 1]].map((r) => Float32Array.from(r));
const XOR_Y = [[0], [1], [1], [0]].map((r) => Float32Array.from(r));
const XOR: RowOptions = { layers: [2, { units: 4, activation: 'tanh' }, { units: 1, activation: 'sigmoid' }], loss: 'binary-cross-entropy' };
const xor = (row: Row, seed: number) => row.create({ ...XOR, seed });

describeRows(ROWS)('resources (%s)', (row) => {
  const { backend } = row;
  // A threaded network starts a worker thread (about 30 ms) and dispose stops it: 200 of them
  // show as well whether a worker or its shared memory outlives dispose.
  const networks = row.threads > 1 ? 200 : 2000;
  it(`${networks.toLocaleString('en')} networks created, used and disposed: heap and RSS flat, every network the same Wasm pages`, async () => {
    // Network.create itself: row.create keeps each threaded network until the test ends, to dispose it.
    const fresh = (seed: number) => Network.create({ ...XOR, seed, ...row.options });
    for (let i = 0; i < networks / 10; i++) (await fresh(i)).dispose(); // warm up the JIT and the module cache
    const heap0 = heap();
    const rss0 = rss();
    const pages = new Set<number>();
    for (let i = 0; i < networks; i++) {
      const net = await fresh(i);
      expect(net.kernel).toBe(row.name);
      expect(net.predict([1, 0])[0]).toBeGreaterThan(0);
      pages.add(wasmPages(net));
      net.dispose();
    }
    expect([...pages]).toEqual([backend === 'wasm' ? 2 : 0]); // 2 × 64 KiB: module data and the arena
    expect((heap() - heap0) / MB).toBeLessThan(4);
    expect((rss() - rss0) / MB).toBeLessThan(64);
  }, 120_000); // the threaded row: 220 worker threads started and stopped, 30 s on a loaded machine

  it('20,000 online steps on XOR: no memory grows, and the network learns XOR', async () => {
    const net = await xor(row, 1);
    const options = { learningRate: 0.5 };
    net.trainStep(XOR_X[0], XOR_Y[0], options);
    const pages0 = wasmPages(net);
    const heap0 = heap();
    for (let i = 0; i < 20_000; i++) net.trainStep(XOR_X[i & 3], XOR_Y[i & 3], options);
    expect(wasmPages(net)).toBe(pages0);
    expect((heap() - heap0) / MB).toBeLessThan(2);
    const out = net.predictBatch(XOR_X);
    expect(Array.from(out, (v) => (v >= 0.5 ? 1 : 0))).toEqual([0, 1, 1, 0]);
    expect(net.evaluate(XOR_X, XOR_Y).loss).toBeLessThan(0.05);
  }, 60_000);

  it('fit over 5,000 epochs of batchSize 1 keeps the Wasm memory where the first epoch put it', async () => {
    const net = await xor(row, 2);
    await net.fit(XOR_X, XOR_Y, { epochs: 1, batchSize: 1, learningRate: 0.5 });
    const pages0 = wasmPages(net);
    const heap0 = heap();
    const history = await net.fit(XOR_X, XOR_Y, { epochs: 5000, batchSize: 1, learningRate: 0.5 });
    expect(history.epochs).toBe(5000);
    expect(wasmPages(net)).toBe(pages0);
    expect((heap() - heap0) / MB).toBeLessThan(2);
  }, 60_000);

  it('a disposed network throws on every method, naming it, and dispose twice is harmless', async () => {
    const net = await xor(row, 3);
    net.dispose();
    const X = [[1, 0]];
    const Y = [[1]];
    const calls: Array<[string, () => unknown]> = [
      ['predict', () => net.predict([1, 0])],
      ['predictBatch', () => net.predictBatch(X)],
      ['trainStep', () => net.trainStep(X, Y)],
      ['gradients', () => net.gradients(X, Y)],
      ['evaluate', () => net.evaluate(X, Y)],
      ['trace', () => net.trace(X, Y)],
      ['getWeights', () => net.getWeights(0)],
      ['setWeights', () => net.setWeights(0, [[1, 1], [1, 1], [1, 1], [1, 1]])],
      ['getParameters', () => net.getParameters()],
      ['toJSON', () => net.toJSON()],
      ['gradients', () => gradientCheck(net, X, Y)],
    ];
    for (const [name, call] of calls) expect(call, name).toThrow(new RegExp(`^${name}: this network has been disposed$`));
    await expect(net.fit(X, Y)).rejects.toThrow(/^fit: this network has been disposed$/);
    expect(() => net.dispose()).not.toThrow();
  });

  it('a network disposed inside onEpochEnd stops fit with that reason, not a NaN loss or a kernel error', async () => {
    const net = await xor(row, 4);
    // Before the fix the JS backend trained on its emptied arena and reported "the loss is NaN".
    await expect(net.fit(XOR_X, XOR_Y, { epochs: 3, onEpochEnd: () => net.dispose() })).rejects.toThrow(/^fit: this network has been disposed$/);
  });
});
