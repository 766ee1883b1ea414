// registerActivation: a TypeScript activation in Network.create layers. It runs on the JS
// backend (a Wasm request falls back or fails, saying why), trains with the same passes, and
// gradientCheck tells a right derivative from a wrong one.
import { describe, expect, it } from 'vitest';
import { Network, Random, registerActivation, gradientCheck, explain, wasmAvailable } from '../src/index.js';
import { worstMismatch } from './backends.js';

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
registerActivation('softplus', { forward: (z) => Math.log1p(Math.exp(z)), derivative: (z) => sigmoid(z) });
registerActivation('my-sigmoid', { forward: sigmoid, derivative: (_z, a) => a * (1 - a) });
// The office-hours notebook's mistake (seeds/001, In [14]): the sigmoid's derivative taken of the pre-activation.
registerActivation('notebook-sigmoid', { forward: sigmoid, derivative: (z) => z * (1 - z) });

function data(seed: number, rows: number, width: number): number[][] {
  const rng = new Random(seed);
  return Array.from({ length: rows }, () => Array.from({ length: width }, () => 2 * rng.uniform() - 1));
}

describe('registerActivation', () => {
  it('runs a custom activation on the JS backend; gradientCheck passes', async () => {
    const net = await Network.create({ layers: [3, { units: 4, activation: 'softplus' }, { units: 2, activation: 'sigmoid' }], seed: 3, backend: 'js' });
    expect(net.backend).toBe('js');
    expect(net.backendReason).toBeNull();
    const X = data(1, 5, 3);
    const Y = [[1, 0], [0, 1], [1, 1], [0, 0], [1, 0]];
    const r = gradientCheck(net, X, Y);
    expect(r.passed, JSON.stringify(r.worst)).toBe(true);
    expect(r.maxRelativeError).toBeLessThan(5e-3);
    const h = net.trace(X, Y).layers[0];
    expect(h.activation).toBe('softplus');
    expect(worstMismatch(h.a, h.z.map((z) => Math.log1p(Math.exp(z))), 1e-6)).toBeNull();
    expect(worstMismatch(h.derivative!, h.z.map(sigmoid), 1e-6)).toBeNull();
    const loss0 = net.evaluate(X, Y).loss;
    await net.fit(X, Y, { epochs: 50, batchSize: 5, learningRate: 0.5 });
    expect(net.evaluate(X, Y).loss).toBeLessThan(loss0);
  });

  it('flags a wrong derivative: the notebook\'s z(1 − z) of the pre-activation', async () => {
    const net = await Network.create({ layers: [3, { units: 4, activation: 'notebook-sigmoid' }, { units: 1, activation: 'sigmoid' }], seed: 3, backend: 'js' });
    const before = net.getParameters();
    const r = gradientCheck(net, data(2, 4, 3), [[1], [0], [1], [0]]);
    expect(r.passed).toBe(false);
    expect(r.maxRelativeError).toBeGreaterThan(0.1);
    expect(r.worst.layer).toBe(0);
    expect(net.getParameters()).toEqual(before);
  });

  it('a custom sigmoid gives the built-in sigmoid\'s numbers', async () => {
    const make = (activation: string) =>
      Network.create({ layers: [2, { units: 3, activation }, { units: 1, activation }], seed: 8, backend: 'js' });
    const custom = await make('my-sigmoid');
    const builtin = await make('sigmoid');
    const X = data(5, 3, 2);
    const Y = [[1], [0], [1]];
    const a = custom.gradients(X, Y);
    const b = builtin.gradients(X, Y);
    a.forEach((g, i) => expect(worstMismatch(g.weights, b[i].weights, 1e-6)).toBeNull());
    expect(worstMismatch(custom.predictBatch(X), builtin.predictBatch(X), 1e-6)).toBeNull();
  });

  it('backend auto falls back to JS and says why; an explicit wasm or threads is an error that says why', async () => {
    const layers = [2, { units: 2, activation: 'softplus' }, 1];
    const net = await Network.create({ layers, seed: 1 });
    expect(net.backend).toBe('js');
    expect(net.backendReason).toMatch(/layers\[1\] uses the custom activation 'softplus', which runs only on the JS backend/);
    // Bad calls, so TypeErrors (toThrow with an instance checks the class too), as the README promises.
    const why = "layers[1] uses the custom activation 'softplus', which runs only on the JS backend";
    await expect(Network.create({ layers, backend: 'wasm' })).rejects.toThrow(
      new TypeError(`Network.create: backend 'wasm': ${why}; use backend 'js' or 'auto'`),
    );
    await expect(Network.create({ layers, threads: 2 })).rejects.toThrow(
      new TypeError(`Network.create: threads: ${why}, and threads need the wasm backend`),
    );
    const plain = await Network.create({ layers: [2, 2, 1], seed: 1 });
    expect(plain.backend).toBe(wasmAvailable() ? 'wasm' : 'js');
    expect(plain.backendReason).toBe(wasmAvailable() ? null : 'this runtime does not support WebAssembly SIMD');
    // Saved and loaded: the name is stored, the function found again in the registry.
    const copy = Network.fromJSON(net.toJSON());
    expect(copy.backend).toBe('js');
    expect(copy.backendReason).toMatch(/custom activation 'softplus'/);
    expect(Array.from(copy.predict([0.3, -0.2]))).toEqual(Array.from(net.predict([0.3, -0.2])));
    expect(() => Network.fromJSON(net.toJSON(), { backend: 'wasm' })).toThrow(
      new TypeError(`Network.fromJSON: backend 'wasm': ${why}; use backend 'js' or 'auto'`),
    );
  });

  it('explain writes the custom activation and its derivative by name', async () => {
    const net = await Network.create({ layers: [1, { units: 1, activation: 'softplus' }, 1], bias: false, seed: 1, backend: 'js' });
    const text = explain(net.trace([0.5], [1]));
    expect(text).toMatch(/a1 = softplus\(z1\) = /);
    expect(text).toMatch(/∂a1\/∂z1 = softplus'\(z1\) = /);
  });

  it('rejects bad registrations', () => {
    expect(() => registerActivation('sigmoid', { forward: sigmoid, derivative: () => 1 })).toThrow(/registerActivation: name: 'sigmoid' is a built-in activation/);
    expect(() => registerActivation('', { forward: sigmoid, derivative: () => 1 })).toThrow(/registerActivation: name: expected a name/);
    expect(() => registerActivation('x', { forward: sigmoid } as never)).toThrow(/registerActivation: derivative: expected a function, got undefined/);
    expect(() => registerActivation('x', { forward: sigmoid, derivative: () => 1, slope: 1 } as never)).toThrow(/unknown option "slope"/);
  });

  it('an unregistered name is still an unknown activation', async () => {
    await expect(Network.create({ layers: [2, { units: 1, activation: 'gelu' }] })).rejects.toThrow(
      /layers\[1\].activation: expected one of 'sigmoid', .*'softplus'.*, got the string "gelu" \(a custom activation needs registerActivation first\)/,
    );
  });
});
