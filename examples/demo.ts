// `npm start`: the library's small demo on built-in data. It trains XOR on the backend the
// runtime supports best, then replays the office-hours 2-2-1 backprop step from the seed
// notes and prints the numbers a learner computes by hand.
import { Network } from '../src/index.js';

const XOR_X = [[0, 0], [0, 1], [1, 0], [1, 1]];
const XOR_Y = [[0], [1], [1], [0]];

const net = await Network.create({
  layers: [2, { units: 4, activation: 'tanh' }, { units: 1, activation: 'sigmoid' }],
  loss: 'quadratic',
  seed: 1,
});
console.log(`XOR, 2-4-1 network on the ${net.backend} backend (${net.kernel})`);
const started = performance.now();
await net.fit(XOR_X, XOR_Y, {
  epochs: 1500,
  batchSize: 4,
  learningRate: 0.5,
  optimizer: 'momentum',
  onEpochEnd: (epoch, { loss }) => {
    if ((epoch + 1) % 300 === 0) console.log(`  epoch ${String(epoch + 1).padStart(4)}  loss ${loss.toFixed(6)}`);
  },
});
const ms = performance.now() - started;
for (const x of XOR_X) console.log(`  ${x.join(' xor ')} → ${net.predict(x)[0].toFixed(4)}`);
const { loss, accuracy } = net.evaluate(XOR_X, XOR_Y);
console.log(`  final loss ${loss.toFixed(6)}, accuracy ${accuracy}, ${ms.toFixed(0)} ms`);

// Office hours (seeds/001): w1…w6 = 0.1…0.6, x = [0, 1], y = 1, α = 0.2, sigmoid, no bias.
// Hidden unit 1 has weights w1 (from x1) and w3 (from x2); unit 2 has w2 and w4; the output w5, w6.
const oh = await Network.create({ layers: [2, 2, 1], bias: false, loss: 'quadratic', seed: 1 });
oh.setWeights(0, [[0.1, 0.3], [0.2, 0.4]]);
oh.setWeights(1, [[0.5, 0.6]]);
const before = oh.predict([0, 1])[0];
const [g1, g2] = oh.gradients([[0, 1]], [[1]]);
oh.trainStep([[0, 1]], [[1]], { learningRate: 0.2 });
const after = oh.predict([0, 1])[0];
console.log('\nOffice-hours 2-2-1 example, one backprop step (α = 0.2):');
console.log(`  ŷ before ${before.toFixed(6)}`);
console.log(`  ∂E/∂w1…w4 = ${[g1.weights[0], g1.weights[2], g1.weights[1], g1.weights[3]].map((v) => v.toFixed(6)).join(', ')}`);
console.log(`  ∂E/∂w5, ∂E/∂w6 = ${Array.from(g2.weights, (v) => v.toFixed(6)).join(', ')}`);
const w = oh.getWeights(0).weights;
const v = oh.getWeights(1).weights;
console.log(`  new w1…w6 = ${[w[0], w[2], w[1], w[3], v[0], v[1]].map((x) => x.toFixed(6)).join(', ')}`);
console.log(`  ŷ after  ${after.toFixed(6)} (change ${(after - before).toFixed(6)})`);
