// The process test/checkpoint-kill.spec.ts kills: it trains a small classifier with a checkpoint
// written every two batches (or none, for the uninterrupted reference) and prints the result.
//   node --import tsx test/checkpoint-child.ts <js|wasm> <threads> <checkpoint file | -> <worker|fit>
// Prints 'resuming' or 'fresh' once fit is about to start, then the result as one JSON line.
import { existsSync } from 'node:fs';
import { Network, type FitOptions } from '../src/index.js';
import { blobs } from './blobs.js';

const [backend, threads, path, how] = process.argv.slice(2);
const { X, Y } = blobs(11, 240);
const net = await Network.create({
  layers: [4, 12, 8, { units: 3, activation: 'softmax' }], loss: 'categorical-cross-entropy',
  seed: 5, backend: backend as 'js' | 'wasm', threads: Number(threads),
});
const options: FitOptions = {
  epochs: 36, batchSize: 8, learningRate: 0.02, optimizer: 'adam', validationSplit: 0.25, metrics: ['accuracy'],
  earlyStopping: { patience: 100, monitor: 'loss' }, learningRateSchedule: { type: 'step', every: 4, factor: 0.5 },
  ...(path === '-' ? {} : { checkpoint: { path, every: { batches: 2 } } }),
};
// A save shifts path to path.prev before the new one takes its name: fit resumes from either, as load does.
console.log(path !== '-' && (existsSync(path) || existsSync(`${path}.prev`)) ? 'resuming' : 'fresh');
const history = how === 'worker' ? await net.trainInWorker(X, Y, options) : await net.fit(X, Y, options);
console.log(JSON.stringify({ kernel: net.kernel, history, parameters: Array.from(net.getParameters()) }));
net.dispose();
