// Centred finite differences against gradients() for every activation × loss pair that
// makes sense, on every backend row. The network computes in float32, so the check perturbs a
// float64 copy of the parameters, evaluates the loss through the network itself (evaluate),
// and uses a step large enough for float32 round-off (ε = 1e-2 with a second-order-accurate
// centred difference on smooth functions).
import { expect, it } from 'vitest';
import { Random, type ActivationName, type LossName } from '../src/index.js';
import { ROWS, describeRows, type Row } from './backends.js';

const HIDDEN: ActivationName[] = ['sigmoid', 'tanh', 'relu', 'leaky-relu', 'identity'];
const PAIRS: Array<{ output: ActivationName; loss: LossName; outputs: number }> = [
  ...(['sigmoid', 'tanh', 'identity', 'relu', 'leaky-relu', 'softmax'] as ActivationName[]).flatMap((output) =>
    (['quadratic', 'mse'] as LossName[]).map((loss) => ({ output, loss, outputs: 3 })),
  ),
  { output: 'sigmoid', loss: 'binary-cross-entropy', outputs: 2 },
  { output: 'softmax', loss: 'categorical-cross-entropy', outputs: 3 },
];

function data(rng: Random, rows: number, width: number, oneHot: boolean): number[][] {
  return Array.from({ length: rows }, () => {
    if (!oneHot) return Array.from({ length: width }, () => rng.uniform());
    const row = new Array(width).fill(0);
    row[rng.below(width)] = 1;
    return row;
  });
}

/** Largest relative error of the analytic gradient against centred differences. */
async function worstRelativeError(row: Row, hidden: ActivationName, output: ActivationName, loss: LossName, outputs: number) {
  const net = await row.create({
    layers: [4, { units: 5, activation: hidden }, { units: outputs, activation: output }],
    loss,
    seed: 7,
  });
  const rng = new Random(11);
  const X = data(rng, 3, 4, false).map((r) => r.map((v) => 2 * v - 1));
  const Y = data(rng, 3, outputs, loss !== 'quadratic' && loss !== 'mse' ? output === 'softmax' : false);
  const analytic = net.gradients(X, Y);
  const eps = 1e-2;
  let worst = 0;
  let where = '';
  for (let layer = 0; layer < net.layerCount; layer++) {
    const { weights, bias } = net.getWeights(layer);
    const params: Array<['weights' | 'bias', Float32Array]> = [['weights', weights]];
    if (bias) params.push(['bias', bias]);
    for (const [kind, values] of params) {
      for (let i = 0; i < values.length; i++) {
        const original = values[i];
        const lossAt = (v: number) => {
          values[i] = v;
          kind === 'weights' ? net.setWeights(layer, weights) : net.setWeights(layer, weights, bias!);
          return net.evaluate(X, Y).loss;
        };
        const numeric = (lossAt(original + eps) - lossAt(original - eps)) / (2 * eps);
        lossAt(original);
        const a = analytic[layer][kind]![i];
        const err = Math.abs(a - numeric) / Math.max(1e-3, Math.abs(a) + Math.abs(numeric));
        if (err > worst) {
          worst = err;
          where = `layer ${layer} ${kind}[${i}]: analytic ${a}, numeric ${numeric}`;
        }
      }
    }
  }
  net.dispose();
  return { worst, where };
}

describeRows(ROWS)('gradient check (%s)', (row) => {
  for (const hidden of HIDDEN) {
    for (const { output, loss, outputs } of PAIRS) {
      it(`${hidden} hidden, ${output} output, ${loss} loss`, async () => {
        const { worst, where } = await worstRelativeError(row, hidden, output, loss, outputs);
        // float32 forward passes and ε = 1e-2 bound the agreement at about 1e-3 relative; relu's kink
        // at z = 0 makes a centred difference that straddles it less exact, hence its looser bound.
        expect(worst, where).toBeLessThan(hidden === 'relu' || hidden === 'leaky-relu' || output === 'relu' || output === 'leaky-relu' ? 2e-2 : 5e-3);
      });
    }
  }
});
