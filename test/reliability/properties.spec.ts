// Property-based tests: for random architectures (1–4 weighted layers of 1–20 units, every
// activation, a loss that fits the output), batch sizes and data, on every backend row: each Wasm
// row agrees with JS, a batch predicts what its rows predict one by one, a saved network (JSON,
// binary, files) loads back bit for bit, and a zero learning rate changes nothing. Seeded
// (FC_SEED), so a failure replays in CI.
import { expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Network } from '../../src/index.js';
import { ROWS, WASM_ROWS, describeRows, type Row } from '../backends.js';
import { FC_SEED, archArb, bits, bitsOf, dataFor, mismatch } from './helpers.js';

/** Both backends run the same algorithm in float32; relaxed SIMD may fuse a multiply-add, hence not exact. */
const PARITY = 1e-5;
/**
 * fast-check's settings. Each run makes its own network, which on the threaded row starts a worker
 * thread (~30 ms, a hundred times a one-thread network): there it runs the first tenth of the same cases.
 */
const runs = (numRuns: number, row?: Row) => ({ seed: FC_SEED, numRuns: row && row.threads > 1 ? numRuns / 10 : numRuns });

const batchArb = fc.integer({ min: 1, max: 9 });
const dataSeedArb = fc.nat();

describeRows(WASM_ROWS)('properties over random networks: %s against js', (row) => {
  it('same initial weights, outputs, gradients, and two trainSteps (rel 1e-5)', async () => {
    await fc.assert(
      fc.asyncProperty(archArb, batchArb, dataSeedArb, async (arch, rows, dataSeed) => {
        const js = await Network.create({ ...arch.options, backend: 'js' });
        const wasm = await row.create(arch.options);
        const { x, y } = dataFor(arch, rows, dataSeed);
        expect(bits(wasm)).toEqual(bits(js));
        expect(mismatch(wasm.predictBatch(x), js.predictBatch(x), PARITY)).toBeNull();
        const gw = wasm.gradients(x, y);
        const gj = js.gradients(x, y);
        gw.forEach((g, i) => {
          expect(mismatch(g.weights, gj[i].weights, PARITY), `layer ${i} dE/dw`).toBeNull();
          expect(g.bias === null ? null : mismatch(g.bias, gj[i].bias!, PARITY), `layer ${i} dE/db`).toBeNull();
        });
        for (const learningRate of [0.05, 0.05]) {
          const lw = wasm.trainStep(x, y, { learningRate });
          const lj = js.trainStep(x, y, { learningRate });
          expect(mismatch([lw], [lj], PARITY), 'loss').toBeNull();
          expect(mismatch(wasm.getParameters(), js.getParameters(), PARITY), 'parameters after the step').toBeNull();
        }
        js.dispose();
        wasm.dispose();
      }),
      runs(1000, row),
    );
  }, 60_000);

  it.each(['sigmoid', 'tanh'] as const)('a %s output moves by at most 2 ulp with where its row sits in the batch (lanes vs tail)', async (activation) => {
    const net = await row.create({ layers: [1, { units: 1, activation }], bias: false, seed: 0 });
    net.setWeights(0, [[1]]);
    let worst = 0;
    for (const z of [0.1, -0.7, 0.625, 1.5, -3.25, 20]) {
      const alone = bitsOf(net.predict([z]))[0];
      for (let rows = 1; rows <= 9; rows++) {
        for (const b of bitsOf(net.predictBatch(new Float32Array(rows).fill(z)))) worst = Math.max(worst, Math.abs(b - alone));
      }
    }
    expect(worst).toBeLessThanOrEqual(2);
  });
});

/** Each saved form, as the ways to load it back: JSON text; binary as given, at an odd offset in a larger buffer (as a file read may hand it over), and as an ArrayBuffer. */
const SAVED_FORMS = {
  'JSON text': (net: Network) => {
    const text = JSON.stringify(net.toJSON());
    return [(backend: 'js' | 'wasm') => Network.fromJSON(text, { backend })];
  },
  'toBuffer bytes': (net: Network) => {
    const bytes = net.toBuffer();
    const shifted = new Uint8Array(bytes.length + 3);
    shifted.set(bytes, 3);
    return [bytes, shifted.subarray(3), bytes.slice().buffer].map((input) => (backend: 'js' | 'wasm') => Network.fromBuffer(input, { backend }));
  },
};

describeRows(ROWS)('properties over random networks (%s)', (row) => {
  const { backend, create } = row;

  // JS computes every activation the same way wherever it sits. Wasm computes sigmoid and tanh
  // with a polynomial exp in the SIMD lanes and Math.exp in the tail of each call, so a row's output
  // may move by an ulp or two with its place in the batch; bit-identity holds on JS only.
  it('predictBatch equals predict row by row: bit for bit on js, within 1e-6 on wasm', async () => {
    await fc.assert(
      fc.asyncProperty(archArb, batchArb, dataSeedArb, async (arch, rows, dataSeed) => {
        const net = await create(arch.options);
        const { x } = dataFor(arch, rows, dataSeed);
        const batch = net.predictBatch(x);
        for (let r = 0; r < rows; r++) {
          const one = net.predict(x.subarray(r * arch.inputs, (r + 1) * arch.inputs));
          const inBatch = batch.subarray(r * arch.outputs, (r + 1) * arch.outputs);
          if (backend === 'js') expect(bitsOf(one), `row ${r}`).toEqual(bitsOf(inBatch));
          else expect(mismatch(one, inBatch, 1e-6), `row ${r}`).toBeNull();
        }
        net.dispose();
      }),
      runs(500, row),
    );
  }, 60_000);

  // Loading builds a one-thread network: from the threaded row, its build on one thread, which predicts the same bits.
  it.each(Object.keys(SAVED_FORMS) as Array<keyof typeof SAVED_FORMS>)('a trained network survives %s on both backends: parameters, predictions, toJSON and toBuffer exact', async (form) => {
    await fc.assert(
      fc.asyncProperty(archArb, batchArb, dataSeedArb, async (arch, rows, dataSeed) => {
        const net = await create(arch.options);
        const { x, y } = dataFor(arch, rows, dataSeed);
        net.trainStep(x, y, { learningRate: 0.1 });
        for (const load of SAVED_FORMS[form](net)) {
          for (const other of ['js', 'wasm'] as const) {
            const back = load(other);
            expect(back.backend).toBe(other);
            expect(bits(back)).toEqual(bits(net));
            expect(back.toJSON()).toEqual(net.toJSON());
            expect(back.toBuffer()).toEqual(net.toBuffer());
            if (other === backend) expect(bitsOf(back.predictBatch(x))).toEqual(bitsOf(net.predictBatch(x)));
            back.dispose();
          }
        }
        net.dispose();
      }),
      runs(150, row),
    );
  }, 60_000);

  it('save and load through files, JSON and binary, give back the same bits', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'backprop-reliability-'));
    try {
      await fc.assert(
        fc.asyncProperty(archArb, fc.constantFrom('model.json', 'model.bin'), async (arch, name) => {
          const net = await create(arch.options);
          const { x, y } = dataFor(arch, 3, 1);
          net.trainStep(x, y, { learningRate: 0.1 });
          const file = join(dir, name);
          await net.save(file);
          const back = await Network.load(file, { backend: backend === 'js' ? 'wasm' : 'js' });
          expect(bits(back)).toEqual(bits(net));
          expect(back.toJSON()).toEqual(net.toJSON());
          net.dispose();
          back.dispose();
        }),
        runs(40, row),
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('JSON and binary keep any finite float32 exactly: −0, subnormals, the largest and smallest magnitudes', async () => {
    const float = fc.float({ noNaN: true, noDefaultInfinity: true });
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 6 }),
        fc.infiniteStream(float),
        async (inputs, units, values) => {
          const net = await create({ layers: [inputs, { units, activation: 'identity' }], seed: 1 });
          const weights = Float32Array.from(values.take(units * inputs));
          const bias = Float32Array.from(values.take(units));
          net.setWeights(0, weights, bias);
          for (const back of [Network.fromJSON(JSON.stringify(net.toJSON()), { backend }), Network.fromBuffer(net.toBuffer(), { backend })]) {
            expect(bitsOf(back.getWeights(0).weights)).toEqual(bitsOf(weights));
            expect(bitsOf(back.getWeights(0).bias!)).toEqual(bitsOf(bias));
            back.dispose();
          }
          net.dispose();
        },
      ),
      { ...runs(500, row), examples: [[2, 2, fc.Stream.of(-0, 1.401298464324817e-45, -3.4028234663852886e38, 3.4028234663852886e38, 1.1754942106924411e-38, -0)]] },
    );
  }, 60_000);

  it('trainStep with learningRate 0 changes no bit, with sgd or momentum, and returns the batch loss', async () => {
    await fc.assert(
      fc.asyncProperty(archArb, batchArb, dataSeedArb, fc.constantFrom('sgd', 'momentum' as const), async (arch, rows, dataSeed, optimizer) => {
        const net = await create(arch.options);
        const { x, y } = dataFor(arch, rows, dataSeed);
        const before = bits(net);
        const loss = net.trainStep(x, y, { learningRate: 0, optimizer });
        net.trainStep(x, y, { learningRate: 0, optimizer });
        expect(bits(net)).toEqual(before);
        expect(Number.isFinite(loss)).toBe(true);
        expect(mismatch([loss], [net.evaluate(x, y).loss], 1e-6)).toBeNull();
        net.dispose();
      }),
      runs(500, row),
    );
  }, 60_000);
});
