// fit(dataset): the same weights as fit on arrays for the same batches, a seeded shuffle buffer
// that repeats bit for bit, bad rows named with the network left as before the failing batch,
// abort and early ends that stop reading the source, validation from a second dataset.
import { describe, expect, it } from 'vitest';
import { Network, Random } from '../src/index.js';
import { ShuffleBuffer } from '../src/engine/shuffle-buffer.js';
import { ROWS, describeRows } from './backends.js';

const I = 3;
const K = 2;
const N = 50;

/** A seeded two-class problem: N rows of I inputs, one-hot targets. */
function problem(seed = 5): { X: Float32Array; Y: Float32Array } {
  const rng = new Random(seed);
  const X = new Float32Array(N * I);
  const Y = new Float32Array(N * K);
  for (let r = 0; r < N; r++) {
    let s = 0;
    for (let k = 0; k < I; k++) s += X[r * I + k] = 2 * rng.uniform() - 1;
    Y[r * K + (s > 0 ? 1 : 0)] = 1;
  }
  return { X, Y };
}

type Element = [ArrayLike<number>, ArrayLike<number> | number] | { x: ArrayLike<number>; y: ArrayLike<number> };

/** The rows as an async dataset of [input, target] pairs, counting what was read. */
function rowsOf(X: Float32Array, Y: Float32Array, log: { pulled: number; closed: number } = { pulled: 0, closed: 0 }) {
  return async function* (): AsyncGenerator<Element> {
    try {
      for (let r = 0; r < X.length / I; r++) {
        log.pulled++;
        yield [X.subarray(r * I, (r + 1) * I), Y.subarray(r * K, (r + 1) * K)];
      }
    } finally {
      log.closed++;
    }
  };
}

const options = { layers: [I, { units: 4, activation: 'tanh' as const }, { units: K, activation: 'softmax' as const }], loss: 'categorical-cross-entropy' as const, seed: 9 };

describeRows(ROWS)('fit(dataset) (%s)', ({ create }) => {
  it('gives the weights fit on arrays gives for the same batches, rows or { x, y } batches of any size', async () => {
    const { X, Y } = problem();
    const fitOptions = { epochs: 3, batchSize: 8, learningRate: 0.1, optimizer: 'adam' as const };
    const arrays = await create(options);
    const h0 = await arrays.fit(X, Y, { ...fitOptions, shuffle: false });
    const streamed = await create(options);
    const h1 = await streamed.fit(rowsOf(X, Y), fitOptions);
    expect(streamed.getParameters()).toEqual(arrays.getParameters());
    expect(h1.loss).toEqual(h0.loss);
    // Batches of 7 rows (flat) and 5 rows (number[][]), re-cut into fit's batches of 8.
    const batched = await create(options);
    await batched.fit(function* () {
      for (let r = 0; r < N; r += 7) yield { x: X.subarray(r * I, Math.min(N, r + 7) * I), y: Y.subarray(r * K, Math.min(N, r + 7) * K) };
    }, fitOptions);
    expect(batched.getParameters()).toEqual(arrays.getParameters());
    const nested = await create(options);
    await nested.fit(async function* () {
      for (let r = 0; r < N; r += 5) {
        const rows = Array.from({ length: 5 }, (_, i) => Array.from(X.subarray((r + i) * I, (r + i + 1) * I)));
        const targets = Array.from({ length: 5 }, (_, i) => Array.from(Y.subarray((r + i) * K, (r + i + 1) * K)));
        yield [rows, targets];
      }
    }, fitOptions);
    expect(nested.getParameters()).toEqual(arrays.getParameters());
  });

  it('shuffles through a seeded buffer: the same seed and source repeat bit for bit', async () => {
    const { X, Y } = problem();
    const run = async () => {
      const net = await create(options);
      await net.fit(rowsOf(X, Y), { epochs: 2, batchSize: 4, learningRate: 0.1, shuffleBuffer: 16 });
      return net.getParameters();
    };
    const a = await run();
    expect(await run()).toEqual(a);
    const unshuffled = await create(options);
    await unshuffled.fit(rowsOf(X, Y), { epochs: 2, batchSize: 4, learningRate: 0.1 });
    expect(unshuffled.getParameters()).not.toEqual(a);
  });

  it('validates on a second dataset after each epoch, as on arrays', async () => {
    const { X, Y } = problem();
    const { X: VX, Y: VY } = problem(6);
    const fitOptions = { epochs: 2, batchSize: 10, learningRate: 0.1 };
    const arrays = await create(options);
    const h0 = await arrays.fit(X, Y, { ...fitOptions, shuffle: false, validationData: [VX, VY] });
    const streamed = await create(options);
    const h1 = await streamed.fit(rowsOf(X, Y), { ...fitOptions, validationData: rowsOf(VX, VY) });
    // The same outputs, summed over batches of 10 rather than at once: equal up to float64 rounding.
    h1.valLoss.forEach((v, i) => expect(v).toBeCloseTo(h0.valLoss[i], 12));
    expect(h1.valAccuracy).toEqual(h0.valAccuracy);
    expect(h1.loss).toEqual(h0.loss);
  });
});

describe('fit(dataset): errors and ends', () => {
  const fitOptions = { epochs: 1, batchSize: 8, learningRate: 0.1 };

  /** The rows with row `bad` replaced, as a dataset. */
  const withBadRow = (bad: number, row: unknown) => async function* () {
    const { X, Y } = problem();
    for (let r = 0; r < N; r++) yield [r === bad ? row : X.subarray(r * I, (r + 1) * I), Y.subarray(r * K, (r + 1) * K)] as Element;
  };

  /** The weights after training on the first `rows` rows only: what a failure in the batch after them must leave. */
  async function trainedOn(rows: number): Promise<Float32Array> {
    const { X, Y } = problem();
    const net = await Network.create({ ...options, backend: 'js' });
    if (rows > 0) await net.fit(X.subarray(0, rows * I), Y.subarray(0, rows * K), { ...fitOptions, shuffle: false });
    return net.getParameters();
  }

  for (const [what, row, message] of [
    ['a ragged row', [1, 2], /fit: dataset, epoch 1, row 19: inputs: expected a multiple of 3 values/],
    ['NaN', [1, NaN, 2], /fit: dataset, epoch 1, row 19: inputs: row 0, column 1 is NaN, expected a finite number/],
    ['text', [1, '2', 3], /fit: dataset, epoch 1, row 19: inputs: row 0, column 1 is the string "2", expected a finite number/],
  ] as const) {
    it(`${what}: an error naming the row, and the network as it was before the failing batch`, async () => {
      const net = await Network.create({ ...options, backend: 'js' });
      await expect(net.fit(withBadRow(19, row), fitOptions)).rejects.toThrow(message);
      expect(net.getParameters()).toEqual(await trainedOn(16));
    });
  }

  it('a source that throws: its error, and the updates before the failing batch kept', async () => {
    const { X, Y } = problem();
    const net = await Network.create({ ...options, backend: 'js' });
    await expect(net.fit(async function* () {
      for (let r = 0; r < 20; r++) yield [X.subarray(r * I, (r + 1) * I), Y.subarray(r * K, (r + 1) * K)] as Element;
      throw new Error('connection reset');
    }, fitOptions)).rejects.toThrow('connection reset');
    expect(net.getParameters()).toEqual(await trainedOn(16));
  });

  it('a stream that ends early trains on what it gave; one that gives nothing is an error', async () => {
    const { X, Y } = problem();
    const net = await Network.create({ ...options, backend: 'js' });
    await net.fit(rowsOf(X.subarray(0, 12 * I), Y.subarray(0, 12 * K)), { ...fitOptions, batchSize: 12 });
    const prefix = await Network.create({ ...options, backend: 'js' });
    await prefix.fit(X.subarray(0, 12 * I), Y.subarray(0, 12 * K), { ...fitOptions, batchSize: 12, shuffle: false });
    expect(net.getParameters()).toEqual(prefix.getParameters());
    await expect(net.fit(async function* () {}, fitOptions)).rejects.toThrow('fit: dataset: epoch 1 gave no rows');
  });

  it('abort mid-stream stops reading the source and closes it', async () => {
    const { X, Y } = problem();
    const log = { pulled: 0, closed: 0 };
    const controller = new AbortController();
    const net = await Network.create({ ...options, backend: 'js' });
    const history = await net.fit(rowsOf(X, Y, log), {
      ...fitOptions, batchSize: 4, signal: controller.signal,
      onBatchEnd: (batch) => {
        if (batch === 2) controller.abort();
      },
    });
    expect(history.stopped).toBe('aborted');
    expect(log.closed).toBe(1);
    expect(log.pulled).toBe(16); // three batches trained, the fourth read when the abort was seen
  });

  it('early stopping ends the run and closes the source; every epoch calls the dataset again', async () => {
    const { X, Y } = problem();
    const log = { pulled: 0, closed: 0 };
    const net = await Network.create({ ...options, backend: 'js' });
    const history = await net.fit(rowsOf(X, Y, log), { epochs: 50, batchSize: 10, learningRate: 0, earlyStopping: { monitor: 'loss', patience: 1 } });
    expect(history.stopped).toBe('early-stopping');
    expect(history.epochs).toBe(2);
    expect(log.closed).toBe(2);
  });

  it('rejects what needs the whole set in memory, and unknown options, before reading a row', async () => {
    const log = { pulled: 0, closed: 0 };
    const { X, Y } = problem();
    const net = await Network.create({ ...options, backend: 'js' });
    const data = rowsOf(X, Y, log);
    await expect(net.fit(data, { shuffle: true } as never)).rejects.toThrow('fit: shuffle: a dataset is never held whole; shuffle it through a bounded buffer with shuffleBuffer');
    await expect(net.fit(data, { validationSplit: 0.2 } as never)).rejects.toThrow('fit: validationSplit: a dataset is read as it streams');
    await expect(net.fit(data, { weightDecay: 0.1 })).rejects.toThrow("fit: weightDecay: λ/n needs the dataset's size n");
    await expect(net.fit(data, { shuffleBuffer: -1 })).rejects.toThrow('fit: shuffleBuffer: expected a whole number ≥ 0, got number -1');
    await expect(net.fit(data, { earlyStopping: { monitor: 'valLoss' } })).rejects.toThrow("'valLoss' needs validationData");
    await expect(net.fit(data, { batchsize: 3 } as never)).rejects.toThrow('fit: options: unknown option "batchsize"');
    await expect(net.fit(data, { checkpoint: { path: 'run.ckpt' } })).rejects.toThrow('fit: checkpoint: a dataset resumes only by reading its rows again');
    await expect(net.fit(data, Y as never)).rejects.toThrow('fit: inputs: a function is a dataset, fit(dataset, options), which brings its own targets; got targets as well');
    await expect(net.fit((() => 42) as never, {})).rejects.toThrow('fit: dataset: expected a function returning an async iterable (or iterable) of [inputs, targets] or { x, y }, but it returned number 42');
    await expect(net.fit(async function* () { yield 7 as never; }, {})).rejects.toThrow('fit: dataset, epoch 1, element 0: expected [inputs, targets] or { x, y }, got number 7');
    expect(log.pulled).toBe(0);
  });

  it("metrics: ['accuracy'] with targets that are not class labels says so", async () => {
    const net = await Network.create({ ...options, backend: 'js' });
    await expect(net.fit(function* () {
      yield [[0, 0, 0], [0.5, 0.5]] as Element;
    }, { metrics: ['accuracy'] })).rejects.toThrow("fit: metrics: 'accuracy' needs class-label targets");
  });
});

describe('shuffle buffer', () => {
  /** The order n rows (row i holds i) come out of a buffer of `capacity`. */
  function order(n: number, capacity: number, seed: number): number[] {
    const buffer = new ShuffleBuffer(capacity, 1, 1, new Random(seed));
    const x = new Float32Array(1);
    const y = new Float32Array(1);
    const out: number[] = [];
    const take = (draining: boolean) => {
      buffer.draw(x, 0, y, 0, draining);
      out.push(x[0]);
    };
    for (let i = 0; i < n; i++) {
      if (buffer.full) take(false);
      const s = buffer.slot();
      buffer.x[s] = i;
      buffer.y[s] = i;
    }
    while (buffer.rows > 0) take(true);
    return out;
  }

  it('lets every row out once; a buffer of 1 keeps the order; the same seed repeats', () => {
    const a = order(100, 10, 1);
    expect([...a].sort((p, q) => p - q)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(a).not.toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(order(100, 10, 1)).toEqual(a);
    expect(order(30, 1, 1)).toEqual(Array.from({ length: 30 }, (_, i) => i));
  });

  it('holds rows back by at most its size, as tf.data: row i comes out no earlier than position i − capacity', () => {
    const out = order(200, 8, 3);
    out.forEach((row, position) => expect(position).toBeGreaterThanOrEqual(row - 8));
  });
});
