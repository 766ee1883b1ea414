// The runs the browser spec compares: each runs once in Node on src/ and once in Chromium on
// dist/backprop.browser.js (this file is transpiled by esbuild and imported into the page).
// Self-contained on purpose: its only input is the library object, its output plain numbers.
import type * as Backprop from '../../src/index.js';

type Lib = typeof Backprop;
export type Backend = 'js' | 'wasm';

export interface WorkedRun {
  kernel: string;
  /** Per layer: z, a, δ, dE/dw, Wᵀδ and the weights one SGD step (η = 0.2) gives, from net.trace. */
  layers: Array<{ z: number[]; a: number[]; delta: number[]; gradWeights: number[]; propagated: number[]; updatedWeights: number[] }>;
  loss: number;
  output: number[];
  /** Every parameter after trainStep with η = 0.2, which must equal the trace's updatedWeights. */
  stepped: number[];
}

export interface ClassifierRun {
  kernel: string;
  /** Mean loss of every fit epoch. */
  losses: number[];
  /** The trained network's outputs on a 5 × 5 grid over [−1, 1]². */
  grid: number[];
  accuracy: number;
  /** toJSON().parameters: every trained weight and bias, bit for bit. */
  parameters: string;
}

/**
 * seeds/001 office hours 2-2-1 (docs/backprop-by-hand.md §3): w1…w6 = 0.1…0.6, no bias, sigmoid,
 * quadratic loss, x = [0, 1], y = 1, η = 0.2. Rows are weights into a unit: [[w1, w3], [w2, w4]], [[w5, w6]].
 */
export async function workedExample(lib: Lib, backend: Backend): Promise<WorkedRun> {
  const net = await lib.Network.create({
    layers: [2, { units: 2, activation: 'sigmoid' }, { units: 1, activation: 'sigmoid' }],
    loss: 'quadratic',
    bias: false,
    seed: 1,
    backend,
  });
  net.setWeights(0, [[0.1, 0.3], [0.2, 0.4]]);
  net.setWeights(1, [[0.5, 0.6]]);
  const trace = net.trace([[0, 1]], [[1]], { learningRate: 0.2 });
  net.trainStep([[0, 1]], [[1]], { learningRate: 0.2 });
  const run: WorkedRun = {
    kernel: net.kernel,
    layers: trace.layers.map((l) => ({
      z: Array.from(l.z),
      a: Array.from(l.a),
      delta: Array.from(l.delta),
      gradWeights: Array.from(l.gradWeights),
      propagated: Array.from(l.propagated),
      updatedWeights: Array.from(l.updatedWeights ?? []),
    })),
    loss: trace.loss,
    output: Array.from(trace.output),
    stepped: Array.from(net.getParameters()),
  };
  net.dispose();
  return run;
}

/** Two interleaved spirals, n points each, label 0 and 1, with seeded jitter. */
export function spirals(lib: Lib, n: number, seed: number): { x: number[][]; y: number[][] } {
  const random = new lib.Random(seed);
  const x: number[][] = [];
  const y: number[][] = [];
  for (let i = 0; i < n; i++) {
    const r = (i / n) * 0.9 + 0.05;
    const t = (i / n) * 3 * Math.PI;
    for (const label of [0, 1]) {
      const angle = t + label * Math.PI;
      x.push([r * Math.cos(angle) + (random.uniform() - 0.5) * 0.04, r * Math.sin(angle) + (random.uniform() - 0.5) * 0.04]);
      y.push([label]);
    }
  }
  return { x, y };
}

/** A 2-8-8-1 tanh/sigmoid classifier on 2 × 40 spiral points: 30 epochs of shuffled momentum SGD, batch 8. */
export async function classifier(lib: Lib, backend: Backend): Promise<ClassifierRun> {
  const { x, y } = spirals(lib, 40, 3);
  const net = await lib.Network.create({
    layers: [2, { units: 8, activation: 'tanh' }, { units: 8, activation: 'tanh' }, { units: 1, activation: 'sigmoid' }],
    loss: 'binary-cross-entropy',
    seed: 7,
    backend,
  });
  const history = await net.fit(x, y, { epochs: 30, batchSize: 8, learningRate: 0.1, optimizer: 'momentum' });
  const points: number[][] = [];
  for (let i = 0; i < 5; i++) for (let j = 0; j < 5; j++) points.push([i / 2 - 1, j / 2 - 1]);
  const run: ClassifierRun = {
    kernel: net.kernel,
    losses: history.loss,
    grid: Array.from(net.predictBatch(points)),
    accuracy: net.evaluate(x, y).accuracy ?? NaN,
    parameters: net.toJSON().parameters,
  };
  net.dispose();
  return run;
}

/**
 * Wasm training on 2 threads against 1 (Workers sharing one Wasm memory; needs a cross-origin
 * isolated page): a 64-64-32-4 softmax net, batch 64, big enough for the products to be split.
 * Returns both parameter vectors, or the error message creating the threaded network gave.
 */
export async function threaded(lib: Lib): Promise<{ threads: number; kernel: string; one: string; two: string } | { error: string }> {
  const random = new lib.Random(11);
  const x: number[][] = [];
  const y: number[][] = [];
  for (let i = 0; i < 64; i++) {
    x.push(Array.from({ length: 64 }, () => random.uniform() * 2 - 1));
    y.push([0, 1, 2, 3].map((k) => (k === i % 4 ? 1 : 0)));
  }
  const train = async (threads: number) => {
    const net = await lib.Network.create({
      layers: [64, { units: 64, activation: 'relu' }, { units: 32, activation: 'relu' }, { units: 4, activation: 'softmax' }],
      loss: 'categorical-cross-entropy',
      seed: 5,
      backend: 'wasm',
      threads,
    });
    for (let s = 0; s < 5; s++) net.trainStep(x, y, { learningRate: 0.05, optimizer: 'momentum' });
    const result = { threads: net.threads, kernel: net.kernel, parameters: net.toJSON().parameters };
    net.dispose();
    return result;
  };
  const one = await train(1);
  let two;
  try {
    two = await train(2);
  } catch (e) {
    return { error: `${(e as Error).name}: ${(e as Error).message}` };
  }
  return { threads: two.threads, kernel: two.kernel, one: one.parameters, two: two.parameters };
}
