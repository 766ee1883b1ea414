// backprop train <csv> --target COL …: read a CSV, encode it (dummies, standardisation), train a
// network with a progress bar, print how it did and a loss chart, and save a model file.
import { Network } from '../network.js';
import { randomSplit, takeRows } from '../data/split.js';
import type { ActivationName } from '../registry/activations.js';
import type { LossName } from '../registry/losses.js';
import { parseCommandArgs, positionals, requiredString, stringOption, numberOption, listOption, choiceOption, UsageError, type OptionKinds } from './args.js';
import { fitPreprocessing, encodeInputs, encodeTargets, inputWidth, outputWidth, type Preprocessing } from './features.js';
import { checkWritable, readTable, writeModel } from './files.js';
import { Progress, formatLoss } from './progress.js';
import { reportCurves } from './report.js';

export const TRAIN_USAGE = `backprop train <csv> --target COL --out model.json
    [--categorical COLS] [--standardize COLS] [--drop COLS] [--layers 16,8 | none]
    [--activation relu|tanh|sigmoid|leaky-relu] [--loss quadratic|mse|binary-cross-entropy|categorical-cross-entropy]
    [--epochs 100] [--batch-size 32] [--lr 0.05] [--optimizer momentum|sgd|adam|rmsprop] [--validation 0.2]
    [--seed 1] [--backend auto|wasm|js] [--plot loss.svg]`;

const OPTIONS: OptionKinds = {
  target: 'string', out: 'string', categorical: 'string', standardize: 'string', drop: 'string', layers: 'string',
  activation: 'string', loss: 'string', epochs: 'string', 'batch-size': 'string', lr: 'string', optimizer: 'string',
  validation: 'string', seed: 'string', backend: 'string', plot: 'string',
};
const HIDDEN: readonly ActivationName[] = ['relu', 'tanh', 'sigmoid', 'leaky-relu', 'identity'];
const LOSSES: readonly LossName[] = ['quadratic', 'mse', 'binary-cross-entropy', 'categorical-cross-entropy'];

/** The output layer and loss that suit the target: sigmoid for 0/1, softmax for classes, identity for numbers. */
function outputFor(p: Preprocessing): { activation: ActivationName; loss: LossName } {
  if (p.target.kind === 'binary') return { activation: 'sigmoid', loss: 'binary-cross-entropy' };
  if (p.target.kind === 'classes') return { activation: 'softmax', loss: 'categorical-cross-entropy' };
  return { activation: 'identity', loss: 'mse' };
}

export async function train(argv: string[]): Promise<void> {
  const args = parseCommandArgs(argv, OPTIONS, 'train');
  const [file] = positionals(args, ['csv'], 'train');
  const target = requiredString(args, 'target', 'train');
  const out = requiredString(args, 'out', 'train');
  const hidden = stringOption(args, 'layers') === 'none' ? [] : listOption(args, 'layers').map((u) => {
    const n = Number(u);
    if (!Number.isInteger(n) || n < 1) throw new UsageError(`--layers: expected unit counts like 16,8 (or none), got ${JSON.stringify(u)}`);
    return n;
  });
  if (stringOption(args, 'layers') === undefined) hidden.push(16);
  const activation = choiceOption(args, 'activation', HIDDEN, 'relu');
  const epochs = numberOption(args, 'epochs', 100, { min: 1, max: 1e6, integer: true });
  const batchSize = numberOption(args, 'batch-size', 32, { min: 1, integer: true });
  const learningRate = numberOption(args, 'lr', 0.05, { min: 0 });
  const optimizer = choiceOption(args, 'optimizer', ['momentum', 'sgd', 'adam', 'rmsprop'] as const, 'momentum');
  const validation = numberOption(args, 'validation', 0.2, { min: 0, max: 0.9 });
  const seed = numberOption(args, 'seed', 1, { min: 0, max: 0xffffffff, integer: true });
  const backend = choiceOption(args, 'backend', ['auto', 'wasm', 'js'] as const, 'auto');
  const plot = stringOption(args, 'plot');
  // The files are written when training ends; a run should not be lost to a bad path.
  checkWritable(out, 'model file', [file]);
  if (plot !== undefined) checkWritable(plot, 'plot', [file]);

  const table = readTable(file);
  const prep = fitPreprocessing(table, {
    target,
    categorical: listOption(args, 'categorical'),
    standardize: listOption(args, 'standardize'),
    drop: listOption(args, 'drop'),
  }, file);
  const x = encodeInputs(prep, table, file);
  const y = encodeTargets(prep, table, file);
  const output = outputFor(prep);
  const loss = choiceOption(args, 'loss', LOSSES, output.loss);
  const net = await Network.create({
    layers: [inputWidth(prep), ...hidden.map((units) => ({ units, activation })), { units: outputWidth(prep), activation: output.activation }],
    loss,
    seed,
    backend,
  });
  try {
    const split = randomSplit(table.rows.length, { validation, seed });
    const I = inputWidth(prep);
    const K = outputWidth(prep);
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
