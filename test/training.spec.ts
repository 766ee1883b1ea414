// Whole-training behaviour: XOR learns, every Wasm row trains to JS's weights, fit's
// options do what they say, and a saved network predicts exactly as the original.
import { expect, it } from 'vitest';
import { Network, NonFiniteError } from '../src/index.js';
import { blobs } from './blobs.js';
import { JS, ROWS, WASM_ROWS, describeRows, worstMismatch, type Row } from './backends.js';

const XOR_X = [[0, 0], [0, 1], [1, 0], [1, 1]];
const XOR_Y = [[0], [1], [1], [0]];

describeRows(ROWS)('training (%s)', ({ backend, create }) => {
  it('learns XOR (2-4-1) to a quadratic loss below 0.05', async () => {
    const net = await create({
      layers: [2, { units: 4, activation: 'tanh' }, { units: 1, activation: 'sigmoid' }],
      loss: 'quadratic',
      seed: 1,
    });
    const history = await net.fit(XOR_X, XOR_Y, { epochs: 1500, batchSize: 4, learningRate: 0.5, optimizer: 'momentum', momentum: 0.9 });
    const { loss, accuracy } = net.evaluate(XOR_X, XOR_Y);
    expect(loss).toBeLessThan(0.05);
    expect(accuracy).toBe(1);
    expect(history.loss[history.loss.length - 1]).toBeLessThan(history.loss[0]);
  });

  it('fit with one full batch and no shuffling is exactly trainStep', async () => {
    const { X, Y } = blobs(5, 12);
    const opts = { layers: [4, { units: 6, activation: 'relu' as const }, { units: 3, activation: 'softmax' as const }], loss: 'categorical-cross-entropy' as const, seed: 2 };
    const a = await create(opts);
    const b = await create(opts);
    await a.fit(X, Y, { epochs: 3, batchSize: 12, shuffle: false, learningRate: 0.3 });
    for (let i = 0; i < 3; i++) b.trainStep(X, Y, { learningRate: 0.3 });
    expect(a.getParameters()).toEqual(b.getParameters());
  });

  it('the same seed gives the same run; shuffling follows the seed', async () => {
    const { X, Y } = blobs(6, 40);
    const run = async (seed: number) => {
      const net = await create({ layers: [4, 8, { units: 3, activation: 'softmax' }], loss: 'categorical-cross-entropy', seed });
      await net.fit(X, Y, { epochs: 2, batchSize: 5, learningRate: 0.2 });
      return net.getParameters();
    };
    expect(await run(10)).toEqual(await run(10));
    expect(await run(10)).not.toEqual(await run(11));
  });

  it('reports per-epoch history, validation loss, and stops on request', async () => {
    const { X, Y } = blobs(7, 50);
    const net = await create({ layers: [4, 8, { units: 3, activation: 'softmax' }], loss: 'categorical-cross-entropy', seed: 3 });
    const seen: number[] = [];
    const h = await net.fit(X, Y, {
      epochs: 10,
      batchSize: 8,
      learningRate: 0.5,
      validationSplit: 0.2,
      onEpochEnd: (epoch, logs) => {
        seen.push(epoch);
        expect(logs.valLoss).toBeGreaterThan(0);
        return epoch < 3;
      },
    });
    expect(seen).toEqual([0, 1, 2, 3]);
    expect(h.epochs).toBe(4);
    expect(h.stopped).toBe('callback');
    expect(h.loss).toHaveLength(4);
    expect(h.valLoss).toHaveLength(4);
    expect(h.valAccuracy[3]).toBeGreaterThan(0.5);
    expect(h.loss[3]).toBeLessThan(h.loss[0]);
  });

  it('an aborted signal stops fit between batches, leaving finished batches applied', async () => {
    const { X, Y } = blobs(8, 64);
    const net = await create({ layers: [4, 8, { units: 3, activation: 'softmax' }], loss: 'categorical-cross-entropy', seed: 4 });
    const before = net.getParameters();
    const controller = new AbortController();
    controller.abort();
    const h = await net.fit(X, Y, { epochs: 5, signal: controller.signal });
    expect(h.stopped).toBe('aborted');
    expect(h.epochs).toBe(0);
    expect(net.getParameters()).toEqual(before);
  });

  it('a diverging fit (learningRate 1e3) stops with an error naming the epoch and batch, weights from before that batch', async () => {
    const net = await create({ layers: [2, { units: 3, activation: 'tanh' }, { units: 1, activation: 'identity' }], seed: 1 });
    const X = [[30, -20], [-25, 40], [10, 10]];
    const Y = [[1e3], [-1e3], [0]];
    let afterLastGood: Float32Array = net.getParameters();
    let batches = 0;
    const error = await net
      .fit(X, Y, {
        epochs: 50, batchSize: 1, shuffle: false, learningRate: 1e3,
        onBatchEnd: () => {
          batches++;
          afterLastGood = net.getParameters();
        },
      })
      .catch((e: Error) => e);
    expect(error).toBeInstanceOf(NonFiniteError);
    const bad = batches + 1; // batches counted across epochs, three per epoch
    const [epoch, batch] = [Math.ceil(bad / 3), ((bad - 1) % 3) + 1];
    expect((error as Error).message).toMatch(new RegExp(`^fit: epoch ${epoch}, batch ${batch}: .*the weights were not updated \\(a learning rate that is too high`));
    expect(batches).toBeGreaterThan(0);
    expect(afterLastGood.every(Number.isFinite)).toBe(true);
    expect(net.getParameters()).toEqual(afterLastGood);
  });

  it('toJSON → fromJSON predicts identically, on this backend and the other', async () => {
    const { X } = blobs(9, 10);
    const net = await create({ layers: [4, { units: 5, activation: 'leaky-relu' }, { units: 3, activation: 'softmax' }], loss: 'categorical-cross-entropy', seed: 5 });
    const json = net.toJSON();
    expect(json).toMatchObject({ format: 'backprop-network', version: 1, loss: 'categorical-cross-entropy', bias: true, seed: 5 });
    const same = Network.fromJSON(JSON.stringify(json), { backend });
    expect(same.predictBatch(X)).toEqual(net.predictBatch(X));
    expect(same.getParameters()).toEqual(net.getParameters());
    const other = Network.fromJSON(json, { backend: backend === 'js' ? 'wasm' : 'js' });
    expect(other.getParameters()).toEqual(net.getParameters());
    expect(worstMismatch(other.predictBatch(X), net.predictBatch(X), 1e-6)).toBeNull();
  });

  it('fromJSON rejects malformed models with a message that names the problem', async () => {
    const net = await create({ layers: [2, 3, 1], seed: 1 });
    const good = net.toJSON();
    const bad = (patch: object) => Network.fromJSON({ ...good, ...patch }, { backend });
    expect(() => bad({ version: 2 })).toThrow(/Network.fromJSON: version: this library reads version 1, got number 2/);
    expect(() => bad({ format: 'keras' })).toThrow(/format: expected 'backprop-network'/);
    expect(() => bad({ layers: [2, 4, 1] })).toThrow(/parameters: expected 17 numbers for this architecture, got 13/);
    expect(() => bad({ parameters: '%%%' })).toThrow(/parameters: not valid base64/);
    expect(() => bad({ parameters: btoa('abc') })).toThrow(/3 bytes is not a whole number of float32 values/);
    const nan = new Float32Array(13);
    nan[4] = NaN;
    expect(() => bad({ parameters: Buffer.from(nan.buffer).toString('base64') })).toThrow(/parameters: value 4 is NaN/);
    const { loss: _loss, ...missing } = good;
    expect(() => Network.fromJSON(missing)).toThrow(/missing field 'loss'/);
    expect(() => Network.fromJSON('{"format": ')).toThrow(/Network.fromJSON: not valid JSON/);
    expect(() => Network.fromJSON(good, { backend, seed: 1 } as never)).toThrow(/unknown option "seed"/);
  });
});

describeRows(WASM_ROWS)('backend parity of whole training (%s against js)', (row) => {
  it('the same seed trained 5 epochs on both backends ends within relative 1e-4', async () => {
    const { X, Y } = blobs(12, 200);
    const train = async (on: Row) => {
      const net = await on.create({
        layers: [4, { units: 17, activation: 'sigmoid' }, { units: 9, activation: 'tanh' }, { units: 3, activation: 'softmax' }],
        loss: 'categorical-cross-entropy',
        seed: 21,
      });
      const h = await net.fit(X, Y, { epochs: 5, batchSize: 16, learningRate: 0.3, optimizer: 'momentum' });
      return { params: net.getParameters(), loss: h.loss };
    };
    const js = await train(JS);
    const wasm = await train(row);
    expect(worstMismatch(wasm.params, js.params, 1e-4)).toBeNull();
    expect(worstMismatch(wasm.loss, js.loss, 1e-4)).toBeNull();
    expect(js.loss[4]).toBeLessThan(js.loss[0]);
  });
});
