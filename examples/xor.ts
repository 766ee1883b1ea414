// XOR, the problem a single unit cannot solve: a 2-4-1 network with a tanh hidden layer learns it.
// Run: npx tsx examples/xor.ts
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
