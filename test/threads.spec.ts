// Training on two threads sharing one Wasm memory. Slices split products by rows or units,
// the flat-vector updates by ranges and activations and gathers by rows, never a single
// output's sum, so results are bit-identical to one thread, not merely close.
import { afterAll, describe, expect, it } from 'vitest';
import { Network, Random, type NetworkOptions } from '../src/index.js';
import { ThreadedWasmBackend } from '../src/backends/wasm/threaded.js';
import { createBackend } from '../src/backends/index.js';

const rng = new Random(77);
const floats = (n: number) => Float32Array.from({ length: n }, () => rng.uniform() - 0.5);

describe('threaded Wasm backend', () => {
  const backends: ThreadedWasmBackend[] = [];
  afterAll(() => backends.forEach((b) => b.dispose()));

  // Large enough that every kernel splits (see MIN_SPLIT_WORK), with awkward edges.
  const SHAPES = [
    [1, 784, 129], [2, 300, 127], [63, 129, 65], [65, 127, 63], [129, 65, 17], [32, 784, 128],
  ];
  it.each(SHAPES)('products, update and finite check match one thread exactly: batch %i, %i → %i', async (batch, inputs, units) => {
    const threaded = await ThreadedWasmBackend.create(2);
    backends.push(threaded);
    const single = createBackend('wasm');
    const x = floats(batch * inputs), w = floats(units * inputs), b = floats(units), delta = floats(batch * units);
    const run = (be: typeof single) => {
      const base = be.base;
      const at = { x: base, w: base + x.length, b: base + x.length + w.length };
      const z = at.b + units, d = z + batch * units, dw = d + batch * units, db = dw + units * inputs, dx = db + units, v = dx + batch * inputs;
      be.reserve(v + units * inputs + 8);
      const f = be.f32;
      f.set(x, at.x); f.set(w, at.w); f.set(b, at.b); f.set(delta, d);
      const k = be.kernels;
      k.forward(at.x, at.w, at.b, z, 0, batch, inputs, units, 1);
      k.weightGradients(d, at.x, dw, db, 0, batch, inputs, units, 1 / batch, 1);
      k.propagateDelta(d, at.w, dx, 0, batch, inputs, units);
      k.momentumUpdate(at.w, dw, v, units * inputs, 0.1, 0.9);
      const bad = k.countNonFinite(dw, units * inputs);
      const g = be.f32;
      return { z: g.slice(z, z + batch * units), dw: g.slice(dw, dw + units * inputs), db: g.slice(db, db + units), dx: g.slice(dx, dx + batch * inputs), w: g.slice(at.w, at.w + w.length), bad };
    };
    const one = run(single);
    const two = run(threaded);
    expect(two.z).toEqual(one.z);
    expect(two.dw).toEqual(one.dw);
    expect(two.db).toEqual(one.db);
    expect(two.dx).toEqual(one.dx);
    expect(two.w).toEqual(one.w);
    expect(two.bad).toBe(0);
  }, 60_000);

  // Activations and the row gather are cut by rows in multiples of 4 (see threaded.ts), so
  // each slice's SIMD loop sees the values one thread's would: the results are the same bits.
  const ACTIVATIONS = ['sigmoid', 'tanh', 'relu', 'leakyRelu', 'identity', 'softmax'] as const;
  it.each([[129, 127], [64, 1024], [1021, 65], [300, 300]])('activations and the row gather match one thread exactly: %i rows × %i', async (rows, cols) => {
    const threaded = await ThreadedWasmBackend.create(2);
    backends.push(threaded);
    const single = createBackend('wasm');
    const z = floats(rows * cols).map((v) => 40 * v), delta = floats(rows * cols);
    const order = Float32Array.from({ length: rows }, (_, r) => (r * 7919) % rows);
    const run = (be: typeof single) => {
      const n = rows * cols;
      const at = { z: be.base, a: be.base + n, d: be.base + 2 * n, order: be.base + 3 * n, gathered: be.base + 3 * n + rows };
      be.reserve(at.gathered + n);
      const out: Record<string, Float32Array> = {};
      for (const f of ACTIVATIONS) {
        be.f32.set(z, at.z);
        be.f32.set(delta, at.d);
        be.kernels[`${f}Forward`](at.z, at.a, rows, cols);
        be.kernels[`${f}Backward`](at.z, at.a, at.d, rows, cols);
        out[f] = be.f32.slice(at.a, at.a + 2 * n); // a, then delta·f'(z)
      }
      be.f32.set(order, at.order);
      be.kernels.gatherRows(at.z, at.order, at.gathered, rows, cols);
      out.gather = be.f32.slice(at.gathered, at.gathered + n);
      return out;
    };
    const one = run(single);
    const jobs = () => (threaded as unknown as { pool: { job: number } }).pool.job; // handshakes posted so far
    const before = jobs();
    const two = run(threaded);
    expect(jobs() - before).toBeGreaterThanOrEqual(rows * cols >= 65536 ? 13 : 3); // exp-based ones from 8,192 values, all from 65,536
    for (const key of Object.keys(one)) expect(two[key], key).toEqual(one[key]);
    expect(one.gather.subarray(cols, 2 * cols)).toEqual(z.subarray(order[1] * cols, (order[1] + 1) * cols));
  }, 60_000); // toEqual walks 180,000 floats per activation, about a second each; several on a loaded machine

  it('dispose() stops the workers and lets go of the shared memory', async () => {
    const be = await ThreadedWasmBackend.create(2);
    be.reserve(be.base + 100_000);
    be.dispose();
    expect(be.f32.length).toBe(0);
    expect(() => be.kernels.countNonFinite(0, 1)).toThrow(/disposed/);
  });

  it('counts non-finite values in both halves', async () => {
    const be = await ThreadedWasmBackend.create(2);
    backends.push(be);
    const n = 100_003;
    be.reserve(be.base + n);
    be.f32.fill(1, be.base, be.base + n);
    be.f32[be.base + 3] = NaN;
    be.f32[be.base + n - 2] = Infinity;
    expect(be.kernels.countNonFinite(be.base, n)).toBe(2);
  });
});

/** Inputs in [0, 1) and one-hot targets cycling through 10 classes. */
function classes(rows: number, inputs: number) {
  const X = floats(rows * inputs).map((v) => v + 0.5);
  const Y = new Float32Array(rows * 10);
  for (let i = 0; i < rows; i++) Y[i * 10 + (i % 10)] = 1;
  return { X, Y };
}

/** Build the same network on 1 and on 2 threads, run `use` on each, and return both results. */
async function onOneAndTwoThreads<T>(layers: NetworkOptions['layers'], seed: number, use: (net: Network) => Promise<T>): Promise<[T, T]> {
  const results: T[] = [];
  for (const threads of [1, 2]) {
    const net = await Network.create({ layers, loss: 'categorical-cross-entropy', seed, backend: 'wasm', threads });
    results.push(await use(net));
    net.dispose();
  }
  return [results[0], results[1]];
}

describe('Network with threads', () => {
  it('trains to bit-identical weights on 2 threads and on 1, and reports its threads', async () => {
    const { X, Y } = classes(200, 64);
    const [one, two] = await onOneAndTwoThreads([64, { units: 96, activation: 'tanh' }, { units: 10, activation: 'softmax' }], 5, async (net) => {
      await net.fit(X, Y, { epochs: 3, batchSize: 40, learningRate: 0.2, optimizer: 'momentum' });
      await net.fit(X.subarray(0, 64 * 4), Y.subarray(0, 40), { epochs: 1, batchSize: 1, learningRate: 0.05 });
      return { params: net.getParameters(), threads: net.threads, kernel: net.kernel, predictions: net.predictBatch(X) };
    });
    expect(one.threads).toBe(1);
    expect(two.threads).toBe(2);
    expect(two.kernel).toMatch(/^wasm-(relaxed-)?simd × 2 threads$/);
    expect(two.params).toEqual(one.params);
    expect(two.predictions).toEqual(one.predictions);
  });

  it('cuts the gather and the activations of a large batch inside fit, and still trains to the same bits', async () => {
    // 128 rows × 160 inputs to gather and 128 × 96 sigmoid values: both above the split sizes.
    const { X, Y } = classes(256, 160);
    const [one, two] = await onOneAndTwoThreads([160, { units: 96, activation: 'sigmoid' }, { units: 10, activation: 'softmax' }], 8, async (net) => {
      const history = await net.fit(X, Y, { epochs: 3, batchSize: 128, learningRate: 0.5 });
      return { params: net.getParameters(), loss: history.loss };
    });
    expect(two.loss).toEqual(one.loss);
    expect(two.params).toEqual(one.params);
    expect(one.loss[2]).toBeLessThan(one.loss[0]);
  });

  it("checks fit's inputs on both threads and names the bad value's row, weights unchanged", async () => {
    const net = await Network.create({ layers: [64, 32, 10], seed: 2, backend: 'wasm', threads: 2 });
    const before = net.getParameters();
    const x = new Float32Array(4000 * 64).fill(0.5); // 256,000 values: the finite check is cut across the threads
    const y = new Float32Array(4000 * 10).fill(0.1);
    x[64 * 3999 + 63] = NaN; // in the worker's half
    await expect(net.fit(x, y, { epochs: 1 })).rejects.toThrow(/^fit: inputs: row 3999, column 63 is NaN/);
    x[64 * 3999 + 63] = 0.5;
    x[64 * 7] = -Infinity; // in this thread's half
    await expect(net.fit(x, y, { epochs: 1 })).rejects.toThrow(/^fit: inputs: row 7, column 0 is -Infinity/);
    expect(net.getParameters()).toEqual(before);
    net.dispose();
  });

  it('grows its shared memory for a large batch and keeps the weights', async () => {
    const net = await Network.create({ layers: [784, 128, 10], seed: 2, backend: 'wasm', threads: 2 });
    const before = net.getParameters();
    const out = net.predictBatch(floats(3000 * 784));
    expect(out.length).toBe(30_000);
    expect(net.getParameters()).toEqual(before);
    net.dispose();
  });

  it('rejects threads it cannot give, by name', async () => {
    await expect(Network.create({ layers: [2, 1], threads: 0 })).rejects.toThrow(/Network.create: threads: expected a whole number from 1 to 17 or 'auto', got number 0/);
    await expect(Network.create({ layers: [2, 1], threads: 2, backend: 'js' })).rejects.toThrow(/threads: multi-threaded training needs the wasm backend, but the backend is 'js'/);
    const auto = await Network.create({ layers: [2, 1], threads: 'auto', backend: 'js' });
    expect(auto.threads).toBe(1);
  });

  it('a disposed threaded network throws, and its workers are gone', async () => {
    const net = await Network.create({ layers: [8, 4, 1], seed: 1, backend: 'wasm', threads: 2 });
    net.dispose();
    expect(() => net.predict(new Float32Array(8))).toThrow(/disposed/);
  });
});
