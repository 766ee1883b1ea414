// trainInWorker: fit in a worker thread gives bit-identical weights to fit in place with the
// same seed (on every backend row, from the TypeScript sources and from the built dist/), streams
// one progress event per epoch, stops between batches on abort keeping what it trained, and
// turns every failure into an error that leaves the network as it was.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Network, NonFiniteError, Random, registerActivation, registerLoss, type EpochLogs, type FitOptions, type History } from '../src/index.js';
import { ROWS, describeRows } from './backends.js';

const ROOT = resolve(import.meta.dirname, '..');

const bits = (f: Float32Array) => new Uint32Array(f.buffer.slice(f.byteOffset, f.byteOffset + f.byteLength));

/** Rows cycle through three classes; class c lifts input c, and every input gets noise. */
function blobs(seed: number, rows: number) {
  const rng = new Random(seed);
  const X = Array.from({ length: rows }, (_, i) => [0, 1, 2, 3].map((k) => (k === i % 3 ? 1.5 : 0) + 0.5 * rng.normal()));
  const Y = Array.from({ length: rows }, (_, i) => [0, 1, 2].map((k) => (k === i % 3 ? 1 : 0)));
  return { X, Y };
}

/**
 * An aborted run's history and weights are fit's own: the losses of its finished epochs, and the
 * parameters fit in place on `twin` holds after a whole number of the next epoch's batches. One fit
 * call throughout: a second call packs the rows afresh, so it would shuffle them differently.
 */
async function expectStoppedBetweenBatches(net: Network, history: History, twin: Network, X: number[][], Y: number[][], options: FitOptions & { batchSize: number }) {
  const k = history.epochs;
  const perEpoch = Math.ceil(X.length / options.batchSize);
  const want = bits(net.getParameters());
  let batches = 0;
  let reached = -1;
  const fit = await twin.fit(X, Y, {
    ...options,
    epochs: k + 1,
    onBatchEnd: () => {
      batches++;
      if (reached < 0 && bits(twin.getParameters()).every((v, i) => v === want[i])) reached = batches;
    },
  });
  expect(fit.loss.slice(0, k)).toEqual(history.loss);
  const into = reached - k * perEpoch;
  expect(into, `stopped ${into} batches into epoch ${k + 1}`).toBeGreaterThanOrEqual(0);
  expect(into).toBeLessThan(perEpoch);
}

const spec = (seed = 21) => ({
  layers: [4, { units: 6, activation: 'tanh' as const }, { units: 3, activation: 'softmax' as const }],
  loss: 'categorical-cross-entropy' as const,
  seed,
});

// The worker trains a copy on one thread of the caller's build: on the threaded row, the same bits as fit on two threads.
// Every test here starts worker threads (one per trainInWorker call): 60 s each, for a loaded machine.
describeRows(ROWS)('trainInWorker (%s)', ({ backend, create }) => {
  it('gives bit-identical weights and history to fit in place with the same seed', async () => {
    const { X, Y } = blobs(3, 61);
    const options = { epochs: 7, batchSize: 5, learningRate: 0.2, optimizer: 'momentum' as const, momentum: 0.8, validationSplit: 0.2 };
    const inPlace = await create(spec());
    const inWorker = await create(spec());
    expect(bits(inWorker.getParameters())).toEqual(bits(inPlace.getParameters()));
    const expected = await inPlace.fit(X, Y, options);
    const progress: Array<[number, EpochLogs]> = [];
    const history = await inWorker.trainInWorker(X, Y, { ...options, onProgress: (epoch, logs) => progress.push([epoch, logs]) });
    expect(history).toEqual(expected);
    expect(history.epochs).toBe(7);
    expect(bits(inWorker.getParameters())).toEqual(bits(inPlace.getParameters()));
    expect(inWorker.backend).toBe(backend);
    // One event per epoch, in order, carrying the same numbers as the history.
    expect(progress.map(([epoch]) => epoch)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(progress.map(([, logs]) => logs.loss)).toEqual(expected.loss);
    expect(progress.map(([, logs]) => logs.valLoss)).toEqual(expected.valLoss);
    expect(progress.map(([, logs]) => logs.valAccuracy)).toEqual(expected.valAccuracy);
    // Training went somewhere: the loss fell.
    expect(expected.loss[6]).toBeLessThan(expected.loss[0]);
  }, 60_000);

  it('takes validationData and hands back the shuffling generator: a later fit in place continues identically', async () => {
    const { X, Y } = blobs(4, 40);
    const a = await create(spec(8));
    const b = await create(spec(8));
    const validation = blobs(14, 9);
    const options = { epochs: 3, batchSize: 7, learningRate: 0.1, validationData: [validation.X, Float32Array.from(validation.Y.flat())] as [number[][], Float32Array] };
    const expected = await a.fit(X, Y, options);
    expect(await b.trainInWorker(X, Y, options)).toEqual(expected);
    expect(expected.valAccuracy).toHaveLength(3);
    expect(b.rng.state).toEqual(a.rng.state);
    await a.fit(X, Y, { epochs: 2, batchSize: 7, learningRate: 0.1 });
    await b.fit(X, Y, { epochs: 2, batchSize: 7, learningRate: 0.1 });
    expect(bits(b.getParameters())).toEqual(bits(a.getParameters()));
  }, 60_000);

  it.each(['momentum', 'adam'] as const)('carries %s state both ways: fit, then the worker, then fit equals fit throughout', async (optimizer) => {
    const { X, Y } = blobs(6, 30);
    const options = { epochs: 2, batchSize: 4, learningRate: 0.05, optimizer };
    const a = await create(spec(9));
    const b = await create(spec(9));
    for (const net of [a, b]) await net.fit(X, Y, options); // velocity or moments now non-zero
    await a.fit(X, Y, options);
    await b.trainInWorker(X, Y, options);
    expect(bits(b.getParameters())).toEqual(bits(a.getParameters()));
    await a.fit(X, Y, options);
    await b.fit(X, Y, options); // the worker's state came back: the next in-place steps match too
    expect(bits(b.getParameters())).toEqual(bits(a.getParameters()));
  }, 60_000);

  it('stops between batches on abort, keeps the weights trained so far and says aborted', async () => {
    // Aborted when this thread hears that the first epoch ended; the worker trains on meanwhile, so
    // where it stops is a race. Long epochs (40,000 single-sample steps) make it land inside one
    // mostly; wherever it lands, what the API promises is checked.
    const { X, Y } = blobs(5, 40_000);
    const options = { batchSize: 1, learningRate: 0.01 };
    const net = await create(spec(3));
    const controller = new AbortController();
    const seen: number[] = [];
    const history = await net.trainInWorker(X, Y, {
      ...options,
      epochs: 1000,
      signal: controller.signal,
      onProgress: (epoch) => {
        seen.push(epoch);
        controller.abort();
      },
    });
    expect(history.stopped).toBe('aborted');
    const k = history.epochs;
    expect(k).toBeGreaterThanOrEqual(1);
    expect(seen).toEqual([...Array(k).keys()]);
    await expectStoppedBetweenBatches(net, history, await create(spec(3)), X, Y, options);
  }, 60_000);

  it('without SharedArrayBuffer (a page that is not cross-origin isolated) abort still stops it, between batches', async () => {
    const { X, Y } = blobs(5, 5_000);
    const options = { batchSize: 1 };
    const net = await create(spec(3));
    const controller = new AbortController();
    const real = globalThis.SharedArrayBuffer;
    let training: ReturnType<Network['trainInWorker']>;
    // trainInWorker decides at the call whether it can share an abort flag; hide SharedArrayBuffer only for that.
    Object.defineProperty(globalThis, 'SharedArrayBuffer', { value: undefined, configurable: true, writable: true });
    try {
      training = net.trainInWorker(X, Y, { ...options, epochs: 100_000, signal: controller.signal, onProgress: () => controller.abort() });
    } finally {
      Object.defineProperty(globalThis, 'SharedArrayBuffer', { value: real, configurable: true, writable: true });
    }
    const history = await training;
    expect(history.stopped).toBe('aborted');
    expect(history.epochs).toBeGreaterThanOrEqual(1);
    expect(history.loss).toHaveLength(history.epochs);
    // The abort message gets in when the worker's fit yields to its event loop, which it does between batches too.
    await expectStoppedBetweenBatches(net, history, await create(spec(3)), X, Y, options);
  }, 60_000);

  it('an already aborted signal trains nothing and changes nothing, as fit', async () => {
    const { X, Y } = blobs(6, 20);
    const net = await create(spec());
    const twin = await create(spec());
    const before = bits(net.getParameters());
    const history = await net.trainInWorker(X, Y, { epochs: 5, signal: AbortSignal.abort() });
    expect(history).toMatchObject({ epochs: 0, loss: [], stopped: 'aborted' });
    expect(history).toEqual(await twin.fit(X, Y, { epochs: 5, signal: AbortSignal.abort() }));
    expect(bits(net.getParameters())).toEqual(before);
    expect(net.rng.state).toEqual(twin.rng.state);
  }, 60_000);

  it('failures reject with the error fit would give and leave the network as it was', async () => {
    const { X, Y } = blobs(7, 30);
    const net = await create(spec());
    const before = bits(net.getParameters());
    const rng = net.rng.state;
    await expect(net.trainInWorker(X, Y, { epochs: -1 })).rejects.toThrow(new RangeError('trainInWorker: epochs: expected a whole number ≥ 0, got number -1'));
    await expect(net.trainInWorker(X, Y, { epochs: 1, optimizer: 'lbfgs' as never })).rejects.toThrow(/trainInWorker: optimizer: expected one of 'sgd', 'momentum'/);
    await expect(net.trainInWorker(X, Y, { epochs: 1, colour: 'red' } as never)).rejects.toThrow(/trainInWorker: options: unknown option "colour"/);
    await expect(net.trainInWorker(X, Y, { onEpochEnd: () => {} } as never)).rejects.toThrow(
      new TypeError('trainInWorker: onEpochEnd: a function cannot be sent to the worker; use onProgress(epoch, logs) for progress'),
    );
    await expect(net.trainInWorker(X, Y, { onProgress: 3 } as never)).rejects.toThrow(new TypeError('trainInWorker: onProgress: expected a function, got number 3'));
    await expect(net.trainInWorker(X, Y, { signal: {} } as never)).rejects.toThrow(/trainInWorker: signal: expected an AbortSignal, got an object/);
    await expect(net.trainInWorker(X, Y, { signal: { aborted: false } } as never)).rejects.toThrow(/trainInWorker: signal: expected an AbortSignal/);
    // Checked on this thread as fit checks it: nothing uncloneable reaches the worker.
    await expect(net.trainInWorker(X, Y, { validationData: [X, Symbol('y')] } as never)).rejects.toThrow(
      new TypeError('trainInWorker: validationData: targets: expected an array of rows or a flat Float32Array, got symbol Symbol(y)'),
    );
    await expect(net.trainInWorker(X, Y.slice(1))).rejects.toThrow(/trainInWorker: expected as many target rows as input rows, got 30 inputs and 29 targets/);
    await expect(net.trainInWorker([[1, 2, 3]], [[0, 0, 1]])).rejects.toThrow(/trainInWorker: inputs: expected 4 values per row, got 3 in row 0/);
    // A step that blows up: the worker's NonFiniteError arrives as one, and no weight changes here.
    const tiny = await create({ layers: [1, { units: 1, activation: 'identity' }], bias: false, seed: 1 });
    tiny.setWeights(0, [[1]]);
    const tinyBefore = bits(tiny.getParameters());
    const blowUp = tiny.trainInWorker([[1e6], [1e6]], [[0], [0]], { epochs: 50, batchSize: 1, shuffle: false, learningRate: 1e3 });
    await expect(blowUp).rejects.toBeInstanceOf(NonFiniteError);
    await expect(blowUp).rejects.toThrow(/^trainInWorker: epoch \d+, batch [12]: .*not updated \(a learning rate that is too high/);
    expect(bits(tiny.getParameters())).toEqual(tinyBefore);
    // The caller's own progress callback failing stops the worker.
    const failing = net.trainInWorker(X, Y, { epochs: 50, onProgress: () => { throw new Error('chart broke'); } });
    await expect(failing).rejects.toThrow('chart broke');
    const failingLater = net.trainInWorker(X, Y, { epochs: 50, onProgress: async () => { throw new Error('upload broke'); } });
    await expect(failingLater).rejects.toThrow('upload broke');
    expect(bits(net.getParameters())).toEqual(before);
    expect(net.rng.state).toEqual(rng);
  }, 60_000);

  it('a network disposed while the worker trains rejects instead of writing into freed memory', async () => {
    const { X, Y } = blobs(8, 30);
    const net = await create(spec());
    const training = net.trainInWorker(X, Y, { epochs: 2 });
    net.dispose();
    await expect(training).rejects.toThrow('trainInWorker: this network has been disposed');
    await expect(net.trainInWorker(X, Y)).rejects.toThrow('trainInWorker: this network has been disposed');
  }, 60_000);
});

describe('trainInWorker beyond the basics', () => {
  it('a network on 2 threads trains in the worker to the same bits as in place', async () => {
    const { X, Y } = blobs(9, 300);
    const layers = [4, { units: 64, activation: 'relu' as const }, { units: 3, activation: 'softmax' as const }];
    const options = { epochs: 2, batchSize: 100, learningRate: 0.05 };
    const a = await Network.create({ layers, loss: 'categorical-cross-entropy', seed: 2, backend: 'wasm', threads: 2 });
    const b = await Network.create({ layers, loss: 'categorical-cross-entropy', seed: 2, backend: 'wasm', threads: 2 });
    expect(a.threads).toBe(2);
    await a.fit(X, Y, options);
    await b.trainInWorker(X, Y, options);
    expect(bits(b.getParameters())).toEqual(bits(a.getParameters()));
    a.dispose();
    b.dispose();
  }, 60_000);

  it('refuses a network with a custom activation, whose functions cannot reach the worker', async () => {
    registerActivation('worker-softsign', { forward: (z) => z / (1 + Math.abs(z)), derivative: (z) => 1 / (1 + Math.abs(z)) ** 2 });
    const net = await Network.create({ layers: [2, { units: 2, activation: 'worker-softsign' }, 1], seed: 1 });
    await expect(net.trainInWorker([[0, 1]], [[1]])).rejects.toThrow(
      new TypeError("trainInWorker: layers[1] uses the custom activation 'worker-softsign', whose functions cannot be sent to a worker; use fit"),
    );
  });

  it('refuses a network with a custom loss, whose functions cannot reach the worker', async () => {
    registerLoss('worker-log-cosh', { value: (a, y) => Math.log(Math.cosh(a - y)), derivative: (a, y) => Math.tanh(a - y) });
    const net = await Network.create({ layers: [2, 1], loss: 'worker-log-cosh', seed: 1 });
    const before = net.getParameters();
    await expect(net.trainInWorker([[0, 1]], [[1]])).rejects.toThrow(
      new TypeError("trainInWorker: the custom loss 'worker-log-cosh' has functions that cannot be sent to a worker; use fit"),
    );
    expect(net.getParameters()).toEqual(before);
  });

  describe('from the built package (node on dist, no tsx)', () => {
    const out = join(ROOT, 'build', `dist-test-${process.pid}`);
    afterAll(() => rmSync(out, { recursive: true, force: true }));

    it('runs worker-entry.js and matches fit in place bit for bit on both backends', () => {
      const tsc = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--outDir', out, '--declaration', 'false', '--sourceMap', 'false'], {
        cwd: ROOT,
        encoding: 'utf8',
      });
      expect(tsc.stdout + tsc.stderr).toBe('');
      const script = `
        import { Network } from ${JSON.stringify(join(out, 'index.js'))};
        const X = [], Y = [];
        for (let i = 0; i < 40; i++) { const a = (i * 7919) % 13 / 13, b = (i * 104729) % 17 / 17; X.push([a, b]); Y.push([a > b ? 1 : 0]); }
        const result = {};
        for (const backend of ['js', 'wasm']) {
          const make = () => Network.create({ layers: [2, 5, 1], seed: 77, backend });
          const a = await make(), b = await make();
          const options = { epochs: 4, batchSize: 6, learningRate: 0.5 };
          const ha = await a.fit(X, Y, options);
          const events = [];
          const hb = await b.trainInWorker(X, Y, { ...options, onProgress: (e) => events.push(e) });
          const pa = new Uint32Array(a.getParameters().buffer), pb = new Uint32Array(b.getParameters().buffer);
          result[backend] = { same: pa.every((v, i) => v === pb[i]), loss: hb.loss, expected: ha.loss, events, kernel: b.kernel };
        }
        console.log(JSON.stringify(result));
      `;
      const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
      expect(run.stderr).toBe('');
      const result = JSON.parse(run.stdout);
      for (const backend of ['js', 'wasm']) {
        expect(result[backend].same, backend).toBe(true);
        expect(result[backend].loss).toEqual(result[backend].expected);
        expect(result[backend].loss).toHaveLength(4);
        expect(result[backend].events).toEqual([0, 1, 2, 3]);
      }
      expect(result.wasm.kernel).toMatch(/^wasm-/);
    }, 180_000);
  });

  // The browser path: a module Worker on worker-entry.js next to the bundle, no SharedArrayBuffer
  // (the page is not cross-origin isolated), and no file system for save.
  describe('in a browser (Chromium, dist/backprop.browser.js with dist/worker-entry.js beside it)', () => {
    const CHROMIUM = '/usr/bin/chromium';
    const out = join(ROOT, 'dist');

    it.skipIf(!existsSync(CHROMIUM))('matches fit in place bit for bit on both backends, streams progress, aborts, refuses save', async () => {
      // The files a page gets from `npm run build`: the core bundle and the worker script it starts.
      execFileSync(process.execPath, [join(ROOT, 'scripts/build-browser.mjs')], { stdio: ['ignore', 'ignore', 'inherit'] });
      const page = `<!doctype html><script type="module">
        import { Network } from './backprop.browser.js';
        const X = [], Y = [];
        for (let i = 0; i < 40; i++) { const a = (i * 7919) % 13 / 13, b = (i * 104729) % 17 / 17; X.push([a, b]); Y.push([a > b ? 1 : 0]); }
        const result = { isolated: self.crossOriginIsolated, sab: typeof SharedArrayBuffer };
        try {
          for (const backend of ['js', 'wasm']) {
            const make = () => Network.create({ layers: [2, 5, 1], seed: 77, backend });
            const a = await make(), b = await make();
            const options = { epochs: 4, batchSize: 6, learningRate: 0.5 };
            const expected = await a.fit(X, Y, options);
            const events = [];
            const history = await b.trainInWorker(X, Y, { ...options, onProgress: (e) => events.push(e) });
            const pa = new Uint32Array(a.getParameters().buffer), pb = new Uint32Array(b.getParameters().buffer);
            const c = await make(), controller = new AbortController();
            const aborted = await c.trainInWorker(X, Y, { epochs: 1e6, batchSize: 1, signal: controller.signal, onProgress: () => controller.abort() });
            result[backend] = { same: pa.every((v, i) => v === pb[i]), events, history, expected, stopped: aborted.stopped, abortedEpochs: aborted.epochs };
          }
          await (await Network.create({ layers: [2, 1] })).save('model.bin').catch((e) => { result.save = e.message; });
        } catch (e) {
          result.error = String(e.stack || e);
        }
        window.result = result;
      </script>`;
      const server = createServer(async (req, res) => {
        if (req.url === '/') return res.writeHead(200, { 'content-type': 'text/html' }).end(page);
        const body = await readFile(join(out, req.url ?? '')).catch(() => null);
        if (!body) return res.writeHead(404).end();
        res.writeHead(200, { 'content-type': 'text/javascript' }).end(body);
      });
      await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
      const { chromium } = await import('playwright-core');
      const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
      try {
        const tab = await browser.newPage();
        await tab.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
        await tab.waitForFunction(() => (window as unknown as { result?: unknown }).result, null, { timeout: 90_000 });
        const result = await tab.evaluate(() => (window as unknown as { result: Record<string, any> }).result);
        expect(result.error).toBeUndefined();
        expect(result.sab).toBe('undefined'); // so abort goes by message, seen at an epoch end
        for (const backend of ['js', 'wasm']) {
          expect(result[backend].same, backend).toBe(true);
          expect(result[backend].history).toEqual(result[backend].expected);
          expect(result[backend].events).toEqual([0, 1, 2, 3]);
          expect(result[backend].stopped).toBe('aborted');
          expect(result[backend].abortedEpochs).toBeLessThan(1e6);
        }
        expect(result.save).toMatch(/^save: files need Node's file system, which this runtime does not have; in a browser use net.toJSON\(\) or net.toBuffer\(\)/);
      } finally {
        await browser.close();
        server.close();
      }
    }, 180_000);
  });
});
