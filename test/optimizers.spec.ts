// Every optimizer's first steps on a tiny network, against a float64 reference written here from
// the formulas: the forward and backward pass of a 2-2-1 sigmoid network with quadratic loss, then
// each update rule exactly as src/kernels.ts states it (Keras' forms). The weights are Matt Mazur's
// "A Step by Step Backpropagation Example" (0.15, 0.20, 0.25, 0.30, bias 0.35; 0.40, 0.45, bias 0.60).
import { afterAll, describe, expect, it } from 'vitest';
import { Network, Random, type StepOptions } from '../src/index.js';
import { ThreadedWasmBackend } from '../src/backends/wasm/threaded.js';
import { createBackend } from '../src/backends/index.js';
import type { Backend } from '../src/backends/backend.js';
import { blobs } from './blobs.js';
import { JS, ROWS, WASM_ROWS, describeRows, worstMismatch, type Row } from './backends.js';

const X = [[0.05, 0.1], [0.3, -0.2]];
const Y = [[0.01], [0.99]];
/** Flat parameters in the network's layout: W1 (2×2, row j = into unit j), b1, W2 (1×2), b2. */
const P0 = [0.15, 0.2, 0.25, 0.3, 0.35, 0.35, 0.4, 0.45, 0.6];
/** Which of those are weights (decayed by L2) rather than biases. */
const IS_WEIGHT = [1, 1, 1, 1, 0, 0, 1, 1, 0];

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** dE/dp averaged over the batch, E = ½(a − y)² per sample, in float64. */
function gradient(p: Float64Array, xs = X, ys = Y): Float64Array {
  const g = new Float64Array(9);
  for (let n = 0; n < xs.length; n++) {
    const x = xs[n];
    const h = [0, 1].map((j) => sigmoid(p[2 * j] * x[0] + p[2 * j + 1] * x[1] + p[4 + j]));
    const a = sigmoid(p[6] * h[0] + p[7] * h[1] + p[8]);
    const delta2 = (a - ys[n][0]) * a * (1 - a);
    for (let j = 0; j < 2; j++) {
      const delta1 = delta2 * p[6 + j] * h[j] * (1 - h[j]);
      g[2 * j] += delta1 * x[0];
      g[2 * j + 1] += delta1 * x[1];
      g[4 + j] += delta1;
      g[6 + j] += delta2 * h[j];
    }
    g[8] += delta2;
  }
  return g.map((v) => v / xs.length);
}

/** One optimizer's update rule in float64, with its state, as a function of the gradient. */
type Rule = (p: Float64Array, g: Float64Array) => void;

function rule(o: Required<Pick<StepOptions, 'learningRate'>> & StepOptions): Rule {
  const lr = o.learningRate;
  const s1 = new Float64Array(9);
  const s2 = new Float64Array(9);
  let t = 0;
  switch (o.optimizer ?? 'sgd') {
    case 'sgd':
      return (p, g) => p.forEach((_, i) => (p[i] -= lr * g[i]));
    case 'momentum': {
      const mu = o.momentum ?? 0.9;
      return (p, g) =>
        p.forEach((_, i) => {
          s1[i] = mu * s1[i] - lr * g[i];
          p[i] += o.nesterov ? mu * s1[i] - lr * g[i] : s1[i];
        });
    }
    case 'adam': {
      const [b1, b2, eps] = [o.beta1 ?? 0.9, o.beta2 ?? 0.999, o.epsilon ?? 1e-7];
      return (p, g) => {
        t++;
        const alpha = (lr * Math.sqrt(1 - b2 ** t)) / (1 - b1 ** t);
        p.forEach((_, i) => {
          s1[i] = b1 * s1[i] + (1 - b1) * g[i];
          s2[i] = b2 * s2[i] + (1 - b2) * g[i] * g[i];
          p[i] -= (alpha * s1[i]) / (Math.sqrt(s2[i]) + eps);
        });
      };
    }
    case 'rmsprop': {
      const [rho, eps] = [o.rho ?? 0.9, o.epsilon ?? 1e-7];
      return (p, g) =>
        p.forEach((_, i) => {
          s1[i] = rho * s1[i] + (1 - rho) * g[i] * g[i];
          p[i] -= (lr * g[i]) / Math.sqrt(s1[i] + eps);
        });
    }
  }
}

/** The reference parameters after each of `steps` steps; L2 as the gradient of (λ/2n)Σw² on weights only. */
function referenceSteps(options: Required<Pick<StepOptions, 'learningRate'>> & StepOptions, steps: number, n = X.length): Float64Array[] {
  const p = Float64Array.from(P0);
  const update = rule(options);
  const lambda = options.weightDecay ?? 0;
  const out: Float64Array[] = [];
  for (let s = 0; s < steps; s++) {
    const g = gradient(p).map((v, i) => v + (IS_WEIGHT[i] ? (lambda / n) * p[i] : 0));
    update(p, g);
    out.push(p.slice());
  }
  return out;
}

async function mazur(row: Row): Promise<Network> {
  const net = await row.create({ layers: [2, 2, 1], loss: 'quadratic', seed: 1 });
  net.setWeights(0, [[0.15, 0.2], [0.25, 0.3]], [0.35, 0.35]);
  net.setWeights(1, [[0.4, 0.45]], [0.6]);
  return net;
}

const CASES: Array<[string, Required<Pick<StepOptions, 'learningRate'>> & StepOptions]> = [
  ['sgd', { optimizer: 'sgd', learningRate: 0.5 }],
  ['momentum', { optimizer: 'momentum', learningRate: 0.5, momentum: 0.9 }],
  ['nesterov momentum', { optimizer: 'momentum', learningRate: 0.5, momentum: 0.8, nesterov: true }],
  ['adam', { optimizer: 'adam', learningRate: 0.01 }],
  ['adam with its own betas and epsilon', { optimizer: 'adam', learningRate: 0.02, beta1: 0.8, beta2: 0.99, epsilon: 1e-3 }],
  ['rmsprop', { optimizer: 'rmsprop', learningRate: 0.01 }],
  ['rmsprop with rho 0.5', { optimizer: 'rmsprop', learningRate: 0.01, rho: 0.5, epsilon: 1e-4 }],
  ['sgd with weight decay', { optimizer: 'sgd', learningRate: 0.5, weightDecay: 0.3 }],
  ['adam with weight decay', { optimizer: 'adam', learningRate: 0.01, weightDecay: 2 }],
];

describeRows(ROWS)('optimizers on a 2-2-1 network (%s)', (row) => {
  it('the float64 reference gradient is the network\'s own', async () => {
    const net = await mazur(row);
    const g = net.gradients(X, Y);
    const flat = [...g[0].weights, ...g[0].bias!, ...g[1].weights, ...g[1].bias!];
    expect(worstMismatch(flat, gradient(Float64Array.from(P0)), 1e-7)).toBeNull();
  });

  it.each(CASES)('%s: three trainSteps match the formula step by step', async (_name, options) => {
    const net = await mazur(row);
    const want = referenceSteps(options, 3);
    for (let s = 0; s < 3; s++) {
      net.trainStep(X, Y, options);
      expect(worstMismatch(net.getParameters(), want[s], 1e-6), `step ${s + 1}`).toBeNull();
    }
    // Each step changed the weights by more than the tolerance, so the check above has teeth.
    expect(Math.abs(want[0][0] - P0[0])).toBeGreaterThan(1e-5);
  });

  it("sgd's weight decay is Nielsen's w ← (1 − ηλ/n)w − η·ḡ, with n the training set's size in fit; biases are not decayed", async () => {
    const net = await mazur(row);
    // Two batches of one sample each per epoch: n = 2 (the set), not 1 (the batch).
    await net.fit(X, Y, { epochs: 1, batchSize: 1, shuffle: false, learningRate: 0.5, weightDecay: 0.4 });
    const p = Float64Array.from(P0);
    const [eta, lambda, n] = [0.5, 0.4, 2];
    for (const row of [0, 1]) {
      const g = gradient(p, [X[row]], [Y[row]]);
      p.forEach((w, i) => (p[i] = IS_WEIGHT[i] ? (1 - (eta * lambda) / n) * w - eta * g[i] : w - eta * g[i]));
    }
    expect(worstMismatch(net.getParameters(), p, 1e-6)).toBeNull();
  });

  it('switching optimizer starts from fresh state: adam, sgd, then adam again from t = 1', async () => {
    const net = await mazur(row);
    const adam = { optimizer: 'adam' as const, learningRate: 0.01 };
    net.trainStep(X, Y, adam);
    net.trainStep(X, Y, adam);
    net.trainStep(X, Y, { optimizer: 'sgd', learningRate: 0.5 });
    net.trainStep(X, Y, adam);
    const p = Float64Array.from(P0);
    const first = rule(adam);
    first(p, gradient(p));
    first(p, gradient(p));
    rule({ learningRate: 0.5 })(p, gradient(p));
    rule(adam)(p, gradient(p));
    expect(worstMismatch(net.getParameters(), p, 1e-6)).toBeNull();
  });

  it('bad optimizer options throw a named error and change nothing, not even the optimizer state', async () => {
    const net = await mazur(row);
    const twin = await mazur(row);
    const momentum = { optimizer: 'momentum' as const, learningRate: 0.5 };
    net.trainStep(X, Y, momentum);
    twin.trainStep(X, Y, momentum);
    const before = net.getParameters();
    const bad: Array<[object, RegExp]> = [
      [{ optimizer: 'adam', beta3: 0.9 }, /trainStep: options: unknown option "beta3"; known options are learningRate, optimizer, weightDecay, momentum, nesterov, beta1, beta2, epsilon, rho/],
      [{ optimizer: 'sgd', beta1: 0.9 }, /trainStep: beta1 applies to the 'adam' optimizer, not 'sgd'/],
      [{ optimizer: 'momentum', epsilon: 1e-8 }, /trainStep: epsilon applies to the 'adam' and 'rmsprop' optimizers, not 'momentum'/],
      [{ nesterov: true }, /trainStep: nesterov applies to the 'momentum' optimizer, not 'sgd'/],
      [{ optimizer: 'momentum', nesterov: 'yes' }, /trainStep: nesterov: expected true or false, got the string "yes"/],
      [{ optimizer: 'adam', beta2: 1 }, /trainStep: beta2: expected a number in \[0, 1\), got number 1/],
      [{ optimizer: 'rmsprop', epsilon: 0 }, /trainStep: epsilon: expected a finite number > 0, got number 0/],
      [{ optimizer: 'rmsprop', rho: -0.1 }, /trainStep: rho: expected a number in \[0, 1\), got number -0.1/],
      [{ weightDecay: -1 }, /trainStep: weightDecay: expected a finite number ≥ 0, got number -1/],
      [{ weightDecay: NaN }, /trainStep: weightDecay: expected a finite number ≥ 0, got number NaN/],
      [{ optimizer: 'adagrad' }, /trainStep: optimizer: expected one of 'sgd', 'momentum', 'adam', 'rmsprop', got the string "adagrad"/],
    ];
    for (const [options, message] of bad) {
      expect(() => net.trainStep(X, Y, { learningRate: 0.5, ...options } as never)).toThrow(message);
      await expect(net.fit(X, Y, { learningRate: 0.5, ...options } as never)).rejects.toThrow(new RegExp(message.source.replace('trainStep', 'fit')));
      expect(net.getParameters()).toEqual(before);
    }
    // The velocity is untouched too: one more momentum step lands where the twin's does.
    net.trainStep(X, Y, momentum);
    twin.trainStep(X, Y, momentum);
    expect(net.getParameters()).toEqual(twin.getParameters());
  });
});

const PARITY: Array<[string, StepOptions]> = [
  ['sgd', { optimizer: 'sgd', learningRate: 0.3 }],
  ['momentum', { optimizer: 'momentum', learningRate: 0.1 }],
  ['nesterov', { optimizer: 'momentum', nesterov: true, learningRate: 0.1 }],
  ['adam', { optimizer: 'adam', learningRate: 0.01 }],
  ['rmsprop', { optimizer: 'rmsprop', learningRate: 0.005 }],
  ['adam with weight decay', { optimizer: 'adam', learningRate: 0.01, weightDecay: 0.5 }],
];

describeRows(WASM_ROWS)('%s against JS, each optimizer over six steps', (row) => {
  it.each(PARITY)('%s', async (_name, options) => {
    const { X, Y } = blobs(3, 160);
    const run = async (on: Row) => {
      const net = await on.create({
        layers: [4, { units: 17, activation: 'tanh' }, { units: 9, activation: 'relu' }, { units: 3, activation: 'softmax' }],
        loss: 'categorical-cross-entropy',
        seed: 8,
      });
      const params: Float32Array[] = [];
      for (let s = 0; s < 6; s++) {
        const b = (s % 4) * 40;
        net.trainStep(X.slice(b, b + 40), Y.slice(b, b + 40), options);
        params.push(net.getParameters());
      }
      return params;
    };
    const js = await run(JS);
    const wasm = await run(row);
    for (let s = 0; s < 6; s++) expect(worstMismatch(wasm[s], js[s], 1e-5), `step ${s + 1}`).toBeNull();
    expect(worstMismatch(js[5], js[0], 1e-3)).not.toBeNull(); // the steps moved the weights
  });
});

describe('threaded Wasm backend: every optimizer as on one thread, bit for bit', () => {
  const opened: Backend[] = [];
  afterAll(() => opened.forEach((b) => b.dispose()));

  it.each(['momentum', 'nesterov', 'adam', 'rmsprop'])('%s kernel over 100,003 floats (split across threads)', async (which) => {
    const threaded = await ThreadedWasmBackend.create(2);
    const single = createBackend('wasm');
    opened.push(threaded, single);
    const count = 100_003;
    const rng = new Random(count);
    const values = Float32Array.from({ length: 5 * count }, () => rng.uniform() - 0.5);
    const run = (b: Backend) => {
      const [p, g, s1, s2] = [0, 1, 2, 3].map((i) => b.base + 1 + i * count); // odd offsets: slices start unaligned
      b.reserve(b.base + 1 + 5 * count);
      b.f32.set(values, b.base + 1);
      b.f32.fill(0, s1, s1 + 2 * count);
      const k = b.kernels;
      for (let step = 0; step < 2; step++) {
        if (which === 'momentum') k.momentumUpdate(p, g, s1, count, 0.1, 0.9);
        if (which === 'nesterov') k.nesterovUpdate(p, g, s1, count, 0.1, 0.9);
        if (which === 'adam') k.adamUpdate(p, g, s1, s2, count, 0.01, 0.1, 0.001, 1e-7);
        if (which === 'rmsprop') k.rmspropUpdate(p, g, s1, count, 0.01, 0.1, 1e-7);
      }
      return b.f32.slice(p, p + 3 * count + count);
    };
    const one = run(single);
    const two = run(threaded);
    expect(worstMismatch(two, one, 0)).toBeNull(); // tolerance 0: identical
    expect(worstMismatch(one.subarray(0, count), values.subarray(0, count), 1e-4)).not.toBeNull();
  });

  it.each([
    ['adam', { optimizer: 'adam', learningRate: 0.005, weightDecay: 0.1 }],
    ['rmsprop', { optimizer: 'rmsprop', learningRate: 0.002 }],
    ['nesterov', { optimizer: 'momentum', nesterov: true, learningRate: 0.05 }],
  ] as Array<[string, StepOptions]>)('a network of 19,210 parameters trained with %s on 2 threads equals 1 thread', async (_name, options) => {
    const rng = new Random(4);
    const x = Float32Array.from({ length: 120 * 64 }, () => rng.uniform());
    const y = new Float32Array(120 * 10);
    for (let i = 0; i < 120; i++) y[i * 10 + (i % 10)] = 1;
    const train = async (threads: number) => {
      const net = await Network.create({ layers: [64, { units: 256, activation: 'tanh' }, { units: 10, activation: 'softmax' }], loss: 'categorical-cross-entropy', seed: 6, backend: 'wasm', threads });
      expect(net.parameterCount).toBe(19_210); // above the threaded backend's 16,384-float split threshold
      const h = await net.fit(x, y, { epochs: 2, batchSize: 30, ...options });
      const out = { params: net.getParameters(), loss: h.loss, threads: net.threads };
      net.dispose();
      return out;
    };
    const one = await train(1);
    const two = await train(2);
    expect(two.threads).toBe(2);
    expect(two.params).toEqual(one.params);
    expect(two.loss).toEqual(one.loss);
  });
});
