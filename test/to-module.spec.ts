// net.toModule(): the standalone module, imported as ES module and as CommonJS, predicts what the
// network predicts on the JS backend bit for bit, for every activation and output/loss pairing,
// on batch sizes that take every path of the JS kernels (whole groups of four rows, the rest;
// units in fours, the rest; inputs in pairs, an odd one).
import { describe, expect, it } from 'vitest';
import { bits, codeBytes, loadModule } from './to-module-helpers.js';
import { Network, Random, registerActivation, type NetworkOptions } from '../src/index.js';

const CASES: Array<[string, NetworkOptions]> = [
  ['sigmoid hidden, sigmoid output, binary-cross-entropy', { layers: [7, { units: 9, activation: 'sigmoid' }, { units: 1, activation: 'sigmoid' }], loss: 'binary-cross-entropy' }],
  ['tanh hidden, softmax output, categorical-cross-entropy', { layers: [5, { units: 8, activation: 'tanh' }, { units: 3, activation: 'softmax' }], loss: 'categorical-cross-entropy' }],
  ['relu hidden, identity output, mse', { layers: [6, { units: 13, activation: 'relu' }, { units: 5, activation: 'relu' }, { units: 2, activation: 'identity' }], loss: 'mse' }],
  ['leaky-relu hidden, tanh output, quadratic', { layers: [3, { units: 4, activation: 'leaky-relu' }, { units: 2, activation: 'tanh' }], loss: 'quadratic' }],
  ['identity hidden, sigmoid output without bias', { layers: [9, { units: 5, activation: 'identity' }, { units: 6, activation: 'sigmoid' }], loss: 'quadratic', bias: false }],
  ['no hidden layer, softmax output', { layers: [4, { units: 10, activation: 'softmax' }], loss: 'categorical-cross-entropy' }],
];

describe('net.toModule', () => {
  describe.each(CASES)('%s', (_name, options) => {
    it.each(['esm', 'cjs'] as const)('as %s: predict and predictBatch equal the JS backend bit for bit', async (format) => {
      const net = await Network.create({ ...options, seed: 11, backend: 'js' });
      // A few steps so the weights are trained ones, not only the initial draw.
      const rng = new Random(5);
      const x = Array.from({ length: 17 * net.inputs }, () => rng.normal() * 2);
      const y = Array.from({ length: 17 * net.outputs }, (_, i) => (i % net.outputs === 0 ? 1 : 0));
      await net.fit(x, y, { epochs: 3, batchSize: 4, learningRate: 0.1 });
      const source = net.toModule({ format });
      expect(codeBytes(source)).toBeLessThanOrEqual(2048);
      const m = await loadModule(source, format);
      for (const rows of [1, 3, 4, 5, 17]) {
        const batch = x.slice(0, rows * net.inputs);
        expect(bits(m.predictBatch(batch)), `${rows} rows`).toEqual(bits(net.predictBatch(batch)));
      }
      for (let r = 0; r < 5; r++) {
        const one = x.slice(r * net.inputs, (r + 1) * net.inputs);
        expect(bits(m.predict(one))).toEqual(bits(net.predict(one)));
      }
      const rows = [x.slice(0, net.inputs), x.slice(net.inputs, 2 * net.inputs)];
      expect(bits(m.predictBatch(rows))).toEqual(bits(net.predictBatch(rows)));
      net.dispose();
    });
  });

  it('a module with a wrong input width says what it expected', async () => {
    const net = await Network.create({ layers: [3, 2], seed: 1, backend: 'js' });
    const m = await loadModule(net.toModule(), 'esm');
    expect(() => m.predict([1, 2])).toThrow('predict: expected 3 inputs, got 2');
    expect(() => m.predictBatch([1, 2, 3, 4])).toThrow('predictBatch: 4 numbers are not whole rows of 3');
    expect(() => m.predictBatch([[1, 2, 3], [4, 5]])).toThrow('predictBatch: row 1 has 2 inputs, expected 3');
    net.dispose();
  });

  it('refuses a bad format and a registered activation, naming them', async () => {
    const net = await Network.create({ layers: [3, 2], seed: 1, backend: 'js' });
    expect(() => net.toModule({ format: 'umd' as 'esm' })).toThrow(/^toModule: format: /);
    expect(() => net.toModule({ minify: true } as object)).toThrow(/unknown option "minify"/);
    net.dispose();
    registerActivation('module-softsign', { forward: (z) => z / (1 + Math.abs(z)), derivative: (z) => 1 / (1 + Math.abs(z)) ** 2 });
    const custom = await Network.create({ layers: [3, { units: 2, activation: 'module-softsign' }], seed: 1, backend: 'js' });
    expect(() => custom.toModule()).toThrow('toModule: the activation "module-softsign" was registered in code');
    custom.dispose();
  });
});
