// backprop train <csv> --target COL …: read a CSV, encode it (dummies, standardisation), train a
// network with a progress bar, print how it did and a loss chart, and save a model file.
import type { ActivationName } from '../registry/activations.js';
import type { LossName } from '../registry/losses.js';
import { parseCommandArgs, stringOption, numberOption, listOption, choiceOption, UsageError, type CommandSpec } from './args.js';
import { BACKEND, BACKENDS, PLOT } from './common-options.js';
import { prepareFit } from '../model/fit.js';
import { Model } from '../model/model.js';
import { checkWritable, readTable, writeModel } from './files.js';
import { Progress, formatLoss } from './progress.js';
import { reportCurves } from './report.js';
import { streams, trainStreaming } from './train-stream.js';

const HIDDEN: readonly ActivationName[] = ['relu', 'tanh', 'sigmoid', 'leaky-relu', 'identity'];
const LOSSES: readonly LossName[] = ['quadratic', 'mse', 'binary-cross-entropy', 'categorical-cross-entropy'];
const OPTIMIZERS = ['momentum', 'sgd', 'adam', 'rmsprop'] as const;
const STREAM_MODES = ['auto', 'on', 'off'] as const;

export const TRAIN: CommandSpec = {
  name: 'train',
  summary: 'train a network on a CSV file and save it, with its encoding, as a model file',
  positionals: ['csv'],
  options: {
    target: { kind: 'text', value: 'COL', required: true, help: 'the column to predict' },
    out: { kind: 'text', value: 'FILE', required: true, help: 'where to write the model file; checked before training starts' },
    categorical: { kind: 'text', value: 'COLS', help: 'text columns: an input becomes dummies, the target becomes classes' },
    standardize: { kind: 'text', value: 'COLS', help: 'columns to rescale to mean 0 and standard deviation 1' },
    drop: { kind: 'text', value: 'COLS', help: 'columns to leave out' },
    layers: { kind: 'text', value: '16,8|none', default: '16', help: 'hidden layer sizes, or none for no hidden layer' },
    activation: { kind: 'choice', choices: HIDDEN, default: 'relu', help: 'the hidden layers\' activation' },
    dropout: { kind: 'number', min: 0, max: 0.95, default: 0, help: 'the hidden layers\' dropout rate while training' },
    loss: { kind: 'choice', choices: LOSSES, help: 'the loss; without it, the one that suits the target: binary-cross-entropy for 0/1, categorical-cross-entropy for classes, mse for numbers' },
    epochs: { kind: 'number', min: 1, max: 1e6, integer: true, default: 100, help: 'passes over the training rows' },
    'batch-size': { kind: 'number', min: 1, integer: true, default: 32, help: 'rows per weight update' },
    lr: { kind: 'number', min: 0, default: 0.05, help: 'the learning rate' },
    optimizer: { kind: 'choice', choices: OPTIMIZERS, default: 'momentum', help: 'how the weights are updated' },
    validation: { kind: 'number', min: 0, max: 0.9, default: 0.2, help: 'share of the rows held out (seeded random) to measure validation loss' },
    seed: { kind: 'number', min: 0, max: 0xffffffff, integer: true, default: 1, help: 'seeds the initial weights, the split and the batches' },
    backend: BACKEND,
    plot: PLOT,
    checkpoint: { kind: 'text', value: 'FILE', help: 'keep a checkpoint here every 30 s; the same command run again resumes from it (removed once done)' },
    stream: { kind: 'choice', choices: STREAM_MODES, default: 'auto', help: 'read the CSV as it streams, in flat memory (a pass to fit the encoding, then one per epoch); auto: for files over 256 MB' },
  },
  examples: ['backprop train data/admissions/binary.csv --target admit --categorical rank --standardize gre,gpa --out model.json --plot loss.svg'],
};

export async function train(argv: string[]): Promise<void> {
  const args = parseCommandArgs(argv, TRAIN);
  const [file] = args.positionals;
  const target = stringOption(args, 'target')!; // required: the parser has checked
  const out = stringOption(args, 'out')!;
  const plot = stringOption(args, 'plot');
  const checkpoint = stringOption(args, 'checkpoint');
  const hidden = stringOption(args, 'layers') === 'none' ? [] : listOption(args, 'layers').map((u) => {
    const n = Number(u);
    if (!Number.isInteger(n) || n < 1) throw new UsageError(`train: --layers: expected unit counts like 16,8 (or none), got ${JSON.stringify(u)}`);
    return n;
  });
  const activation = choiceOption(args, 'activation', HIDDEN);
  const dropout = numberOption(args, 'dropout');
  const epochs = numberOption(args, 'epochs');
  const batchSize = numberOption(args, 'batch-size');
  const learningRate = numberOption(args, 'lr');
  const optimizer = choiceOption(args, 'optimizer', OPTIMIZERS);
  const validation = numberOption(args, 'validation');
  const seed = numberOption(args, 'seed');
  const backend = choiceOption(args, 'backend', BACKENDS);
  let progress: Progress | undefined;
  const columns = { target, categorical: listOption(args, 'categorical'), standardize: listOption(args, 'standardize'), drop: listOption(args, 'drop') };
  // The files are written when training ends; a run should not be lost to a bad path.
  checkWritable(out, 'model file', [file]);
  if (plot !== undefined) checkWritable(plot, 'plot', [file]);
  if (streams(file, choiceOption(args, 'stream', STREAM_MODES))) {
    if (checkpoint !== undefined) throw new UsageError('train: --checkpoint: a streamed file resumes only by reading it again, which is not done yet; use --stream off');
    const loss = stringOption(args, 'loss') === undefined ? undefined : choiceOption(args, 'loss', LOSSES);
    return trainStreaming(file, { hidden, activation, epochs, batchSize, learningRate, optimizer, validation, seed, backend, columns, out, plot, loss });
  }

  const table = readTable(file);
  const spell = (option: string, column: string) => `--${option} ${/^[\w.-]+$/.test(column) ? column : JSON.stringify(column)}`; // as typed in a shell
  const job = await prepareFit(table, {
    ...columns, layers: hidden, activation, dropout, loss: stringOption(args, 'loss') === undefined ? undefined : choiceOption(args, 'loss', LOSSES),
    seed, backend, validation, epochs, batchSize, learningRate, optimizer,
    onEpochEnd: (epoch, logs) => progress?.update(epoch, logs.loss, logs.valLoss),
    ...(checkpoint === undefined ? {} : { checkpoint: { path: checkpoint } }),
  }, 'train', { source: file, spell });
  const net = job.network;
  try {
    const shape = [job.encoding.inputWidth, ...hidden, job.encoding.outputWidth].join('-');
    console.log(`${file}: ${job.trainRows} training rows, ${job.validationRows} validation rows; ` +
      `network ${shape} (${activation} hidden, ${net.spec.layers[net.layerCount - 1].activation} output, ${net.spec.loss}) on ${net.kernel}`);
    progress = new Progress({ epochs, samples: job.trainRows });
    const started = performance.now();
    const history = await job.run();
    progress.finish();
    const seconds = (performance.now() - started) / 1000;
    const last = history.epochs - 1;
    const parts = [`training loss ${formatLoss(history.loss[last])}`];
    if (job.validationRows) parts.push(`validation loss ${formatLoss(history.valLoss[last])}`);
    if (history.valAccuracy.length) parts.push(`validation accuracy ${history.valAccuracy[last].toFixed(3)}`);
    console.log(`after ${history.epochs} epochs (${seconds.toFixed(1)} s): ${parts.join(', ')}`);
    reportCurves(history, plot, `${file}: ${shape}`, console.log);
    writeModel(out, new Model(net, job.encoding));
    console.log(`model written to ${out}`);
  } finally {
    net.dispose();
  }
}
