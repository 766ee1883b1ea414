// registerLoss: a TypeScript loss as Network.create's `loss`. It runs on the JS backend (a Wasm
// request falls back or fails, saying why), trains with the same passes, and gradientCheck
// tells a right derivative from a wrong one.
import { describe, expect, it } from 'vitest';
import { Network, Random, registerLoss, gradientCheck, explain, wasmAvailable } from '../src/index.js';
import { toTfjs } from '../src/exchange/index.js';
import { worstMismatch } from './backends.js';

registerLoss('my-quadratic', { value: (a, y) => 0.5 * (a - y) ** 2, derivative: (a, y) => a - y });
// log-cosh: quadratic near the target, linear far from it (robust to outliers); d/da = tanh(a − y).
registerLoss('log-cosh', { value: (a, y) => Math.log(Math.cosh(a - y)), derivative: (a, y) => Math.tanh(a - y) });
// A derivative that forgot the factor 2 of (a − y)²: gradientCheck must flag it.
registerLoss('half-wrong', { value: (a, y) => (a - y) ** 2, derivative: (a, y) => a - y });

function data(seed: number, rows: number, width: number): number[][] {
  const rng = new Random(seed);
  return Array.from({ length: rows }, () => Array.from({ length: width }, () => 2 * rng.uniform() - 1));
}

const X = data(1, 6, 3);
const Y = data(2, 6, 2).map((r) => r.map((v) => (v + 1) / 2));

describe('registerLoss', () => {
  it("a custom ½(a − y)² gives the built-in quadratic loss's numbers", async () => {
    const make = (loss: string) => Network.create({ layers: [3, 4, 2], loss, seed: 8, backend: 'js' });
    const custom = await make('my-quadratic');
    const builtin = await make('quadratic');
    expect(custom.evaluate(X, Y).loss).toBeCloseTo(builtin.evaluate(X, Y).loss, 6);
    const a = custom.gradients(X, Y);
    const b = builtin.gradients(X, Y);
    a.forEach((g, i) => {
      expect(worstMismatch(g.weights, b[i].weights, 1e-6)).toBeNull();
      expect(worstMismatch(g.bias!, b[i].bias!, 1e-6)).toBeNull();
    });
    const lossA = custom.trainStep(X, Y, { learningRate: 0.5 });
    const lossB = builtin.trainStep(X, Y, { learningRate: 0.5 });
    expect(lossA).toBeCloseTo(lossB, 6);
    expect(worstMismatch(custom.predictBatch(X), builtin.predictBatch(X), 1e-6)).toBeNull();
  });

  it('log-cosh passes gradientCheck, records its dE/da in the trace and trains', async () => {
    const net = await Network.create({ layers: [3, { units: 4, activation: 'tanh' }, { units: 2, activation: 'identity' }], loss: 'log-cosh', seed: 3, backend: 'js' });
    const r = gradientCheck(net, X, Y);
    expect(r.passed, JSON.stringify(r.worst)).toBe(true);
    const t = net.trace(X, Y);
    const out = t.layers[1];
    expect(worstMismatch(out.dEda!, out.a.map((a, e) => Math.tanh(a - t.target[e])), 1e-6)).toBeNull();
    // identity output: δ = dE/da · 1
    expect(worstMismatch(out.delta, out.dEda!, 1e-6)).toBeNull();
    const expected = out.a.reduce((s, a, e) => s + Math.log(Math.cosh(a - t.target[e])), 0) / X.length;
    expect(t.loss).toBeCloseTo(expected, 6);
    const before = net.evaluate(X, Y).loss;
    await net.fit(X, Y, { epochs: 100, batchSize: 6, learningRate: 0.2 });
    expect(net.evaluate(X, Y).loss).toBeLessThan(before / 2);
    expect(explain(t)).toMatch(/log-cosh loss/);
  });

  it('flags a derivative that lost its factor 2', async () => {
    const net = await Network.create({ layers: [3, 4, 2], loss: 'half-wrong', seed: 3, backend: 'js' });
    const before = net.getParameters();
    const r = gradientCheck(net, X, Y);
    expect(r.passed).toBe(false);
    // Every backprop gradient is half the true one: relative error (|g − 2g| / |2g|) of one half.
    expect(r.maxRelativeError).toBeGreaterThan(0.3);
    expect(net.getParameters()).toEqual(before);
  });

  it('backend auto falls back to JS and says why; an explicit wasm is an error; it saves and loads by name', async () => {
    const net = await Network.create({ layers: [3, 2], loss: 'log-cosh', seed: 1 });
    expect(net.backend).toBe('js');
    expect(net.backendReason).toBe("the custom loss 'log-cosh' runs only on the JS backend");
    await expect(Network.create({ layers: [3, 2], loss: 'log-cosh', backend: 'wasm' })).rejects.toThrow(
      new TypeError("Network.create: backend 'wasm': the custom loss 'log-cosh' runs only on the JS backend; use backend 'js' or 'auto'"),
    );
    const copy = Network.fromJSON(net.toJSON());
    expect(copy.spec.loss).toBe('log-cosh');
    expect(copy.evaluate(X, Y).loss).toBe(net.evaluate(X, Y).loss);
    // TF.js has no such loss: the weights export, a training config cannot.
    expect(toTfjs(net).userDefinedMetadata.backprop.loss).toBe('log-cosh');
    expect(() => toTfjs(net, { training: { learningRate: 0.1 } })).toThrow(/toTfjs: training: the custom loss 'log-cosh' has no TensorFlow.js equivalent/);
    const plain = await Network.create({ layers: [3, 2], seed: 1 });
    expect(plain.backend).toBe(wasmAvailable() ? 'wasm' : 'js');
  });

  it('rejects bad registrations, unknown names and a softmax output', async () => {
    expect(() => registerLoss('mse', { value: () => 0, derivative: () => 0 })).toThrow(/registerLoss: name: 'mse' is a built-in loss/);
    expect(() => registerLoss('9x', { value: () => 0, derivative: () => 0 })).toThrow(/registerLoss: name: expected a name/);
    expect(() => registerLoss('x', { value: () => 0 } as never)).toThrow(/registerLoss: derivative: expected a function, got undefined/);
    expect(() => registerLoss('x', { value: () => 0, derivative: () => 0, fused: 1 } as never)).toThrow(/unknown option "fused"/);
    await expect(Network.create({ layers: [2, 1], loss: 'huber' })).rejects.toThrow(
      /loss: expected one of 'quadratic', .*'log-cosh'.*, got the string "huber" \(a custom loss needs registerLoss first\)/,
    );
    await expect(Network.create({ layers: [2, { units: 3, activation: 'softmax' }], loss: 'log-cosh' })).rejects.toThrow(
      /loss 'log-cosh' is elementwise and cannot train a softmax output/,
    );
  });
});
