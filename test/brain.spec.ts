// backprop/brain side by side with brain.js itself (2.0.0-beta.24, and 1.6.1 for its JSON): the
// same initial weights (handed to both through fromJSON) and data give the same training errors,
// iteration counts, logs, outputs, toFunction, test() results and cross-validation, within float32 rounding.
import { createRequire } from 'node:module';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { NeuralNetwork, CrossValidate, likely, type BrainDatum, type BrainNetworkJSON, type BrainTrainOptions } from '../src/brain/index.js';
import { Random } from '../src/random.js';
import { ONE_THREAD_ROWS, describeRows, worstMismatch } from './backends.js';

/** The part of brain.js's NeuralNetwork these tests call. */
interface PeerNetwork {
  train(data: unknown[], options?: object): { error: number; iterations: number };
  run(input: unknown): ArrayLike<number> | Record<string, number>;
  test(data: unknown[]): Record<string, unknown>;
  toJSON(): object;
  fromJSON(json: object): PeerNetwork;
  toFunction(): (input: unknown) => ArrayLike<number> | Record<string, number>;
}
interface Peer {
  NeuralNetwork: new (options?: object) => PeerNetwork;
  CrossValidate: new (...args: unknown[]) => { train(data: unknown[], opts?: object, k?: number): Record<string, unknown>; toNeuralNetwork(): PeerNetwork };
  likely(input: unknown, net: PeerNetwork): string | null;
}

const require = createRequire(import.meta.url);
function peer(name: string): Peer | null {
  try {
    return require(name) as Peer;
  } catch {
    return null;
  }
}
const brain2 = peer('brain.js');
const brain1 = peer('brain.js-v1');

const XOR: BrainDatum[] = [
  { input: [0, 0], output: [0] },
  { input: [0, 1], output: [1] },
  { input: [1, 0], output: [1] },
  { input: [1, 1], output: [0] },
];
/** brain.js's README example: colours by name to a named class. */
const COLORS: BrainDatum[] = [
  { input: { r: 0.03, g: 0.7, b: 0.5 }, output: { black: 1 } },
  { input: { r: 0.16, g: 0.09, b: 0.2 }, output: { white: 1 } },
  { input: { r: 0.5, g: 0.5, b: 1.0 }, output: { white: 1 } },
  { input: { r: 0.9, g: 0.1 }, output: { black: 1 } },
];

/** A seeded 3-class data set: 3 inputs, one-hot targets by the largest input. */
function threeClasses(n: number, seed: number): BrainDatum[] {
  const rng = new Random(seed);
  return Array.from({ length: n }, () => {
    const input = [rng.uniform(), rng.uniform(), rng.uniform()];
    const k = input.indexOf(Math.max(...input));
    return { input, output: [0, 1, 2].map((j) => (j === k ? 1 : 0)) };
  });
}

/** A seeded network's initial JSON, so both libraries start from the same weights. */
function initialJSON(options: object, data: BrainDatum[]): BrainNetworkJSON {
  const net = new NeuralNetwork({ seed: 7, ...options });
  net.train(data, { iterations: 1 });
  const sizes = net.sizes;
  const fresh = new NeuralNetwork({ seed: 7, ...options, inputSize: sizes[0], outputSize: sizes[sizes.length - 1], hiddenLayers: sizes.slice(1, -1) });
  const json = fresh.toJSON();
  net.dispose();
  fresh.dispose();
  // Lookups as a trained network has them (the fresh one never saw the data).
  return { ...json, inputLookup: net.inputLookup && { ...net.inputLookup }, inputLookupLength: net.inputLookupLength, outputLookup: net.outputLookup && { ...net.outputLookup }, outputLookupLength: net.outputLookupLength };
}

const flat = (v: ArrayLike<number> | Record<string, number>): number[] => Array.from(ArrayBuffer.isView(v) || Array.isArray(v) ? (v as ArrayLike<number>) : Object.values(v));

function expectSameOutputs(ours: NeuralNetwork, theirs: PeerNetwork, data: BrainDatum[], tol: number): void {
  const a = data.flatMap((d) => flat(ours.run(d.input)));
  const b = data.flatMap((d) => flat(theirs.run(d.input)));
  expect(worstMismatch(a, b, tol)).toBeNull();
}

/** A deterministic Math.random for the code paths of both libraries that use it (CrossValidate's shuffle). */
function seededMathRandom(seed: number): void {
  const rng = new Random(seed);
  vi.spyOn(Math, 'random').mockImplementation(() => rng.uniform());
}

afterEach(() => vi.restoreAllMocks());

const CASES: Array<[string, object, BrainTrainOptions]> = [
  ['sigmoid, brain.js defaults', { hiddenLayers: [3] }, {}],
  ['tanh, momentum 0.5', { hiddenLayers: [4], activation: 'tanh' }, { momentum: 0.5, learningRate: 0.1 }],
  ['relu', { hiddenLayers: [4], activation: 'relu' }, { learningRate: 0.1 }],
  ['leaky-relu', { hiddenLayers: [4], activation: 'leaky-relu' }, { learningRate: 0.1 }],
  ['two hidden layers', { hiddenLayers: [4, 3] }, { learningRate: 0.5, momentum: 0.9 }],
  ['adam', { hiddenLayers: [3], praxis: 'adam' }, { learningRate: 0.05, beta1: 0.8, beta2: 0.99, epsilon: 1e-6 }],
];

describe.skipIf(!brain2)('backprop/brain against brain.js 2.0.0-beta.24', () => {
  const b2 = brain2!;
  describeRows(ONE_THREAD_ROWS)('training (%s)', (row) => {
    it.each(CASES)('%s: the same errors, iterations and outputs', (_name, netOptions, trainOptions) => {
      const init = initialJSON(netOptions, XOR);
      const ours = new NeuralNetwork({ backend: row.backend }).fromJSON(init);
      const theirs = new b2.NeuralNetwork().fromJSON(structuredClone(init));
      for (const iterations of [1, 40, 300]) {
        const a = ours.train(XOR, { ...trainOptions, iterations, errorThresh: 0.001 });
        const b = theirs.train(XOR, { ...trainOptions, iterations, errorThresh: 0.001 });
        expect(a.iterations).toBe(b.iterations);
        expect(Math.abs(a.error - b.error)).toBeLessThan(1e-5);
        expectSameOutputs(ours, theirs, XOR, 1e-4);
      }
      ours.dispose();
    });

    it('stops at errorThresh on the same iteration, logs and calls back on the same ones', () => {
      const init = initialJSON({ hiddenLayers: [3] }, XOR);
      const ours = new NeuralNetwork({ backend: row.backend }).fromJSON(init);
      const theirs = new b2.NeuralNetwork().fromJSON(structuredClone(init));
      const seen = { ours: [] as number[][], theirs: [] as number[][] };
      const options = (who: number[][]) => ({
        errorThresh: 0.02,
        learningRate: 0.6,
        momentum: 0.5,
        logPeriod: 70,
        log: (s: { iterations: number; error: number }) => who.push([s.iterations, s.error, 0]),
        callbackPeriod: 50,
        callback: (s: { iterations: number; error: number }) => who.push([s.iterations, s.error, 1]),
      });
      const a = ours.train(XOR, options(seen.ours));
      const b = theirs.train(XOR, options(seen.theirs));
      expect(a.error).toBeLessThanOrEqual(0.02);
      expect(a.iterations).toBe(b.iterations);
      expect(seen.ours.map(([i, , kind]) => [i, kind])).toEqual(seen.theirs.map(([i, , kind]) => [i, kind]));
      expect(worstMismatch(seen.ours.map((s) => s[1]), seen.theirs.map((s) => s[1]), 1e-5)).toBeNull();
      ours.dispose();
    });

    it('named inputs and outputs: the same lookups, outputs by name, likely', () => {
      const init = initialJSON({ hiddenLayers: [3] }, COLORS);
      const ours = new NeuralNetwork({ backend: row.backend }).fromJSON(init);
      const theirs = new b2.NeuralNetwork().fromJSON(structuredClone(init));
      ours.train(COLORS, { iterations: 200 });
      theirs.train(COLORS, { iterations: 200 });
      const fromScratch = new b2.NeuralNetwork({ hiddenLayers: [3] });
      fromScratch.train(COLORS, { iterations: 1 });
      expect(ours.inputLookup).toEqual((fromScratch.toJSON() as BrainNetworkJSON).inputLookup);
      expect(ours.outputLookup).toEqual((fromScratch.toJSON() as BrainNetworkJSON).outputLookup);
      const probe = { r: 0.2, b: 0.9 };
      expect(Object.keys(ours.run(probe))).toEqual(['black', 'white']);
      expect(worstMismatch(flat(ours.run(probe)), flat(theirs.run(probe)), 1e-5)).toBeNull();
      expect(likely(probe, ours)).toBe(b2.likely(probe, theirs));
      expect(worstMismatch(flat(ours.toFunction()(probe)), flat(theirs.toFunction()(probe)), 1e-5)).toBeNull();
      ours.dispose();
    });

    it('test(): the same error, misclassifications and confusion counts', () => {
      for (const [data, hidden] of [[XOR, [3]], [threeClasses(40, 3), [5]]] as const) {
        const init = initialJSON({ hiddenLayers: hidden }, data);
        const ours = new NeuralNetwork({ backend: row.backend }).fromJSON(init);
        const theirs = new b2.NeuralNetwork().fromJSON(structuredClone(init));
        ours.train(data, { iterations: 150 });
        theirs.train(data, { iterations: 150 });
        const a = ours.test(data) as unknown as Record<string, unknown>;
        const b = theirs.test(data);
        expect(Object.keys(a).sort()).toEqual(Object.keys(b).sort());
        expect(Math.abs((a.error as number) - (b.error as number))).toBeLessThan(1e-6);
        const misclass = (r: Record<string, unknown>) => (r.misclasses as Array<{ actual: number; expected: number; input: ArrayLike<number> }>).map((m) => [m.actual, m.expected, ...Array.from(m.input)]);
        expect(misclass(a)).toEqual(misclass(b));
        for (const key of ['total', 'truePos', 'trueNeg', 'falsePos', 'falseNeg', 'precision', 'recall', 'accuracy']) expect(a[key]).toEqual(b[key]);
        ours.dispose();
      }
    });
  });

  it('JSON: ours loads in brain.js and brain.js\'s loads here, both running the same', () => {
    const ours = new NeuralNetwork({ hiddenLayers: [4], activation: 'tanh', seed: 3 });
    ours.train(COLORS, { iterations: 50, learningRate: 0.2 });
    const text = JSON.stringify(ours.toJSON());
    const inBrain = new b2.NeuralNetwork().fromJSON(JSON.parse(text));
    expectSameOutputs(ours, inBrain, COLORS, 1e-6);
    expect(inBrain.toJSON()).toEqual(JSON.parse(text));

    const theirs = new b2.NeuralNetwork({ hiddenLayers: [3], activation: 'leaky-relu' });
    theirs.train(threeClasses(20, 5), { iterations: 30, praxis: 'adam' });
    const json = theirs.toJSON() as BrainNetworkJSON;
    const back = new NeuralNetwork().fromJSON(JSON.parse(JSON.stringify(json)));
    expectSameOutputs(back, theirs, threeClasses(20, 6), 1e-5);
    // brain.js also writes every constructor option into `options` (activation here); the rest is the same.
    const { options: _theirs, ...saved } = JSON.parse(JSON.stringify(json)) as BrainNetworkJSON;
    const { options: _ours, ...reloaded } = back.toJSON();
    expect(reloaded).toEqual(saved);
    ours.dispose();
    back.dispose();
  });

  it('CrossValidate: the same folds, errors, iterations and stats, and the best fold as a network', () => {
    const data = threeClasses(24, 9);
    const init = initialJSON({ hiddenLayers: [4] }, data);
    seededMathRandom(11);
    const ours = new CrossValidate(() => new NeuralNetwork().fromJSON(init));
    const a = ours.train(data.slice(), { iterations: 60 }, 3);
    seededMathRandom(11);
    const theirs = new b2.CrossValidate(() => new b2.NeuralNetwork().fromJSON(structuredClone(init)));
    const b = theirs.train(data.slice(), { iterations: 60 }, 3) as unknown as typeof a;
    expect(a.stats).toEqual(b.stats);
    expect(a.avgs.iterations).toBe(b.avgs.iterations);
    expect(Math.abs(a.avgs.error - b.avgs.error)).toBeLessThan(1e-6);
    expect(worstMismatch(a.sets.map((s) => s.error), b.sets.map((s) => s.error), 1e-5)).toBeNull();
    expect(a.sets.map((s) => s.misclasses.length)).toEqual(b.sets.map((s) => s.misclasses.length));
    expectSameOutputs(ours.toNeuralNetwork(), theirs.toNeuralNetwork(), data, 1e-4);
    // Saved and loaded again, it picks the same fold.
    const again = new CrossValidate(() => new NeuralNetwork());
    expect(again.fromJSON(JSON.parse(JSON.stringify(ours.toJSON()))).toJSON()).toEqual(ours.toNeuralNetwork().toJSON());
  });

  it('CrossValidate on one output: the confusion stats as brain.js sums them', () => {
    const data = Array.from({ length: 16 }, (_, i) => XOR[i % 4]);
    const init = initialJSON({ hiddenLayers: [3] }, data);
    seededMathRandom(5);
    const a = new CrossValidate(() => new NeuralNetwork().fromJSON(init)).train(data.slice(), { iterations: 100 });
    seededMathRandom(5);
    const b = new b2.CrossValidate(() => new b2.NeuralNetwork().fromJSON(structuredClone(init))).train(data.slice(), { iterations: 100 }) as unknown as typeof a;
    expect(a.stats).toEqual(b.stats);
    expect(a.stats.accuracy).toBeDefined();
  });
});

describe.skipIf(!brain1)('backprop/brain against brain.js 1.6.1', () => {
  const b1 = brain1!;
  it.each([
    ['numbered, sigmoid', threeClasses(12, 4), 'sigmoid'],
    ['named, sigmoid', COLORS, 'sigmoid'],
    ['numbered, tanh', threeClasses(12, 4), 'tanh'],
  ] as const)('its JSON (%s) loads and runs the same', (_name, data, activation) => {
    const theirs = new b1.NeuralNetwork({ hiddenLayers: [4], activation });
    theirs.train(data, { iterations: 40 });
    const ours = new NeuralNetwork().fromJSON(JSON.parse(JSON.stringify(theirs.toJSON())));
    expectSameOutputs(ours, theirs, data, 1e-5);
    expect(ours.trainOpts.activation).toBe(activation);
    ours.dispose();
  });

  it('CrossValidate takes 1.6.1\'s (Classifier, options) form', () => {
    const cv = new CrossValidate(NeuralNetwork, { hiddenLayers: [3], seed: 2 });
    const result = cv.train(threeClasses(12, 8), { iterations: 20 }, 3);
    expect(result.sets).toHaveLength(3);
    expect(result.stats.total).toBe(12);
    expect(cv.toNeuralNetwork().sizes).toEqual([3, 3, 3]);
  });
});
