// gradientCheck, the public tool (test/gradient-check.spec.ts checks the library's gradients with
// its own loop): centred differences through evaluate, weights restored bit for bit afterwards.
import { expect, it } from 'vitest';
import { Random, gradientCheck } from '../src/index.js';
import { ROWS, describeRows } from './backends.js';
import { sigmoidNet, officeHoursWeights } from './seed-networks.js';

function batch(rng: Random, rows: number, width: number): number[][] {
  return Array.from({ length: rows }, () => Array.from({ length: width }, () => 2 * rng.uniform() - 1));
}

describeRows(ROWS)('gradientCheck (%s)', (row) => {
  it('passes on a real network and restores every parameter exactly', async () => {
    const net = await row.create({ layers: [3, { units: 4, activation: 'tanh' }, { units: 2, activation: 'sigmoid' }], seed: 2 });
    const rng = new Random(4);
    const X = batch(rng, 4, 3);
    const Y = [[1, 0], [0, 1], [1, 1], [0, 0]];
    const before = net.getParameters();
    const r = gradientCheck(net, X, Y);
    expect(r.passed, JSON.stringify(r.worst)).toBe(true);
    expect(r.maxRelativeError).toBeLessThan(5e-3);
    expect(r.checked).toBe(net.parameterCount);
    expect(r.epsilon).toBe(1e-2);
    expect(['weights', 'bias']).toContain(r.worst.kind);
    expect(net.getParameters()).toEqual(before);
  });

  it('office hours 2-2-1: the analytic numbers agree with the differences', async () => {
    const net = await sigmoidNet(row, [2, 2, 1], officeHoursWeights());
    const r = gradientCheck(net, [[0, 1]], [[1]], { epsilon: 1e-2 });
    expect(r.passed).toBe(true);
    expect(r.checked).toBe(6);
  });

  it('validates its arguments and leaves the weights alone when it throws', async () => {
    const net = await row.create({ layers: [2, 1], seed: 1 });
    const before = net.getParameters();
    expect(() => gradientCheck(net, [[1, 2]], [[1]], { epsilon: 0 })).toThrow(/gradientCheck: epsilon: expected a finite number > 0, got number 0/);
    expect(() => gradientCheck(net, [[1, 2]], [[1]], { eps: 1 } as never)).toThrow(/gradientCheck: options: unknown option "eps"/);
    expect(() => gradientCheck(net, [[1, 2, 3]], [[1]])).toThrow(/gradients: inputs: expected 2 values per row, got 3 in row 0/);
    expect(() => gradientCheck({} as never, [[1, 2]], [[1]])).toThrow(/gradientCheck: net: expected a Network/);
    expect(net.getParameters()).toEqual(before);
    net.dispose();
    expect(() => gradientCheck(net, [[1, 2]], [[1]])).toThrow(/disposed/);
  });
});
