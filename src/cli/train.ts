// backprop train <csv> --target COL …: read a CSV, encode it (dummies, standardisation), train a
// network with a progress bar, print how it did and a loss chart, and save a model file.
import { Network } from '../network.js';
import { randomSplit, takeRows } from '../data/split.js';
import type { ActivationName } from '../registry/activations.js';
import type { LossName } from '../registry/losses.js';
import { parseCommandArgs, stringOption, numberOption, listOption, choiceOption, UsageError, type CommandSpec } from './args.js';
import { BACKEND, BACKENDS, PLOT } from './common-options.js';
import { EncodingBuilder, type Encoding } from '../model/encoding.js';
import { tableRows } from '../model/records.js';
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
    loss: { kind: 'choice', choices: LOSSES, help: 'the loss; without it, the one that suits the target: binary-cross-entropy for 0/1, categorical-cross-entropy for classes, mse for numbers' },
    epochs: { kind: 'number', min: 1, max: 1e6, integer: true, default: 100, help: 'passes over the training rows' },
    'batch-size': { kind: 'number', min: 1, integer: true, default: 32, help: 'rows per weight update' },
    lr: { kind: 'number', min: 0, default: 0.05, help: 'the learning rate' },
    optimizer: { kind: 'choice', choices: OPTIMIZERS, default: 'momentum', help: 'how the weights are updated' },
    validation: { kind: 'number', min: 0, max: 0.9, default: 0.2, help: 'share of the rows held out (seeded random) to measure validation loss' },
    seed: { kind: 'number', min: 0, max: 0xffffffff, integer: true, default: 1, help: 'seeds the initial weights, the split and the batches' },
    backend: BACKEND,
    plot: PLOT,
    stream: { kind: 'choice', choices: STREAM_MODES, default: 'auto', help: 'read the CSV as it streams, in flat memory (a pass to fit the encoding, then one per epoch); auto: for files over 256 MB' },
  },
  examples: ['backprop train data/admissions/binary.csv --target admit --categorical rank --standardize gre,gpa --out model.json --plot loss.svg'],
};

/** The output layer and loss that suit the target: sigmoid for 0/1, softmax for classes, identity for numbers. */
function outputFor(p: Encoding): { activation: ActivationName; loss: LossName } {
  if (p.target.kind === 'binary') return { activation: 'sigmoid', loss: 'binary-cross-entropy' };
  if (p.target.kind === 'classes') return { activation: 'softmax', loss: 'categorical-cross-entropy' };
  return { activation: 'identity', loss: 'mse' };
}

export async function train(argv: string[]): Promise<void> {
  const args = parseCommandArgs(argv, TRAIN);
  const [file] = args.positionals;
  const target = stringOption(args, 'target')!; // required: the parser has checked
  const out = stringOption(args, 'out')!;
  const plot = stringOption(args, 'plot');
  const hidden = stringOption(args, 'layers') === 'none' ? [] : listOption(args, 'layers').map((u) => {
    const n = Number(u);
    if (!Number.isInteger(n) || n < 1) throw new UsageError(`train: --layers: expected unit counts like 16,8 (or none), got ${JSON.stringify(u)}`);
    return n;
  });
  const activation = choiceOption(args, 'activation', HIDDEN);
  const epochs = numberOption(args, 'epochs');
  const batchSize = numberOption(args, 'batch-size');
  const learningRate = numberOption(args, 'lr');
  const optimizer = choiceOption(args, 'optimizer', OPTIMIZERS);
  const validation = numberOption(args, 'validation');
  const seed = numberOption(args, 'seed');
  const backend = choiceOption(args, 'backend', BACKENDS);
  const columns = { target, categorical: listOption(args, 'categorical'), standardize: listOption(args, 'standardize'), drop: listOption(args, 'drop') };
  // The files are written when training ends; a run should not be lost to a bad path.
  checkWritable(out, 'model file', [file]);
  if (plot !== undefined) checkWritable(plot, 'plot', [file]);
  if (streams(file, choiceOption(args, 'stream', STREAM_MODES))) {
    const loss = stringOption(args, 'loss') === undefined ? undefined : choiceOption(args, 'loss', LOSSES);
    return trainStreaming(file, { hidden, activation, epochs, batchSize, learningRate, optimizer, validation, seed, backend, columns, out, plot, loss }, outputFor);
  }

  const table = readTable(file);
  const { records, error } = tableRows(table, file);
  const builder = new EncodingBuilder(columns, { columns: table.columns, error, spell: (option, column) => `--${option} ${/^[\w.-]+$/.test(column) ? column : JSON.stringify(column)}` });
  for (const record of records) builder.add(record);
  const prep = builder.finish();
  const x = prep.encodeInputs(records, error);
  const y = prep.encodeTargets(records, error);
  const output = outputFor(prep);
  const loss = stringOption(args, 'loss') === undefined ? output.loss : choiceOption(args, 'loss', LOSSES);
  const net = await Network.create({
    layers: [prep.inputWidth, ...hidden.map((units) => ({ units, activation })), { units: prep.outputWidth, activation: output.activation }],
    loss,
    seed,
    backend,
  });
  try {
    const split = randomSplit(table.rows.length, { validation, seed });
    const I = prep.inputWidth;
    const K = prep.outputWidth;
    const trainX = takeRows(x, I, split.train);
    const trainY = takeRows(y, K, split.train);
    const valData: [Float32Array, Float32Array] | undefined = split.validation.length
      ? [takeRows(x, I, split.validation), takeRows(y, K, split.validation)]
      : undefined;
    const shape = [I, ...hidden, K].join('-');
    console.log(`${file}: ${split.train.length} training rows, ${split.validation.length} validation rows; ` +
      `network ${shape} (${activation} hidden, ${output.activation} output, ${loss}) on ${net.kernel}`);
    const progress = new Progress({ epochs, samples: split.train.length });
    const started = performance.now();
    const history = await net.fit(trainX, trainY, {
      epochs, batchSize, learningRate, optimizer, validationData: valData,
      onEpochEnd: (epoch, logs) => progress.update(epoch, logs.loss, logs.valLoss),
    });
    progress.finish();
    const seconds = (performance.now() - started) / 1000;
    const last = history.epochs - 1;
    const parts = [`training loss ${formatLoss(history.loss[last])}`];
    if (valData) parts.push(`validation loss ${formatLoss(history.valLoss[last])}`);
    if (history.valAccuracy.length) parts.push(`validation accuracy ${history.valAccuracy[last].toFixed(3)}`);
    console.log(`after ${history.epochs} epochs (${seconds.toFixed(1)} s): ${parts.join(', ')}`);
    reportCurves(history, plot, `${file}: ${shape}`, console.log);
    writeModel(out, net, prep);
    console.log(`model written to ${out}`);
  } finally {
    net.dispose();
  }
}
