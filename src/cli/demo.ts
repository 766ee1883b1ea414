// backprop demo mnist (what `npm start` runs): train a 784-256-10 network on the 8,000 first of the
// built-in MNIST digits with a progress bar, then report accuracy on the 2,000 held out and the
// speed. Recipe as examples/mnist.ts: relu + softmax, momentum SGD on batches of 32, the learning
// rate decayed 10% per epoch, each epoch's digits moved by random 1-pixel shifts (seeded).
import { Network } from '../network.js';
import { Random } from '../random.js';
import { loadMnist } from '../data/mnist.js';
import { shiftImages } from '../data/augment.js';
import { accuracy } from '../data/metrics.js';
import { parseCommandArgs, numberOption, choiceOption, stringOption, UsageError, type CommandSpec } from './args.js';
import { BACKEND, BACKENDS, PLOT } from './common-options.js';
import { checkWritable } from './files.js';
import { Progress } from './progress.js';
import { reportCurves } from './report.js';

export const DEMO: CommandSpec = {
  name: 'demo',
  summary: 'train on the built-in MNIST digits and report accuracy and speed (what npm start runs)',
  positionals: ['name'],
  options: {
    epochs: { kind: 'number', min: 1, max: 1000, integer: true, default: 30, help: 'passes over the 8,000 training digits' },
    seed: { kind: 'number', min: 0, max: 0xffffffff, integer: true, default: 1, help: 'seeds the initial weights and the pixel shifts' },
    backend: BACKEND,
    plot: PLOT,
  },
  examples: ['backprop demo mnist --epochs 5 --plot loss.svg'],
};
const TRAIN = 8000;
const HIDDEN = 256;

export async function demo(argv: string[]): Promise<void> {
  const args = parseCommandArgs(argv, DEMO);
  const [name] = args.positionals;
  if (name !== 'mnist') throw new UsageError(`demo: unknown demo ${JSON.stringify(name)}; the demos are: mnist`);
  const epochs = numberOption(args, 'epochs');
  const seed = numberOption(args, 'seed');
  const backend = choiceOption(args, 'backend', BACKENDS);
  const plot = stringOption(args, 'plot');
  if (plot !== undefined) checkWritable(plot, 'plot');

  const digits = await loadMnist();
  const P = digits.rows * digits.cols;
  const trainX = digits.images.subarray(0, TRAIN * P);
  const trainY = digits.targets.subarray(0, TRAIN * 10);
  const testX = digits.images.subarray(TRAIN * P);
  const testY = digits.targets.subarray(TRAIN * 10);
  const net = await Network.create({
    layers: [P, { units: HIDDEN, activation: 'relu' }, { units: 10, activation: 'softmax' }],
    loss: 'categorical-cross-entropy',
    init: 'he',
    seed,
    backend,
  });
  try {
    console.log(`MNIST: ${TRAIN} real digits to train on, ${digits.count - TRAIN} held out; ` +
      `network ${P}-${HIDDEN}-10 (relu, softmax) on ${net.kernel}; ${epochs} epochs`);
    const progress = new Progress({ epochs, samples: TRAIN });
    const shifts = new Random(seed + 1);
    const history = { loss: [] as number[], valLoss: [] as number[] };
    let learningRate = 0.05;
    let trainingMs = 0;
    for (let epoch = 0; epoch < epochs; epoch++) {
      const x = shiftImages(trainX, digits.rows, digits.cols, { random: shifts });
      const started = performance.now();
      const h = await net.fit(x, trainY, { epochs: 1, batchSize: 32, learningRate, optimizer: 'momentum', momentum: 0.9 });
      trainingMs += performance.now() - started;
      history.loss.push(h.loss[0]);
      history.valLoss.push(net.evaluate(testX, testY).loss);
      progress.update(epoch, h.loss[0], history.valLoss[epoch]);
      learningRate *= 0.9;
    }
    progress.finish();
    const predictStart = performance.now();
    const outputs = net.predictBatch(testX);
    const predictMs = performance.now() - predictStart;
    const acc = accuracy(outputs, testY, 10);
    console.log(`test accuracy ${(acc * 100).toFixed(2)}% on the ${digits.count - TRAIN} held-out digits (their loss is the "val" column above)`);
    console.log(`speed: training ${Math.round((epochs * TRAIN) / (trainingMs / 1000)).toLocaleString('en-US')} samples/s, ` +
      `prediction ${Math.round((digits.count - TRAIN) / (predictMs / 1000)).toLocaleString('en-US')} samples/s (${net.kernel}, one thread)`);
    reportCurves(history, plot, `MNIST ${P}-${HIDDEN}-10`, console.log);
  } finally {
    net.dispose();
  }
}
