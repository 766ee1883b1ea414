// Dropout on a layer ({ units, activation, dropout: p }): only training steps drop (fit, trainStep,
// and gradients/trace with { training: true }), with masks from the network's seeded generator,
// so a seed repeats a run bit for bit on every backend, and the masks are the same everywhere.
import { describe, expect, it } from 'vitest';
import { Network, Random, explain, type NetworkOptions, type Trace } from '../src/index.js';
import { toTfjs, fromTfjs } from '../src/exchange/index.js';
import { formatNumber } from '../src/explain.js';
import { ROWS, JS, WASM_ROWS, describeRows, worstMismatch } from './backends.js';

function samples(rng: Random, n: number, width: number): Float32Array {
  return Float32Array.from({ length: n * width }, () => rng.normal());
}
/** Two classes, one-hot, from the sign of the first two inputs' sum. */
function labels(x: Float32Array, width: number): Float32Array {
  const n = x.length / width;
  const y = new Float32Array(n * 2);
  for (let r = 0; r < n; r++) y[r * 2 + (x[r * width] + x[r * width + 1] > 0 ? 0 : 1)] = 1;
  return y;
}

const X = samples(new Random(5), 96, 6);
const Y = labels(X, 6);
const withDropout = (p: number, hidden = 16): NetworkOptions => ({
  layers: [6, { units: hidden, activation: 'relu', dropout: p }, { units: 12, activation: 'tanh', dropout: p / 2 }, { units: 2, activation: 'softmax' }],
  loss: 'categorical-cross-entropy',
  seed: 11,
});
const without: NetworkOptions = {
  layers: [6, { units: 16, activation: 'relu' }, { units: 12, activation: 'tanh' }, { units: 2, activation: 'softmax' }],
  loss: 'categorical-cross-entropy',
  seed: 11,
};
const FIT = { epochs: 3, batchSize: 16, learningRate: 0.05, optimizer: 'adam' } as const;

describeRows(ROWS)('dropout (%s)', ({ create }) => {
  it('p = 0 is no dropout, bit for bit: same spec, same weights after fit, same generator state', async () => {
    const a = await create(withDropout(0));
    const b = await create(without);
    expect(a.spec).toEqual(b.spec);
    await a.fit(X, Y, FIT);
    await b.fit(X, Y, FIT);
    expect(a.getParameters()).toEqual(b.getParameters());
    expect(a.rng.state).toEqual(b.rng.state);
  });

  it('predict and evaluate never drop: the same outputs as the same weights without dropout', async () => {
    const net = await create(withDropout(0.5));
    const plain = await create(without);
    await net.fit(X, Y, FIT);
    for (let l = 0; l < net.layerCount; l++) plain.setWeights(l, net.getWeights(l).weights, net.getWeights(l).bias!);
    const state = net.rng.state;
    expect(net.predictBatch(X)).toEqual(plain.predictBatch(X));
    expect(net.predict(X.subarray(0, 6))).toEqual(plain.predict(X.subarray(0, 6)));
    expect(net.evaluate(X, Y)).toEqual(plain.evaluate(X, Y));
    // Inspection calls without the flag do not drop either, and draw nothing.
    expect(net.gradients(X, Y)).toEqual(plain.gradients(X, Y));
    expect(net.trace(X, Y).loss).toBe(plain.trace(X, Y).loss);
    expect(net.trace(X, Y).layers[0].dropoutMask).toBeNull();
    expect(net.rng.state).toEqual(state);
  });

  it('the same seed gives the same weights after fit and after trainStep', async () => {
    const run = async () => {
      const net = await create(withDropout(0.4));
      await net.fit(X, Y, FIT);
      net.trainStep(X.subarray(0, 6 * 8), Y.subarray(0, 2 * 8), { learningRate: 0.1 });
      return net.getParameters();
    };
    const first = await run();
    expect(await run()).toEqual(first);
    // And dropout changed the run: the same network without it trains to other weights.
    const plain = await create(without);
    await plain.fit(X, Y, FIT);
    plain.trainStep(X.subarray(0, 6 * 8), Y.subarray(0, 2 * 8), { learningRate: 0.1 });
    expect(worstMismatch(plain.getParameters(), first, 1e-4)).not.toBeNull();
  });

  it('a training trace drops about p of many units, scales the kept by 1/(1 − p) and keeps the mean', async () => {
    const p = 0.3;
    const net = await create({ ...withDropout(p, 1024), seed: 3 });
    const x = samples(new Random(9), 64, 6);
    const trace = net.trace(x, labels(x, 6), { training: true });
    const [first, second] = trace.layers;
    const mask = first.dropoutMask!;
    const scale = Math.fround(1 / (1 - p));
    expect(mask.every((m) => m === 0 || m === scale)).toBe(true);
    const dropped = mask.filter((m) => m === 0).length / mask.length;
    expect(Math.abs(dropped - p)).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / mask.length));
    // What the layer above read is a ⊙ mask, whose mean is a's (inverted scaling), up to sampling noise.
    expect(second.input).toEqual(first.a.map((v, i) => v * mask[i]));
    const mean = (v: Float32Array) => v.reduce((s, t) => s + t, 0) / v.length;
    expect(Math.abs(mean(second.input) / mean(first.a) - 1)).toBeLessThan(0.02);
    // The error reaching the activations is masked the same way.
    expect(first.dEda).toEqual(second.propagated.map((d, i) => d * mask[i]));
    expect(second.dropoutMask!.filter((m) => m === 0).length / second.dropoutMask!.length).toBeCloseTo(p / 2, 1);
  });

  it('backpropagation with a fixed mask passes a gradient check (the generator rewound before each pass)', async () => {
    const net = await create({
      layers: [3, { units: 5, activation: 'tanh', dropout: 0.5 }, { units: 4, activation: 'sigmoid', dropout: 0.25 }, { units: 2, activation: 'identity' }],
      loss: 'mse',
      seed: 2,
    });
    const x = samples(new Random(4), 4, 3);
    const y = samples(new Random(6), 4, 2);
    const start = net.rng.state;
    const pass = (): Trace => {
      net.rng.state = start; // the same keys, so the same masks
      return net.trace(x, y, { training: true });
    };
    const traced = pass();
    expect(traced.layers[0].dropoutMask!.some((m) => m === 0)).toBe(true);
    net.rng.state = start;
    const viaGradients = net.gradients(x, y, { training: true });
    expect(viaGradients[0].weights).toEqual(traced.layers[0].gradWeights);
    let worst = 0;
    for (let l = 0; l < net.layerCount; l++) {
      const { weights, bias } = net.getWeights(l);
      for (let i = 0; i < weights.length; i++) {
        const at = weights[i];
        const lossAt = (v: number) => {
          weights[i] = v;
          net.setWeights(l, weights, bias!);
          return pass().loss;
        };
        const up = Math.fround(at + 1e-2), down = Math.fround(at - 1e-2);
        const numeric = (lossAt(up) - lossAt(down)) / (up - down);
        lossAt(at);
        const analytic = traced.layers[l].gradWeights[i];
        worst = Math.max(worst, Math.abs(analytic - numeric) / Math.max(Math.abs(analytic) + Math.abs(numeric), 1e-3));
      }
    }
    expect(worst).toBeLessThan(1e-2);
  });

  it('round-trips dropout through JSON, binary and TF.js, and the copy trains on as the original', async () => {
    const net = await create(withDropout(0.35));
    await net.fit(X, Y, { ...FIT, epochs: 1 });
    const json = net.toJSON();
    expect(json.layers[1]).toEqual({ units: 16, activation: 'relu', dropout: 0.35 });
    expect(json.layers[3]).toEqual({ units: 2, activation: 'softmax' });
    for (const copy of [Network.fromJSON(JSON.stringify(json), { backend: net.backend }), Network.fromBuffer(net.toBuffer(), { backend: net.backend }), fromTfjs(toTfjs(net), { backend: net.backend })]) {
      expect(copy.spec.layers).toEqual(net.spec.layers);
      expect(copy.predictBatch(X)).toEqual(net.predictBatch(X));
    }
    const layers = toTfjs(net).modelTopology.config as { layers: Array<{ class_name: string; config: { rate?: number } }> };
    expect(layers.layers.map((l) => l.class_name)).toEqual(['Dense', 'Dropout', 'Dense', 'Dropout', 'Dense']);
    expect(layers.layers[1].config.rate).toBe(0.35);
  });
});

describe('dropout: the same masks everywhere', () => {
  it('every backend draws the same masks for the same seed (traces with training: true)', async () => {
    const masks: Float32Array[][] = [];
    for (const row of ROWS) {
      const net = await Network.create({ ...withDropout(0.5, 64), ...row.options });
      try {
        for (let step = 0; step < 2; step++) masks.push(net.trace(X, Y, { training: true }).layers.map((l) => l.dropoutMask!).slice(0, 2));
      } finally {
        net.dispose();
      }
    }
    for (let i = 2; i < masks.length; i++) expect(masks[i]).toEqual(masks[i % 2]);
  });

  it('Wasm trains to the JS weights (same masks, float32 sums), and two threads to one thread\'s bits', async () => {
    const trained = new Map<string, Float32Array>();
    for (const row of ROWS) {
      // 64 rows × 1024 units: the dropout kernels are cut across the threads (past 32768 values).
      const net = await Network.create({ ...withDropout(0.5, 1024), ...row.options });
      try {
        await net.fit(X, Y, { ...FIT, epochs: 2, batchSize: 64 });
        trained.set(row.name, net.getParameters());
      } finally {
        net.dispose();
      }
    }
    for (const row of WASM_ROWS) expect(worstMismatch(trained.get(row.name)!, trained.get(JS.name)!, 1e-3), row.name).toBeNull();
    expect(trained.get('wasm-simd × 2 threads')).toEqual(trained.get('wasm-simd'));
  }, 60_000);

  it('trainInWorker gives the weights of fit in place', async () => {
    const here = await Network.create({ ...withDropout(0.4), backend: 'wasm' });
    const there = await Network.create({ ...withDropout(0.4), backend: 'wasm' });
    await here.fit(X, Y, FIT);
    await there.trainInWorker(X, Y, FIT);
    expect(there.getParameters()).toEqual(here.getParameters());
    expect(there.rng.state).toEqual(here.rng.state);
  }, 60_000);
});

describe('dropout: explain', () => {
  it('shows a·m going up and the masked error coming down for a training trace, and no mask otherwise', async () => {
    const net = await Network.create({ layers: [2, { units: 3, activation: 'tanh', dropout: 0.5 }, { units: 1, activation: 'sigmoid' }], seed: 1, backend: 'js' });
    const trace = net.trace([0.5, -1], [1], { training: true });
    const m = trace.layers[0].dropoutMask!;
    const text = explain(trace);
    expect(text).toContain(`a1·m1 = ${formatNumber(trace.layers[0].a[0])} · ${m[0] === 0 ? '0' : '2'} = `);
    expect(text).toContain('∂E/∂a1 = m1 · ∂E/∂(a1·m1)');
    expect(explain(net.trace([0.5, -1], [1]))).not.toContain('·m1');
  });
});

describe('dropout: bad rates and flags', () => {
  it.each([
    [-0.1, /layers\[1\]\.dropout: expected a number in \[0, 1\), got number -0\.1/],
    [1, /layers\[1\]\.dropout: expected a number in \[0, 1\), got number 1/],
    [Number.NaN, /layers\[1\]\.dropout: expected a number in \[0, 1\), got number NaN/],
    ['0.5', /layers\[1\]\.dropout: expected a number in \[0, 1\), got the string "0\.5"/],
  ])('Network.create rejects dropout %s, naming the layer', async (p, message) => {
    const options = { layers: [3, { units: 4, dropout: p as number }, 1] };
    await expect(Network.create(options)).rejects.toThrow(message);
  });

  it('rejects dropout on the output layer, and an old file reads as no dropout', async () => {
    await expect(Network.create({ layers: [3, 4, { units: 1, dropout: 0.2 }] })).rejects.toThrow(/layers\[2\]\.dropout: expected dropout on hidden layers only, got 0\.2 on the output layer/);
    const json = (await Network.create({ layers: [3, 4, 1], seed: 1, backend: 'js' })).toJSON();
    expect(json.layers[1]).toEqual({ units: 4, activation: 'sigmoid' });
    expect(Network.fromJSON(json, { backend: 'js' }).spec.layers[0]).toEqual({ units: 4, activation: 'sigmoid' });
    expect(() => Network.fromJSON({ ...json, layers: [3, { units: 4, activation: 'sigmoid', dropout: 1.5 }, json.layers[2]] }, { backend: 'js' })).toThrow(
      /fromJSON: layers\[1\]\.dropout: expected a number in \[0, 1\), got number 1\.5/,
    );
  });

  it('a bad training flag throws before anything runs: weights and generator unchanged', async () => {
    const net = await Network.create({ ...withDropout(0.5), backend: 'js' });
    const weights = net.getParameters();
    const state = net.rng.state;
    expect(() => net.trace(X, Y, { training: 'yes' as unknown as boolean })).toThrow(/trace: training: expected true or false, got the string "yes"/);
    expect(() => net.gradients(X, Y, { training: 1 as unknown as boolean })).toThrow(/gradients: training: expected true or false, got number 1/);
    expect(() => net.gradients(X, Y, { train: true } as object)).toThrow(/gradients: options/);
    expect(net.getParameters()).toEqual(weights);
    expect(net.rng.state).toEqual(state);
    // With the flag, one draw per layer with dropout per pass.
    net.gradients(X, Y, { training: true });
    expect(net.rng.state).not.toEqual(state);
  });
});
