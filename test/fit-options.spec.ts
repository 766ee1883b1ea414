// fit's options on every backend row: early stopping and the weights it restores, errorThreshold,
// training accuracy, onBatchEnd, learning-rate schedules, yielding to the event loop, aborting
// between batches, and bad options rejected before anything changes.
import { describe, expect, it } from 'vitest';
import { type BatchLogs, type FitOptions } from '../src/index.js';
import { blobs } from './blobs.js';
import { ROWS, describeRows, type Row } from './backends.js';

/**
 * Validation targets with every fourth label rotated to another class: the validation loss first
 * falls as the network learns, then rises as it grows confident on the rotated rows.
 */
const overfitting = (Y: number[][]) => Y.map((row, i) => (i % 4 === 0 ? [row[2], row[0], row[1]] : row));

const classifier = (row: Row, seed = 3) =>
  row.create({ layers: [4, 8, { units: 3, activation: 'softmax' }], loss: 'categorical-cross-entropy', seed });

describeRows(ROWS)('fit options (%s)', (row) => {
  describe('early stopping', () => {
    it('stops once valLoss stops improving and restores the weights of the best epoch', async () => {
      const { X, Y } = blobs(1, 60);
      const valY = overfitting(Y);
      const net = await classifier(row);
      const atEpochEnd: Float32Array[] = [];
      const h = await net.fit(X, Y, {
        epochs: 50, batchSize: 10, learningRate: 0.5, validationData: [X, valY],
        earlyStopping: { patience: 3 },
        onEpochEnd: () => void atEpochEnd.push(net.getParameters()),
      });
      expect(h.stopped).toBe('early-stopping');
      const best = h.valLoss.indexOf(Math.min(...h.valLoss));
      expect(h.bestEpoch).toBe(best);
      expect(best).toBeGreaterThan(0); // valLoss fell, then rose: the best epoch is in the middle
      expect(h.epochs).toBe(best + 4); // three epochs in a row without improvement, then stop
      expect(h.epochs).toBeLessThan(50);
      expect(net.getParameters()).toEqual(atEpochEnd[best]);
      expect(net.getParameters()).not.toEqual(atEpochEnd[h.epochs - 1]);
      expect(net.evaluate(X, valY).loss).toBeCloseTo(h.valLoss[best], 5);
    });

    it('restoreBestWeights: false keeps the last epoch\'s weights', async () => {
      const { X, Y } = blobs(1, 60);
      const valY = overfitting(Y);
      const net = await classifier(row);
      let last: Float32Array | null = null;
      const h = await net.fit(X, Y, {
        epochs: 50, batchSize: 10, learningRate: 0.5, validationData: [X, valY],
        earlyStopping: { patience: 2, restoreBestWeights: false },
        onEpochEnd: () => void (last = net.getParameters()),
      });
      expect(h.stopped).toBe('early-stopping');
      expect(net.getParameters()).toEqual(last);
    });

    it('minDelta: a smaller improvement does not count (monitor: loss)', async () => {
      const { X, Y } = blobs(2, 40);
      const net = await classifier(row);
      const atEpochEnd: Float32Array[] = [];
      const h = await net.fit(X, Y, {
        epochs: 20, batchSize: 8, learningRate: 0.2,
        earlyStopping: { monitor: 'loss', patience: 2, minDelta: 10 },
        onEpochEnd: () => void atEpochEnd.push(net.getParameters()),
      });
      expect(h.loss[2]).toBeLessThan(h.loss[0]); // the loss did fall, by less than 10
      expect(h).toMatchObject({ stopped: 'early-stopping', epochs: 3, bestEpoch: 0 });
      expect(net.getParameters()).toEqual(atEpochEnd[0]);
    });

    it('running out of epochs also ends on the best weights; without early stopping bestEpoch is still reported', async () => {
      const { X, Y } = blobs(1, 60);
      const valY = overfitting(Y);
      const net = await classifier(row);
      const atEpochEnd: Float32Array[] = [];
      const h = await net.fit(X, Y, {
        epochs: 7, batchSize: 10, learningRate: 0.5, validationData: [X, valY],
        earlyStopping: { patience: 100 },
        onEpochEnd: () => void atEpochEnd.push(net.getParameters()),
      });
      expect(h.stopped).toBe('completed');
      expect(h.bestEpoch).toBe(h.valLoss.indexOf(Math.min(...h.valLoss)));
      expect(h.bestEpoch).toBeLessThan(6);
      expect(net.getParameters()).toEqual(atEpochEnd[h.bestEpoch!]);

      const plain = await classifier(row);
      const p = await plain.fit(X, Y, { epochs: 7, batchSize: 10, learningRate: 0.5, validationData: [X, valY] });
      expect(p.bestEpoch).toBe(h.bestEpoch);
      expect(plain.getParameters()).toEqual(atEpochEnd[6]); // nothing restored
    });
  });

  it('errorThreshold stops at the first epoch whose training loss is below it', async () => {
    const net = await row.create({ layers: [2, { units: 4, activation: 'tanh' }, { units: 1, activation: 'sigmoid' }], loss: 'quadratic', seed: 1 });
    const h = await net.fit([[0, 0], [0, 1], [1, 0], [1, 1]], [[0], [1], [1], [0]], {
      epochs: 5000, batchSize: 4, learningRate: 0.5, optimizer: 'momentum', errorThreshold: 0.01,
    });
    expect(h.stopped).toBe('error-threshold');
    expect(h.epochs).toBeLessThan(5000);
    expect(h.loss[h.epochs - 1]).toBeLessThan(0.01);
    expect(h.loss.slice(0, -1).every((l) => l >= 0.01)).toBe(true);
  });

  it("metrics: ['accuracy'] records training accuracy from each batch's outputs before its update", async () => {
    const { X, Y } = blobs(4, 30);
    const net = await classifier(row);
    const before = net.evaluate(X, Y);
    const batches: BatchLogs[] = [];
    const h = await net.fit(X, Y, { epochs: 1, batchSize: 30, shuffle: false, learningRate: 0.5, metrics: ['accuracy'], onBatchEnd: (_b, logs) => void batches.push(logs) });
    expect(h.accuracy).toEqual([before.accuracy]);
    expect(h.loss[0]).toBeCloseTo(before.loss, 5);
    expect(batches[0].accuracy).toBe(before.accuracy);

    // Over several batches the epoch's accuracy is the batches' correct counts over all samples.
    const logs: BatchLogs[] = [];
    const more = await net.fit(X, Y, { epochs: 3, batchSize: 7, learningRate: 0.5, metrics: ['accuracy'], onBatchEnd: (_b, l) => void logs.push(l) });
    expect(more.accuracy).toHaveLength(3);
    for (const e of [0, 1, 2]) {
      const counts = logs.filter((l) => l.epoch === e).map((l) => Math.round(l.accuracy! * l.size));
      expect(more.accuracy[e]).toBe(counts.reduce((a, b) => a + b, 0) / 30);
    }
    await expect(net.fit(X, X.map((r) => r.slice(0, 3)), { metrics: ['accuracy'] })).rejects.toThrow(
      /fit: metrics: 'accuracy' needs class-label targets/,
    );
  });

  it('onBatchEnd is called once per batch with its loss and size; the epoch loss is their weighted mean', async () => {
    const { X, Y } = blobs(5, 10);
    const net = await classifier(row);
    const calls: Array<[number, BatchLogs]> = [];
    const h = await net.fit(X, Y, { epochs: 2, batchSize: 3, learningRate: 0.1, onBatchEnd: (batch, logs) => void calls.push([batch, logs]) });
    expect(calls.map(([b]) => b)).toEqual([0, 1, 2, 3, 0, 1, 2, 3]);
    expect(calls.map(([, l]) => l.size)).toEqual([3, 3, 3, 1, 3, 3, 3, 1]);
    expect(calls.map(([, l]) => l.epoch)).toEqual([0, 0, 0, 0, 1, 1, 1, 1]);
    for (const e of [0, 1]) {
      const mine = calls.filter(([, l]) => l.epoch === e).reduce((s, [, l]) => s + l.size * l.loss, 0) / 10;
      expect(h.loss[e]).toBe(mine);
    }
    const stopped = await net.fit(X, Y, { epochs: 2, batchSize: 3, onBatchEnd: (batch) => batch < 1 });
    expect(stopped).toMatchObject({ stopped: 'callback', epochs: 0 });
  });

  it('an abort during an epoch stops before the next batch; the finished batches are applied', async () => {
    const { X, Y } = blobs(6, 40);
    const net = await classifier(row, 9);
    const twin = await classifier(row, 9);
    const controller = new AbortController();
    let batches = 0;
    const h = await net.fit(X, Y, {
      epochs: 3, batchSize: 8, shuffle: false, learningRate: 0.2, signal: controller.signal,
      onBatchEnd: (batch) => {
        batches++;
        if (batch === 2) controller.abort();
      },
    });
    expect(h).toMatchObject({ stopped: 'aborted', epochs: 0 });
    expect(batches).toBe(3);
    for (let b = 0; b < 3; b++) twin.trainStep(X.slice(8 * b, 8 * b + 8), Y.slice(8 * b, 8 * b + 8), { learningRate: 0.2 });
    expect(net.getParameters()).toEqual(twin.getParameters());
  });

  it('an abort from a timer lands between batches of one long epoch (yieldEvery: 0)', async () => {
    const { X, Y } = blobs(7, 400);
    const net = await classifier(row);
    const controller = new AbortController();
    let batches = 0;
    let batchesAtAbort = -1;
    controller.signal.addEventListener('abort', () => (batchesAtAbort = batches));
    setImmediate(() => setImmediate(() => controller.abort()));
    const h = await net.fit(X, Y, { epochs: 1, batchSize: 1, signal: controller.signal, yieldEvery: 0, onBatchEnd: () => void batches++ });
    expect(h.stopped).toBe('aborted');
    expect(batchesAtAbort).toBeGreaterThan(0);
    expect(batchesAtAbort).toBeLessThan(400);
    expect(batches).toBe(batchesAtAbort); // no batch ran after the abort
  });

  it('yieldEvery: timers run between batches at 0, never during a fit at Infinity', async () => {
    const { X, Y } = blobs(8, 64);
    const run = async (yieldEvery: number) => {
      const net = await classifier(row);
      let ticked = false;
      setImmediate(() => (ticked = true));
      const seen: boolean[] = [];
      await net.fit(X, Y, { epochs: 1, batchSize: 8, yieldEvery, onBatchEnd: () => void seen.push(ticked) });
      await new Promise((r) => setImmediate(r));
      return seen;
    };
    const often = await run(0);
    expect(often[0]).toBe(false);
    expect(often[1]).toBe(true); // the event loop ran after the first batch
    expect(await run(Infinity)).toEqual(new Array(8).fill(false));
  });

  it('learningRateSchedule: step and exponential decay per epoch, the same as trainStep at those rates', async () => {
    const { X, Y } = blobs(9, 12);
    const cases: Array<[FitOptions['learningRateSchedule'], number[]]> = [
      [{ type: 'step', every: 2, factor: 0.5 }, [0.4, 0.4, 0.2, 0.2, 0.1]],
      [{ type: 'exponential', rate: 0.5 }, [0.4, 0.2, 0.1, 0.05, 0.025]],
    ];
    for (const [schedule, rates] of cases) {
      const net = await classifier(row);
      const twin = await classifier(row);
      const h = await net.fit(X, Y, { epochs: 5, batchSize: 12, shuffle: false, learningRate: 0.4, optimizer: 'adam', learningRateSchedule: schedule });
      expect(h.learningRate).toEqual(rates);
      for (const learningRate of rates) twin.trainStep(X, Y, { learningRate, optimizer: 'adam' });
      expect(net.getParameters()).toEqual(twin.getParameters());
    }
  });

  it("the optimizer's state carries over between fit calls: two fits of one epoch are one fit of two", async () => {
    const { X, Y } = blobs(12, 12);
    const options = { batchSize: 12, shuffle: false, learningRate: 0.05, optimizer: 'adam' as const, weightDecay: 0.1 };
    const twice = await classifier(row);
    await twice.fit(X, Y, { ...options, epochs: 1 });
    await twice.fit(X, Y, { ...options, epochs: 1 });
    const once = await classifier(row);
    await once.fit(X, Y, { ...options, epochs: 2 });
    expect(twice.getParameters()).toEqual(once.getParameters());
    // Switching to sgd and back starts Adam afresh, so the third epoch differs.
    await twice.fit(X, Y, { ...options, optimizer: 'sgd', learningRate: 0, epochs: 1 });
    await twice.fit(X, Y, { ...options, epochs: 1 });
    await once.fit(X, Y, { ...options, epochs: 1 });
    expect(twice.getParameters()).not.toEqual(once.getParameters());
  });

  it('a second fit while one runs is refused; the first finishes', async () => {
    const { X, Y } = blobs(10, 40);
    const net = await classifier(row);
    const first = net.fit(X, Y, { epochs: 3, batchSize: 4, yieldEvery: 0 });
    await expect(net.fit(X, Y)).rejects.toThrow(/fit: this network is already training/);
    expect((await first).epochs).toBe(3);
    expect((await net.fit(X, Y, { epochs: 1 })).epochs).toBe(1);
  });

  it('bad fit options throw a named error before any weight changes', async () => {
    const { X, Y } = blobs(11, 12);
    const net = await classifier(row);
    net.trainStep(X, Y, { learningRate: 0.1 });
    const before = net.getParameters();
    const bad: Array<[object, RegExp]> = [
      [{ earlyStopping: { patience: -1 } }, /fit: earlyStopping.patience: expected a whole number ≥ 0, got number -1/],
      [{ earlyStopping: { patience: 1.5 } }, /fit: earlyStopping.patience: expected a whole number ≥ 0, got number 1.5/],
      [{ earlyStopping: { minDelta: -0.1 } }, /fit: earlyStopping.minDelta: expected a finite number ≥ 0, got number -0.1/],
      [{ earlyStopping: { restoreBestWeights: 1 } }, /fit: earlyStopping.restoreBestWeights: expected true or false, got number 1/],
      [{ earlyStopping: { monitor: 'accuracy' } }, /fit: earlyStopping.monitor: expected one of 'valLoss', 'loss', got the string "accuracy"/],
      [{ earlyStopping: { monitor: 'valLoss' } }, /fit: earlyStopping.monitor: 'valLoss' needs validationData or a validationSplit/],
      [{ earlyStopping: { patience: 1, wait: 2 } }, /fit: earlyStopping: unknown option "wait"; known options are monitor, patience, minDelta, restoreBestWeights/],
      [{ earlyStopping: true }, /fit: earlyStopping: expected an options object, got boolean true/],
      [{ errorThreshold: 0 }, /fit: errorThreshold: expected a finite number > 0, got number 0/],
      [{ metrics: 'accuracy' }, /fit: metrics: expected an array such as \['accuracy'\], got the string "accuracy"/],
      [{ metrics: ['mse'] }, /fit: metrics\[0\]: expected one of 'accuracy', got the string "mse"/],
      [{ learningRateSchedule: { type: 'cosine' } }, /fit: learningRateSchedule.type: expected one of 'step', 'exponential', got the string "cosine"/],
      [{ learningRateSchedule: { type: 'step', every: 0, factor: 0.5 } }, /fit: learningRateSchedule.every: expected a whole number ≥ 1, got number 0/],
      [{ learningRateSchedule: { type: 'step', every: 2 } }, /fit: learningRateSchedule.factor: expected a finite number > 0, got undefined/],
      [{ learningRateSchedule: { type: 'exponential', rate: -1 } }, /fit: learningRateSchedule.rate: expected a finite number > 0, got number -1/],
      [{ learningRateSchedule: { type: 'exponential', rate: 0.9, every: 2 } }, /fit: learningRateSchedule: unknown option "every"; known options are type, rate/],
      [{ yieldEvery: -1 }, /fit: yieldEvery: expected a number of milliseconds ≥ 0, got number -1/],
      [{ yieldEvery: NaN }, /fit: yieldEvery: expected a number of milliseconds ≥ 0, got number NaN/],
      [{ onBatchEnd: 'log' }, /fit: onBatchEnd: expected a function, got the string "log"/],
      [{ weightDecay: -0.5 }, /fit: weightDecay: expected a finite number ≥ 0, got number -0.5/],
      [{ optimizer: 'sgd', rho: 0.9 }, /fit: rho applies to the 'rmsprop' optimizer, not 'sgd'/],
      [{ patience: 3 }, /fit: options: unknown option "patience"; known options are/],
    ];
    for (const [options, message] of bad) {
      await expect(net.fit(X, Y, { epochs: 2, learningRate: 0.1, ...options } as never), JSON.stringify(options)).rejects.toThrow(message);
      expect(net.getParameters()).toEqual(before);
    }
  });
});
