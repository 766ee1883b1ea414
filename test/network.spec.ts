// The Network API: shapes, copies, and bad input that throws a clear error and changes nothing.
import { describe, expect, it } from 'vitest';
import { Network, NonFiniteError } from '../src/index.js';
import { ROWS, describeRows, type Row } from './backends.js';

const make = (row: Row) => row.create({ layers: [2, { units: 3, activation: 'tanh' }, { units: 2, activation: 'sigmoid' }], seed: 3 });

/** Every parameter of the network, to compare before and after a failed call. */
const snapshot = (net: Network) => Array.from(net.getParameters());

describeRows(ROWS)('Network API (%s)', (row) => {
  const { backend, create } = row;
  it('reports the backend it runs and the architecture', async () => {
    const net = await make(row);
    expect(net.backend).toBe(backend);
    expect(net.kernel).toMatch(backend === 'wasm' ? /^wasm/ : /^js$/);
    expect([net.kernel, net.threads]).toEqual([row.name, row.threads]);
    expect([net.inputs, net.outputs, net.layerCount]).toEqual([2, 2, 2]);
    expect(net.parameterCount).toBe(3 * 2 + 3 + 2 * 3 + 2);
  });

  it('initialises weights from N(0, 1/√fan_in) with zero biases, the same on every backend', async () => {
    const net = await create({ layers: [400, 300, 1], seed: 9 });
    const { weights, bias } = net.getWeights(0);
    const mean = weights.reduce((s, v) => s + v, 0) / weights.length;
    const sd = Math.sqrt(weights.reduce((s, v) => s + (v - mean) ** 2, 0) / weights.length);
    expect(Math.abs(mean)).toBeLessThan(0.002);
    expect(sd).toBeCloseTo(1 / Math.sqrt(400), 3);
    expect(Array.from(bias!).every((b) => b === 0)).toBe(true);
    const other = await Network.create({ layers: [400, 300, 1], seed: 9, backend: backend === 'js' ? 'wasm' : 'js' });
    expect(other.getParameters()).toEqual(net.getParameters());
  });

  it('predictBatch equals predict row by row, in all accepted sample forms', async () => {
    const net = await make(row);
    const X = [[0.1, -0.2], [1, 2], [-3, 0.5]];
    const batch = net.predictBatch(X);
    expect(batch.length).toBe(6);
    X.forEach((x, r) => expect(Array.from(net.predict(x))).toEqual(Array.from(batch.subarray(2 * r, 2 * r + 2))));
    expect(net.predictBatch(X.map((r) => Float32Array.from(r)))).toEqual(batch);
    expect(net.predictBatch(Float32Array.from(X.flat()))).toEqual(batch);
  });

  it('returns copies, never views into backend memory', async () => {
    const net = await make(row);
    const w = net.getWeights(0);
    w.weights[0] = 123;
    expect(net.getWeights(0).weights[0]).not.toBe(123);
    const out = net.predict([1, 1]);
    net.predict([5, -5]);
    expect(out).toEqual(net.predict([1, 1]));
  });

  it('setWeights accepts [units][inputs] rows or flat row-major, and a bias', async () => {
    const net = await make(row);
    net.setWeights(0, [[1, 2], [3, 4], [5, 6]], [0.5, 0.25, 0]);
    expect(Array.from(net.getWeights(0).weights)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(Array.from(net.getWeights(0).bias!)).toEqual([0.5, 0.25, 0]);
    net.setWeights(0, [6, 5, 4, 3, 2, 1]);
    expect(Array.from(net.getWeights(0).weights)).toEqual([6, 5, 4, 3, 2, 1]);
    expect(Array.from(net.getWeights(0).bias!)).toEqual([0.5, 0.25, 0]);
  });

  it('names the real row of a bad value beyond the first chunk, in every sample form', async () => {
    const net = await make(row);
    const flat = new Float32Array(5000 * 2).fill(0.5);
    flat[2 * 4321 + 1] = NaN;
    expect(() => net.predictBatch(flat)).toThrow(/predictBatch: inputs: row 4321, column 1 is NaN/);
    const rows = Array.from({ length: 5000 }, () => [0.5, 0.5]);
    rows[4500][0] = Infinity;
    expect(() => net.predictBatch(rows)).toThrow(/predictBatch: inputs: row 4500, column 0 is Infinity/);
  });

  it('checks a typed-array training set: finds +∞ and −∞ together, passes float32 extremes', async () => {
    // fit checks a flat Float32Array in the arena with the backend's countNonFinite (the JS one sums in
    // float64, finite exactly when every value is) before scanning to name the bad value.
    const net = await make(row);
    const before = snapshot(net);
    const x = new Float32Array(3000 * 2).fill(3.4e38); // every value finite; their float64 sum too
    const y = new Float32Array(3000 * 2).fill(0.5);
    expect(net.evaluate(x, y).loss).toBeGreaterThan(0);
    x[2 * 1000] = Infinity;
    x[2 * 2000 + 1] = -Infinity; // in another of the four sums: +∞ + −∞ is NaN, still not finite
    await expect(net.fit(x, y, { epochs: 1 })).rejects.toThrow(/fit: inputs: row 1000, column 0 is Infinity/);
    x[2 * 1000] = 3.4e38;
    await expect(net.fit(x, y, { epochs: 1 })).rejects.toThrow(/fit: inputs: row 2000, column 1 is -Infinity/);
    expect(snapshot(net)).toEqual(before);
  });

  it("checks fit's Float32Array inputs in the arena and its held-out rows on the way, naming the caller's row", async () => {
    // fit packs a flat Float32Array without a first copy and checks it with the kernel; the
    // validationSplit tail is copied apart and checked there. Either way the row is the caller's.
    const net = await make(row);
    const before = snapshot(net);
    const rows = 50_000;
    const x = new Float32Array(rows * 2).fill(0.25);
    const y = new Float32Array(rows * 2).fill(0.5);
    x[2 * 30_000 + 1] = NaN;
    await expect(net.fit(x, y, { epochs: 1 })).rejects.toThrow(/^fit: inputs: row 30000, column 1 is NaN/);
    x[2 * 30_000 + 1] = 0.25;
    x[2 * 45_000] = Infinity; // in the last 10 %, which validationSplit 0.1 holds out
    await expect(net.fit(x, y, { epochs: 1, validationSplit: 0.1 })).rejects.toThrow(/^fit: inputs: row 45000, column 0 is Infinity/);
    expect(snapshot(net)).toEqual(before);
    // The failed calls left the network able to train on the same set, with the bad value mended.
    x[2 * 45_000] = 0.25;
    const history = await net.fit(x.subarray(0, 2000), y.subarray(0, 2000), { epochs: 1, validationSplit: 0.1 });
    expect(history.valLoss[0]).toBeGreaterThan(0);
    expect(snapshot(net)).not.toEqual(before);
  });

  it('grows its batch buffers for a larger batch without losing the weights', async () => {
    const net = await make(row);
    const before = snapshot(net);
    const X = Array.from({ length: 5000 }, (_, i) => [Math.sin(i), Math.cos(i)]);
    const out = net.predictBatch(X);
    expect(out.length).toBe(10000);
    expect(snapshot(net)).toEqual(before);
    expect(Array.from(out.subarray(2 * 4999))).toEqual(Array.from(net.predict(X[4999])));
  });

  describe('bad input throws a named error and leaves the weights unchanged', () => {
    const cases: Array<[string, (n: Network) => unknown, RegExp]> = [
      ['predict: too many inputs', (n) => n.predict([1, 2, 3]), /predict: .*expected 2 inputs, got 3/],
      ['predict: too few inputs', (n) => n.predict([1]), /predict: expected 2 inputs, got 1/],
      ['predict: NaN', (n) => n.predict([1, NaN]), /predict: input: row 0, column 1 is NaN, expected a finite number/],
      ['predict: a string', (n) => n.predict('12' as never), /predict: input: expected an array/],
      ['predictBatch: ragged rows', (n) => n.predictBatch([[1, 2], [3]]), /predictBatch: inputs: expected 2 values per row, got 1 in row 1/],
      ['predictBatch: empty', (n) => n.predictBatch([]), /predictBatch: inputs: expected at least one row/],
      ['trainStep: wrong target width', (n) => n.trainStep([[1, 2]], [[1, 0, 1]], { learningRate: 1 }), /trainStep: targets: expected a multiple of 2 values|trainStep: targets: expected 2 values per row, got 3/],
      ['trainStep: row counts differ', (n) => n.trainStep([[1, 2], [3, 4]], [[1, 0]], { learningRate: 1 }), /trainStep: expected as many target rows as input rows, got 2 inputs and 1 targets/],
      ['trainStep: Infinity in targets (after valid rows)', (n) => n.trainStep([[1, 2], [3, 4]], [[1, 0], [0, Infinity]], { learningRate: 1 }), /trainStep: targets: row 1, column 1 is Infinity/],
      ['trainStep: NaN in inputs', (n) => n.trainStep([[1, NaN]], [[1, 0]], { learningRate: 1 }), /trainStep: inputs: row 0, column 1 is NaN/],
      ['trainStep: unknown option', (n) => n.trainStep([[1, 2]], [[1, 0]], { lerningRate: 1 } as never), /trainStep: options: unknown option "lerningRate"; known options are learningRate/],
      ['trainStep: negative learning rate', (n) => n.trainStep([[1, 2]], [[1, 0]], { learningRate: -1 }), /trainStep: learningRate: expected a finite number ≥ 0, got number -1/],
      ['trainStep: unknown optimizer', (n) => n.trainStep([[1, 2]], [[1, 0]], { optimizer: 'adamw' as never }), /trainStep: optimizer: expected one of 'sgd', 'momentum', 'adam', 'rmsprop', got the string "adamw"/],
      ['gradients: ragged', (n) => n.gradients([[1, 2], [1]], [[1, 0], [0, 1]]), /gradients: inputs: expected 2 values per row, got 1 in row 1/],
      ['setWeights: wrong shape', (n) => n.setWeights(0, [[1, 2], [3, 4]]), /setWeights\(0\): weights: expected 3 × 2 \(units × inputs\), got 2 × 2/],
      ['setWeights: NaN weight', (n) => n.setWeights(1, [[1, 2, 3], [4, NaN, 6]]), /setWeights\(1\): weights: row 1, column 1 is NaN/],
      ['setWeights: wrong bias length', (n) => n.setWeights(1, [[1, 2, 3], [4, 5, 6]], [1]), /setWeights\(1\): bias: expected 2 values, got 1/],
      ['setWeights: layer out of range', (n) => n.setWeights(2, [[1]]), /setWeights: layer: expected a layer index from 0 to 1, got number 2/],
      ['getWeights: layer not an integer', (n) => n.getWeights(0.5), /getWeights: layer: expected a layer index from 0 to 1, got number 0.5/],
      ['fit: unknown option', (n) => n.fit([[1, 2]], [[1, 0]], { epoch: 3 } as never), /fit: options: unknown option "epoch"/],
      ['fit: bad batch size', (n) => n.fit([[1, 2]], [[1, 0]], { batchSize: 0 }), /fit: batchSize: expected a whole number ≥ 1, got number 0/],
      ['fit: NaN in data', (n) => n.fit([[1, 2], [NaN, 1]], [[1, 0], [0, 1]]), /fit: inputs: row 1, column 0 is NaN/],
      ['evaluate: wrong width', (n) => n.evaluate([[1, 2, 3]], [[1, 0]]), /evaluate: inputs: expected 2 values per row, got 3 in row 0/],
      // Past the first 4,096-row chunk: evaluate checks its inputs chunk by chunk in the arena.
      ['evaluate: infinity in a later chunk', (n) => n.evaluate(new Float32Array(5000 * 2).fill(1).fill(Infinity, 9999), new Float32Array(5000 * 2)), /evaluate: inputs: row 4999, column 1 is Infinity/],
      ['evaluate: NaN target', (n) => n.evaluate([[1, 2], [3, 4]], [[1, 0], [0, NaN]]), /evaluate: targets: row 1, column 1 is NaN/],
    ];
    for (const [name, call, message] of cases) {
      it(name, async () => {
        const net = await make(row);
        net.trainStep([[0.5, -0.5]], [[1, 0]], { learningRate: 0.1 }); // batch buffers hold real data
        const before = snapshot(net);
        await expect(async () => call(net)).rejects.toThrow(message);
        expect(snapshot(net)).toEqual(before);
      });
    }
  });

  it('does not update on a non-finite loss and says why', async () => {
    const net = await create({ layers: [1, { units: 1, activation: 'identity' }], bias: false, seed: 1 });
    net.setWeights(0, [[3e38]]);
    const before = snapshot(net);
    expect(() => net.trainStep([[10]], [[0]], { learningRate: 0.1 })).toThrow(NonFiniteError);
    expect(() => net.trainStep([[10]], [[0]], { learningRate: 0.1 })).toThrow(/trainStep: the loss is Infinity; the weights were not updated \(a learning rate that is too high/);
    expect(snapshot(net)).toEqual(before);
  });

  it('rejects bad create options by name', async () => {
    await expect(Network.create({ layers: [2, 1], activation: 'relu' } as never)).rejects.toThrow(/Network.create: unknown option "activation"; known options are layers, loss, bias, init, seed, backend/);
    await expect(Network.create({ layers: [2, { units: 1, activation: 'gelu' as never }] })).rejects.toThrow(/Network.create: layers\[1\].activation: expected one of 'sigmoid', 'tanh', 'relu', 'leaky-relu', 'identity', 'softmax', got the string "gelu"/);
    await expect(Network.create({ layers: [2, 1], loss: 'hinge' as never })).rejects.toThrow(/Network.create: loss: expected one of 'quadratic', 'mse', 'binary-cross-entropy', 'categorical-cross-entropy', got the string "hinge"/);
    await expect(Network.create({ layers: [2, 0] })).rejects.toThrow(/Network.create: layers\[1\]: expected a whole number of units from 1 to 16777216, got number 0/);
    await expect(Network.create({ layers: [2] })).rejects.toThrow(/layers: expected an array of at least 2 entries/);
    await expect(Network.create({ layers: [2, { units: 3, activation: 'softmax' }, 1] })).rejects.toThrow(/'softmax' is only allowed on the output layer/);
    await expect(Network.create({ layers: [2, { units: 2, activation: 'relu' }], loss: 'categorical-cross-entropy' })).rejects.toThrow(/loss 'categorical-cross-entropy' needs a 'softmax' output layer, got 'relu'/);
    await expect(Network.create({ layers: [2, 1], seed: -1 })).rejects.toThrow(/seed: expected a whole number from 0 to 4294967295/);
    await expect(Network.create({ layers: [2, 1], backend: 'gpu' as never })).rejects.toThrow(/backend: expected one of 'auto', 'js', 'wasm'/);
    await expect(Network.create({ layers: [2, { units: 1, bias: true } as never] })).rejects.toThrow(/layers\[1\]: unknown option "bias"/);
  });

  it('a disposed network throws on use', async () => {
    const net = await make(row);
    net.dispose();
    expect(() => net.predict([1, 2])).toThrow(/predict: this network has been disposed/);
    expect(() => net.trainStep([[1, 2]], [[1, 0]])).toThrow(/trainStep: this network has been disposed/);
    expect(() => net.getWeights(0)).toThrow(/getWeights: this network has been disposed/);
    await expect(net.fit([[1, 2]], [[1, 0]])).rejects.toThrow(/fit: this network has been disposed/);
    net.dispose(); // a second dispose is harmless
  });

  it('trainStep with learning rate 0 changes nothing and returns the loss', async () => {
    const net = await make(row);
    const before = snapshot(net);
    const loss = net.trainStep([[1, 2]], [[1, 0]], { learningRate: 0 });
    expect(loss).toBeGreaterThan(0);
    expect(snapshot(net)).toEqual(before);
    expect(net.evaluate([[1, 2]], [[1, 0]]).loss).toBeCloseTo(loss, 6);
  });

  it('evaluate reports accuracy for class labels only', async () => {
    const net = await make(row);
    const ev = net.evaluate([[1, 2], [3, 4]], [[1, 0], [0, 1]]);
    expect(ev.accuracy).toBeDefined();
    expect([0, 0.5, 1]).toContain(ev.accuracy);
    expect(net.evaluate([[1, 2]], [[0.3, 0.7]]).accuracy).toBeUndefined();
  });
});
