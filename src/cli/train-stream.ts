// backprop train on a file read as it streams (--stream, or a file over STREAM_BYTES): one pass
// fits the encoding, then each epoch reads the file again, rows encoded straight into batches,
// shuffled through a bounded buffer; validation rows are held out by a seeded hash of the row
// number. Memory stays flat whatever the file's size.
import { statSync } from 'node:fs';
import { Network } from '../network.js';
import { csvDataset } from '../data/dataset.js';
import { outputFor } from '../model/fit.js';
import { Model } from '../model/model.js';
import type { ActivationName } from '../registry/activations.js';
import type { LossName } from '../registry/losses.js';
import type { BackendChoice } from '../validate/network-options.js';
import { UsageError } from './args.js';
import { writeModel } from './files.js';
import { formatLoss } from './progress.js';
import { reportCurves } from './report.js';
import { StreamProgress } from './stream-progress.js';

/** Files above this size are streamed under --stream auto: well below the memory parsing them whole takes (several times their size). */
export const STREAM_BYTES = 256 * 2 ** 20;

/** Rows the shuffle buffer holds: at most 10,000, and at most 16 MB of float32 inputs and targets. */
const shuffleRows = (width: number) => Math.max(1, Math.min(10_000, Math.floor(2 ** 22 / width)));

/** What train has parsed from the command line. */
export interface TrainSettings {
  hidden: number[];
  activation: ActivationName;
  epochs: number;
  batchSize: number;
  learningRate: number;
  optimizer: 'momentum' | 'sgd' | 'adam' | 'rmsprop';
  validation: number;
  seed: number;
  backend: BackendChoice;
  columns: { target: string; categorical: string[]; standardize: string[]; drop: string[] };
  out: string;
  plot: string | undefined;
  /** As given, or undefined for the one that suits the target. */
  loss: LossName | undefined;
}

/** Whether train streams the file: as asked, or under auto when it is large. */
export function streams(file: string, mode: 'auto' | 'on' | 'off'): boolean {
  if (mode !== 'auto') return mode === 'on';
  try {
    return statSync(file).size > STREAM_BYTES;
  } catch {
    return false; // reading it says why it cannot be read
  }
}

export async function trainStreaming(file: string, s: TrainSettings): Promise<void> {
  let size: number;
  try {
    size = statSync(file).size;
  } catch (e) {
    throw new UsageError(`cannot read the CSV file ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  const progress = new StreamProgress(s.epochs, size, s.validation > 0, true);
  const data = await csvDataset(file, { ...s.columns, validation: s.validation, seed: s.seed, onProgress: (p) => progress.update(p.pass, p.rows, p.bytes) });
  progress.finish();
  const encoding = data.encoding;
  const held = data.validation;
  if (data.rows === 0) throw new UsageError(`${file}: no training rows${held ? ' are left after holding out the validation rows' : ''}`);
  const output = outputFor(encoding);
  const loss = s.loss ?? output.loss;
  const net = await Network.create({
    layers: [encoding.inputWidth, ...s.hidden.map((units) => ({ units, activation: s.activation })), { units: encoding.outputWidth, activation: output.activation }],
    loss,
    seed: s.seed,
    backend: s.backend,
  });
  try {
    const shape = [encoding.inputWidth, ...s.hidden, encoding.outputWidth].join('-');
    const buffer = shuffleRows(encoding.inputWidth + encoding.outputWidth);
    console.log(`${file}: streamed, ${data.rows} training rows, ${held?.rows ?? 0} validation rows, shuffled through ${buffer} rows; ` +
      `network ${shape} (${s.activation} hidden, ${output.activation} output, ${loss}) on ${net.kernel}`);
    const started = performance.now();
    const history = await net.fit(data, {
      epochs: s.epochs, batchSize: s.batchSize, learningRate: s.learningRate, optimizer: s.optimizer, shuffleBuffer: buffer,
      validationData: held && held.rows ? held : undefined,
      onEpochEnd: (epoch, logs) => progress.epochEnd(epoch, logs.loss, logs.valLoss),
    });
    progress.finish();
    const seconds = (performance.now() - started) / 1000;
    const last = history.epochs - 1;
    const parts = [`training loss ${formatLoss(history.loss[last])}`];
    if (history.valLoss.length) parts.push(`validation loss ${formatLoss(history.valLoss[last])}`);
    if (history.valAccuracy.length) parts.push(`validation accuracy ${history.valAccuracy[last].toFixed(3)}`);
    console.log(`after ${history.epochs} epochs (${seconds.toFixed(1)} s): ${parts.join(', ')}`);
    reportCurves(history, s.plot, `${file}: ${shape}`, console.log);
    writeModel(s.out, new Model(net, encoding, history));
    console.log(`model written to ${s.out}`);
  } finally {
    net.dispose();
  }
}
