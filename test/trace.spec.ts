// net.trace on the seed notes' worked examples: every recorded number against the float64
// references of test/worked-examples.spec.ts (and docs/seed-errata.md), on every backend row; each
// Wasm row's trace against JS's; and the trace leaving the network as it was.
import { expect, it } from 'vitest';
import { Random, type Trace } from '../src/index.js';
import { JS, ROWS, WASM_ROWS, describeRows, worstMismatch, type Row } from './backends.js';
import { expectClose, sigmoidNet, singleUnitWeights, udacity211Weights, officeHoursWeights, officeHoursOrder } from './seed-networks.js';

describeRows(ROWS)('net.trace on the worked examples (%s)', (row) => {
  // seeds/001 office hours 2-2-1: w1..w6 = 0.1..0.6, x = [0, 1], y = 1, α = 0.2, no bias.
  it('office hours 2-2-1: every layer\'s z, a, dE/da, f\'(z), δ, gradients, Wᵀδ and the stepped weights', async () => {
    const net = await sigmoidNet(row, [2, 2, 1], officeHoursWeights());
    const t = net.trace([0, 1], [1], { learningRate: 0.2 });
    expect(t.batch).toBe(1);
    expect(t.layers.map((l) => [l.inputs, l.units, l.activation])).toEqual([[2, 2, 'sigmoid'], [2, 1, 'sigmoid']]);
    const [h, o] = t.layers;
    expectClose(h.input, [0, 1], 'x');
    expectClose(h.z, [0.3, 0.4], '[a1, a2] (pre-activations)');
    expectClose(h.a, [0.574442516811659, 0.598687660112452], '[z1, z2]');
    expectClose(o.input, Array.from(h.a), 'output layer input = hidden activations');
    expectClose(o.a, [0.6562063905634363], 'ŷ');
    expectClose(t.output, [0.6562063905634363], 'trace.output');
    expectClose(t.loss, 0.05909702294471024, '½(y − ŷ)²');
    expectClose(o.dEda!, [-0.3437936094365637], 'dE/dŷ = ŷ − y');
    expectClose(o.derivative!, [0.6562063905634363 * (1 - 0.6562063905634363)], 'ŷ(1 − ŷ)');
    expectClose(o.delta, [-0.07755968823918577], 'dE/da3');
    expectClose(o.propagated, [0.5 * -0.07755968823918577, 0.6 * -0.07755968823918577], '[dE/dz1, dE/dz2] = W·δ');
    expectClose(h.dEda!, Array.from(o.propagated), 'hidden dE/da is what the output sent');
    expectClose(h.derivative!, [0.24445831169074586, 0.24026074574152914], 'z(1 − z), not a(1 − a)');
    expectClose(h.delta, [-0.009480055221105977, -0.011180729121496367], '[dE/da1, dE/da2]');
    expectClose(
      officeHoursOrder(h.gradWeights, o.gradWeights),
      [0, 0, -0.009480055221105977, -0.011180729121496367, -0.04455358251524551, -0.04643402827096939],
      'dE/dw1..dE/dw6',
    );
    expect(h.gradBias).toBeNull();
    expect(h.bias).toBeNull();
    expectClose(
      officeHoursOrder(h.updatedWeights!, o.updatedWeights!),
      [0.1, 0.2, 0.3018960110442212, 0.4022361458242993, 0.5089107165030491, 0.6092868056541939],
      'w1..w6 after the step',
    );
    expectClose(h.propagated, [0.1 * -0.009480055221105977 + 0.2 * -0.011180729121496367, 0.3 * -0.009480055221105977 + 0.4 * -0.011180729121496367], 'dE/dx', 0.01);
  });

  it('single sigmoid unit (seeds/003 "Gradient Descent[Single Unit]: The Code")', async () => {
    const net = await sigmoidNet(row, [2, 1], singleUnitWeights());
    const t = net.trace([0.1, 0.3], [0.2], { learningRate: 0.5 });
    const [l] = t.layers;
    expectClose(l.z, [0.07], 'h', 0.15);
    expectClose(l.a, [0.5174928576663897], 'ŷ');
    expectClose(l.delta, [0.07927606158013764], 'dE/dh = −error_term');
    expectClose(l.gradWeights, [0.007927606158013764, 0.023782818474041293], 'dE/dw');
    expectClose(t.loss, 0.05040085733458521, 'E');
    expectClose(l.updatedWeights!, [-0.803963803079007, 0.48810859076297936], 'weights after the step');
  });

  it('2-1-1 (seeds/003 "Backpropagation: Working through an example")', async () => {
    const net = await sigmoidNet(row, [2, 1, 1], udacity211Weights());
    const t = net.trace([[0.1, 0.3]], [[1]], { learningRate: 0.5 });
    const [h, o] = t.layers;
    expectClose(h.z, [-0.01999999999999999], 'h', 0.06);
    expectClose(h.a, [0.4950001666600003], 'a');
    expectClose(o.a, [0.512372477962617], 'ŷ');
    expectClose(o.delta, [-0.1218322353606694], 'dE/dz = −δᵒ');
    expectClose(h.delta, [-0.003045501323732555], 'dE/dh = −δʰ');
    expectClose(h.gradWeights, [-0.00030455013237325553, -0.0009136503971197664], 'dE/dw');
    expectClose(o.gradWeights, [-0.06030697680809173], 'dE/dW');
    expectClose(t.loss, 0.11889030012415923, 'E');
    expectClose(h.updatedWeights!, [0.40015227506618667, -0.19954317480144013], 'w after the step');
    expectClose(o.updatedWeights!, [0.13015348840404586], 'W after the step');
  });

  // seeds/004 "Key Ideas": the minibatch gradient is the mean over its samples, biases too.
  it('a batch: gradients and loss are the means net.gradients and trainStep use', async () => {
    const net = await sigmoidNet(row, [2, 2, 1], officeHoursWeights(), { bias: true });
    net.setWeights(0, officeHoursWeights()[0], [0.05, 0.1]);
    net.setWeights(1, officeHoursWeights()[1], [0.1]);
    const X = [[0, 1], [1, 0], [0.5, -0.5]];
    const Y = [[1], [0], [0.3]];
    const t = net.trace(X, Y, { learningRate: 0.5 });
    expect(t.batch).toBe(3);
    expect(t.layers[0].delta.length).toBe(6);
    expect(t.layers[0].propagated.length).toBe(6);
    expectClose(t.layers[0].gradWeights, [0.00780908617644617, -0.004447955555993554, 0.00924948687329787, -0.005235849141288935], 'mean dE/dW¹', 0.01);
    expectClose(t.layers[0].gradBias!, [0.006704480186271153, 0.008028165245607448], 'mean dE/db¹', 0.01);
    expectClose(t.layers[1].gradBias!, [0.053242102667866394], 'mean dE/db²', 0.2);
    expectClose(t.loss, 0.11291521735258547, 'batch loss');
    expectClose(t.layers[0].updatedBias!, [0.04664775990686443, 0.09598591737719628], 'b¹ after the step');
    expectClose(t.layers[1].updatedWeights!, [0.486924302562476, 0.586253638315198], 'W² after the step');
    const g = net.gradients(X, Y);
    t.layers.forEach((l, i) => {
      expect(Array.from(l.gradWeights)).toEqual(Array.from(g[i].weights));
      expect(Array.from(l.gradBias!)).toEqual(Array.from(g[i].bias!));
    });
  });

  it('cross-entropy fused with a sigmoid output: δ = ŷ − y, no dE/da or f\'(z) recorded at the output', async () => {
    const net = await sigmoidNet(row, [2, 2, 1], officeHoursWeights(), { loss: 'binary-cross-entropy', bias: true });
    const t = net.trace([0, 1], [1]);
    expect(t.fused).toBe(true);
    expect(t.layers[1].dEda).toBeNull();
    expect(t.layers[1].derivative).toBeNull();
    expectClose(t.layers[1].delta, [-0.3437936094365637], 'δ = ŷ − y');
    expectClose(t.loss, 0.42127991975913076, '−ln ŷ');
    expect(t.learningRate).toBeNull();
    expect(t.layers[0].updatedWeights).toBeNull();
  });

  it('leaves the network as it was: parameters, and what trainStep then does', async () => {
    const net = await row.create({ layers: [3, { units: 4, activation: 'tanh' }, { units: 2, activation: 'sigmoid' }], seed: 5 });
    const before = net.getParameters();
    const X = [[0.1, -0.2, 0.3], [0.5, 0.4, -0.1]];
    const Y = [[1, 0], [0, 1]];
    const t = net.trace(X, Y, { learningRate: 0.3 });
    expect(net.getParameters()).toEqual(before);
    // The recorded step is the step trainStep takes.
    net.trainStep(X, Y, { learningRate: 0.3 });
    t.layers.forEach((l, i) => {
      const w = net.getWeights(i);
      expect(worstMismatch(l.updatedWeights!, w.weights, 1e-6)).toBeNull();
      expect(worstMismatch(l.updatedBias!, w.bias!, 1e-6)).toBeNull();
    });
    // Copies: changing them changes nothing in the network.
    t.layers[0].weights.fill(9);
    expect(net.getWeights(0).weights[0]).not.toBe(9);
  });

  it('validates its arguments like the rest of the API', async () => {
    const net = await row.create({ layers: [2, 1], seed: 1 });
    expect(() => net.trace([1, 2, 3], [1])).toThrow(/trace: inputs: expected a multiple of 2 values/);
    expect(() => net.trace([[1, 2]], [[1], [0]])).toThrow(/trace: expected as many target rows as input rows/);
    expect(() => net.trace([[1, NaN]], [[1]])).toThrow(/trace: inputs: row 0, column 1 is NaN/);
    expect(() => net.trace([[1, 2]], [[1]], { learningRate: -1 })).toThrow(/trace: learningRate: expected a finite number ≥ 0, got number -1/);
    expect(() => net.trace([[1, 2]], [[1]], { lr: 1 } as never)).toThrow(/trace: options: unknown option "lr"; known options are learningRate/);
    net.dispose();
    expect(() => net.trace([[1, 2]], [[1]])).toThrow(/trace: this network has been disposed/);
  });
});

describeRows(WASM_ROWS)('net.trace agrees with js (%s)', (row) => {
  it('a 4-5-3-2 net with biases on a batch of 5: every array within 1e-6', async () => {
    const make = (on: Row) =>
      on.create({
        layers: [4, { units: 5, activation: 'tanh' }, { units: 3, activation: 'sigmoid' }, { units: 2, activation: 'softmax' }],
        loss: 'categorical-cross-entropy',
        seed: 3,
      });
    const rng = new Random(9);
    const X = Array.from({ length: 5 }, () => Array.from({ length: 4 }, () => 2 * rng.uniform() - 1));
    const Y = Array.from({ length: 5 }, (_, r) => (r % 2 ? [1, 0] : [0, 1]));
    const traces: Trace[] = [];
    for (const on of [JS, row]) {
      const net = await make(on);
      expect(net.backend).toBe(on.backend);
      traces.push(net.trace(X, Y, { learningRate: 0.1 }));
    }
    const [js, wasm] = traces;
    expect(Math.abs(js.loss - wasm.loss)).toBeLessThanOrEqual(1e-6 * Math.max(1, js.loss));
    const keys = ['input', 'weights', 'bias', 'z', 'a', 'dEda', 'derivative', 'delta', 'gradWeights', 'gradBias', 'propagated', 'updatedWeights', 'updatedBias'] as const;
    js.layers.forEach((l, i) => {
      for (const key of keys) {
        const a = l[key];
        const b = wasm.layers[i][key];
        if (a === null || b === null) {
          expect(b, `layer ${i} ${key}`).toBe(a);
          continue;
        }
        expect(worstMismatch(a, b, 1e-6), `layer ${i} ${key}`).toBeNull();
      }
    });
  });
});
