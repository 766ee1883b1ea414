// backprop/brain's own promises, beyond brain.js's behaviour: bad calls throw naming the problem
// and change nothing, `seed` repeats a run, trainAsync lets the event loop run and equals train,
// `threads` and `batchSize` train as documented, and the default export has the named members.
import { afterEach, describe, expect, it, vi } from 'vitest';
import brain, { NeuralNetwork, CrossValidate, likely, type BrainDatum } from '../src/brain/index.js';
import { Network } from '../src/index.js';
import { Random } from '../src/random.js';
import { worstMismatch } from './backends.js';

const XOR: BrainDatum[] = [
  { input: [0, 0], output: [0] },
  { input: [0, 1], output: [1] },
  { input: [1, 0], output: [1] },
  { input: [1, 1], output: [0] },
];

function blobs(n: number, seed: number): BrainDatum[] {
  const rng = new Random(seed);
  return Array.from({ length: n }, (_, i) => {
    const k = i % 2;
    return { input: Array.from({ length: 8 }, () => rng.normal() * 0.5 + k), output: [k] };
  });
}

afterEach(() => vi.restoreAllMocks());

describe('backprop/brain: the API', () => {
  it('the default export has the named exports as members', () => {
    expect(brain).toEqual({ NeuralNetwork, CrossValidate, likely });
  });

  it('seed: the same seed trains to the same weights; another does not', () => {
    const run = (seed: number) => {
      const net = new NeuralNetwork({ hiddenLayers: [3], seed });
      net.train(XOR, { iterations: 50 });
      return JSON.stringify(net.toJSON());
    };
    expect(run(4)).toBe(run(4));
    expect(run(4)).not.toBe(run(5));
  });

  it('initial weights are uniform in [−0.2, 0.2), sizes from the data (hidden: max(3, ⌊inputs / 2⌋))', () => {
    const net = new NeuralNetwork({ seed: 1 });
    net.train(blobs(4, 1), { iterations: 1, learningRate: 1e-9 });
    expect(net.sizes).toEqual([8, 4, 1]);
    const values = net.toJSON().layers.flatMap((l) => [...l.weights.flat(), ...l.biases]);
    expect(values).toHaveLength(8 * 4 + 4 + 4 + 1);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(-0.2);
    expect(Math.max(...values)).toBeLessThan(0.2);
  });

  it('log: true prints brain.js\'s line every logPeriod iterations', () => {
    const lines: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((line: string) => void lines.push(line));
    const net = new NeuralNetwork({ hiddenLayers: [3], seed: 2 });
    const status = net.train(XOR, { iterations: 10, log: true, logPeriod: 5 });
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^iterations: 5, training error: 0\.\d+$/);
    expect(lines[1]).toBe(`iterations: 10, training error: ${status.error}`);
  });

  it('timeout stops training early', () => {
    const net = new NeuralNetwork({ hiddenLayers: [3], seed: 2 });
    const status = net.train(XOR, { iterations: 1e9, errorThresh: 1e-9, timeout: 30 });
    expect(status.iterations).toBeGreaterThan(0);
    expect(status.iterations).toBeLessThan(1e9);
  });

  it('bad options and data throw, naming what is wrong, and change nothing', () => {
    const net = new NeuralNetwork({ hiddenLayers: [3], seed: 3 });
    net.train(XOR, { iterations: 5 });
    const before = JSON.stringify(net.toJSON());
    expect(() => new NeuralNetwork({ hiddenLayer: [3] } as object)).toThrow(/new NeuralNetwork: options: unknown option "hiddenLayer"/);
    expect(() => net.train(XOR, { learningRate: -1 })).toThrow(/NeuralNetwork.train: options: learningRate: expected a finite number > 0, got number -1/);
    expect(() => net.train(XOR, { errorThresh: 2 })).toThrow(/errorThresh: expected a number > 0 and < 1, got number 2/);
    expect(() => net.train(XOR, { activation: 'softmax' as 'tanh' })).toThrow(/activation: expected one of 'sigmoid', 'relu', 'leaky-relu', 'tanh'/);
    expect(() => net.train(XOR, { leakyReluAlpha: 0.2 })).toThrow(/leakyReluAlpha: expected 0.01/);
    expect(() => net.train([...XOR, { input: [0, NaN], output: [1] }])).toThrow(/NeuralNetwork.train: data\[4\].input\[1\]: expected a finite number, got NaN/);
    expect(() => net.train([{ input: [0, 1, 1], output: [1] }])).toThrow(/data\[0\].input: expected 2 numbers, got 3/);
    expect(() => net.train([])).toThrow(/data: expected a non-empty array/);
    expect(() => net.run([1])).toThrow(/NeuralNetwork.run: input: expected 2 numbers, got 1/);
    expect(() => net.fromJSON({ sizes: [2, 3, 1], layers: [] })).toThrow(/NeuralNetwork.fromJSON: layers: expected an array of 3 layers/);
    const bad = net.toJSON();
    bad.layers[1].weights[0][1] = Infinity;
    expect(() => net.fromJSON(bad)).toThrow(/layers\[1\]: weights\[0\]\[1\]: expected a finite number, got number Infinity/);
    expect(() => net.train(XOR, { iterations: 1, momentum: 0.2, unknown: 1 } as object)).toThrow(/unknown option "unknown"/);
    expect(JSON.stringify(net.toJSON())).toBe(before);
    expect(net.trainOpts.momentum).toBe(0.1);
  });

  it('named values must be numbers; missing ones count as 0', () => {
    const net = new NeuralNetwork({ hiddenLayers: [2], seed: 1 });
    net.train([{ input: { a: 1, b: 0 }, output: { y: 1 } }, { input: { a: 0 }, output: { y: 0 } }], { iterations: 3 });
    expect(net.run({ a: 1 })).toEqual(net.run({ a: 1, b: 0 }));
    expect(() => net.run({ a: '1' } as unknown as Record<string, number>)).toThrow(/run: input: "a": expected a number, got the string "1"/);
  });

  it('a network without sizes cannot run; one given sizes runs on fresh weights', () => {
    expect(() => new NeuralNetwork().run([1])).toThrow(/NeuralNetwork.run: the network has no sizes yet/);
    const sized = new NeuralNetwork({ inputSize: 2, hiddenLayers: [3], outputSize: 2, seed: 1 });
    expect(sized.run([1, 0])).toHaveLength(2);
    expect(sized.toJSON().sizes).toEqual([2, 3, 2]);
  });

  it('train refuses a second training from a callback, and the first goes on', () => {
    const net = new NeuralNetwork({ hiddenLayers: [3], seed: 1 });
    let inner: unknown = null;
    net.train(XOR, {
      iterations: 20,
      callbackPeriod: 10,
      callback: () => {
        try {
          net.train(XOR, { iterations: 1 });
        } catch (e) {
          inner = e;
        }
      },
    });
    expect(String(inner)).toMatch(/already training/);
  });

  it('trainAsync equals train bit for bit, and lets timers run meanwhile', async () => {
    const data = blobs(400, 2);
    const sync = new NeuralNetwork({ hiddenLayers: [64], seed: 9 });
    const a = sync.train(data, { iterations: 30, errorThresh: 1e-6 });
    const async = new NeuralNetwork({ hiddenLayers: [64], seed: 9 });
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const started = performance.now();
    const b = await async.trainAsync(data, { iterations: 30, errorThresh: 1e-6 });
    const ms = performance.now() - started;
    clearInterval(timer);
    expect(b).toEqual(a);
    expect(async.toJSON()).toEqual(sync.toJSON());
    if (ms > 60) expect(ticks).toBeGreaterThan(0); // a run longer than a few yields let the timer in
  });

  it('batchSize n: one update per n samples with their mean gradient (first step: −η·ḡ on the weights)', async () => {
    const net = new NeuralNetwork({ hiddenLayers: [3], seed: 5, batchSize: 4 });
    net.train(XOR, { iterations: 1, learningRate: 1e-9 }); // sizes and weights, barely moved
    const json = net.toJSON();
    // The same network in the core API: its gradients on the whole batch, the quadratic loss.
    const core = await Network.create({ layers: [2, { units: 3, activation: 'sigmoid' }, { units: 1, activation: 'sigmoid' }], loss: 'quadratic', backend: 'js' });
    json.layers.slice(1).forEach((l, i) => core.setWeights(i, l.weights, l.biases));
    const g = core.gradients(XOR.map((d) => d.input as number[]), XOR.map((d) => d.output as number[]));
    const fresh = new NeuralNetwork({ backend: 'js' }).fromJSON(json);
    fresh.train(XOR, { iterations: 1, learningRate: 0.5, batchSize: 4 });
    const after = fresh.toJSON();
    const expected = json.layers.slice(1).flatMap((l, i) => [...l.weights.flat().map((w, k) => w - 0.5 * g[i].weights[k]), ...l.biases.map((b, k) => b - 0.5 * g[i].bias![k])]);
    const got = after.layers.slice(1).flatMap((l) => [...l.weights.flat(), ...l.biases]);
    expect(worstMismatch(got, expected, 1e-6)).toBeNull();
    expect(after.trainOpts.batchSize).toBe(4);
    core.dispose();
  });

  it('threads: train says to use trainAsync; trainAsync on 2 threads equals one thread', async () => {
    const data = blobs(256, 3);
    const options = { hiddenLayers: [32], seed: 4, batchSize: 64, backend: 'wasm' as const };
    const threaded = new NeuralNetwork({ ...options, threads: 2 });
    expect(() => threaded.train(data, { iterations: 2 })).toThrow(/threads: 2 threads start asynchronously; use trainAsync/);
    expect(threaded.sizes).toEqual([]); // refused before anything was taken
    const one = new NeuralNetwork(options);
    const a = await one.trainAsync(data, { iterations: 5, errorThresh: 1e-6 });
    const b = await threaded.trainAsync(data, { iterations: 5, errorThresh: 1e-6 });
    expect(b).toEqual(a);
    expect(threaded.toJSON()).toEqual(one.toJSON());
    threaded.dispose();
  });

  it('likely: the key of the largest output; an index for arrays', () => {
    expect(likely([0], { run: () => ({ a: 0.2, b: 0.7 }) })).toBe('b');
    expect(likely([0], { run: () => new Float32Array([0.9, 0.1]) })).toBe('0');
    expect(() => likely([0], null as never)).toThrow(/likely: net: expected a network with run\(\), got null/);
  });

  it('CrossValidate refuses too little data and a missing classifier', () => {
    const cv = new CrossValidate(() => new NeuralNetwork({ hiddenLayers: [2] }));
    expect(() => cv.train(XOR.slice(0, 3), {}, 4)).toThrow(/expected at least k = 4 samples, got 3/);
    expect(() => cv.toNeuralNetwork()).toThrow(/nothing trained yet/);
    expect(() => new CrossValidate(3 as never)).toThrow(/expected a function making a NeuralNetwork/);
  });

  it('toFunction equals run bit for bit on the JS backend, named keys included, and its source stands alone', () => {
    const named: BrainDatum[] = [
      { input: { r: 0.03, g: 0.7, b: 0.5 }, output: { black: 1 } },
      { input: { r: 0.16, g: 0.09, b: 0.2 }, output: { white: 1 } },
      { input: { r: 0.5, g: 0.5, b: 1.0 }, output: { white: 1 } },
    ];
    for (const activation of ['sigmoid', 'relu', 'leaky-relu', 'tanh'] as const) {
      const net = new NeuralNetwork({ hiddenLayers: [5, 3], activation, seed: 6, backend: 'js' });
      net.train(named, { iterations: 30, learningRate: 0.1 });
      const run = net.toFunction();
      const probes: Array<Record<string, number>> = [{ r: 1, g: 0.4, b: 0 }, { g: 0.2 }, { r: 0.3, b: 0.9 }];
      for (const p of probes) expect(run(p)).toEqual(net.run(p));
      // The source alone, evaluated where backprop is not in scope, gives the same.
      const alone = new Function(`return ${run.toString()}`)() as typeof run;
      for (const p of probes) expect(alone(p)).toEqual(net.run(p));
    }
  });

  it('toFunction on the Wasm backend agrees with run within float rounding; its callback may rewrite the source', () => {
    const data = blobs(40, 7);
    const net = new NeuralNetwork({ hiddenLayers: [6], seed: 2, backend: 'wasm' });
    net.train(data, { iterations: 20 });
    const seen: string[] = [];
    const run = net.toFunction((source) => (seen.push(source), source.replace('return function run(input){', 'return function run(input){input=input.map((v)=>v*0);')));
    expect(seen[0]).toMatch(/^\(function\(\)\{const module=/);
    const zeros = new Array(8).fill(0);
    expect(worstMismatch(Array.from(run(data[0].input as number[]) as Float32Array), Array.from(net.run(zeros) as Float32Array), 1e-6)).toBeNull();
    expect(worstMismatch(Array.from(net.toFunction()(data[1].input as number[]) as Float32Array), Array.from(net.run(data[1].input) as Float32Array), 1e-6)).toBeNull();
    expect(() => net.toFunction(3 as never)).toThrow(/toFunction: expected a function rewriting the source, got number 3/);
  });
});
