// Trains the small digit classifier the demo page's draw-a-digit canvas uses and writes it to
// demo/mnist-model.json: { about, network } where network is Network.toJSON() (float32 weights
// in base64), loaded in the page by Network.fromJSON. 784-32-10 keeps the file near 130 KB.
// The first 8,000 built-in digits train, the last 2,000 test. Shifts of up to 2 pixels each
// epoch help with drawn digits, which are never centred as exactly as MNIST's.
// Run: npm run demo:mnist-model (then commit demo/mnist-model.json)
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Network, Random, loadMnist, shiftImages, accuracy } from '../src/index.js';

const TRAIN = 8000;
const HIDDEN = 32;
const EPOCHS = 20;
const SEED = 1;
const out = fileURLToPath(new URL('../demo/mnist-model.json', import.meta.url));

const digits = await loadMnist();
const pixels = digits.rows * digits.cols;
const train = { x: digits.images.subarray(0, TRAIN * pixels), y: digits.targets.subarray(0, TRAIN * 10) };
const test = { x: digits.images.subarray(TRAIN * pixels), y: digits.targets.subarray(TRAIN * 10) };

const net = await Network.create({
  layers: [pixels, { units: HIDDEN, activation: 'relu' }, { units: 10, activation: 'softmax' }],
  loss: 'categorical-cross-entropy',
  init: 'he',
  seed: SEED,
});
const shifts = new Random(SEED + 1);
let learningRate = 0.05;
for (let epoch = 0; epoch < EPOCHS; epoch++) {
  const x = shiftImages(train.x, digits.rows, digits.cols, { random: shifts, max: 2 });
  const history = await net.fit(x, train.y, { epochs: 1, batchSize: 32, learningRate, optimizer: 'momentum', momentum: 0.9 });
  learningRate *= 0.9;
  if ((epoch + 1) % 5 === 0) console.log(`epoch ${epoch + 1}: training loss ${history.loss[0].toFixed(4)}`);
}
const testAccuracy = accuracy(net.predictBatch(test.x), test.y, 10);
const about = {
  trainedBy: 'scripts/train-demo-mnist.ts',
  data: `the first ${TRAIN} of the ${digits.count} built-in MNIST digits (data/mnist), shifted up to 2 pixels each epoch`,
  recipe: `784-${HIDDEN}-10 relu/softmax, categorical cross-entropy, ${EPOCHS} epochs, momentum SGD, batch 32, learning rate 0.05 × 0.9 per epoch, seed ${SEED}`,
  testAccuracy: Number(testAccuracy.toFixed(4)),
  testDigits: digits.count - TRAIN,
};
writeFileSync(out, JSON.stringify({ about, network: net.toJSON() }) + '\n');
console.log(`test accuracy ${(testAccuracy * 100).toFixed(2)}% on ${about.testDigits} held-out digits; wrote ${out}`);
net.dispose();
