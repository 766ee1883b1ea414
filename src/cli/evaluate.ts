// backprop evaluate model.json <csv>: how well the model does on a labelled file: its loss, and
// accuracy with a confusion matrix for classes, or the mean squared error in the target's units.
import { accuracy, confusionMatrix, meanSquaredError } from '../data/metrics.js';
import { unstandardize } from '../data/standardize.js';
import { parseCommandArgs, stringOption, choiceOption, UsageError, type CommandSpec } from './args.js';
import { BACKEND, BACKENDS } from './common-options.js';
import { plainEncoding } from './features.js';
import { tableRows } from '../model/records.js';
import { readModelAndTable } from './files.js';
import { formatLoss } from './progress.js';

export const EVALUATE: CommandSpec = {
  name: 'evaluate',
  summary: 'how well a model does on a labelled CSV file: loss, accuracy and confusion matrix, or MSE',
  positionals: ['model.json', 'csv'],
  options: {
    target: { kind: 'text', value: 'COL', help: 'for a bare network JSON: the column that holds the targets' },
    backend: BACKEND,
  },
  examples: ['backprop evaluate model.json data/admissions/binary.csv'],
};

export async function evaluate(argv: string[]): Promise<void> {
  const args = parseCommandArgs(argv, EVALUATE);
  const [modelFile, file] = args.positionals;
  const backend = choiceOption(args, 'backend', BACKENDS);
  const { net, encoding, table } = readModelAndTable('evaluate', modelFile, file, backend);
  try {
    const targetName = stringOption(args, 'target');
    if (!encoding && targetName === undefined) throw new UsageError(`evaluate: ${modelFile} is a bare network: say which column holds the targets with --target COL`);
    const enc = encoding ?? plainEncoding(table, net, targetName, file);
    const { records, error } = tableRows(table, file);
    const x = enc.encodeInputs(records, error, { extraFields: 'ignore' });
    const y = enc.encodeTargets(records, error);
    const K = enc.outputWidth;
    const outputs = net.predictBatch(x);
    const { loss } = net.evaluate(x, y);
    console.log(`${file}: ${table.rows.length} rows, ${net.spec.loss} loss ${formatLoss(loss)}`);
    const t = enc.target;
    if (t.kind === 'number') {
      const mse = meanSquaredError(outputs, y);
      const scaled = t.scaler ? ` (on the standardised scale; in ${t.column}'s units ${formatLoss(meanSquaredError(unstandardize(outputs, t.scaler), unstandardize(y, t.scaler)))})` : '';
      console.log(`mean squared error ${formatLoss(mse)}${scaled}`);
      return;
    }
    console.log(`accuracy ${accuracy(outputs, y, K).toFixed(4)}`);
    const names = t.kind === 'classes' ? t.categories : ['0', '1'];
    const matrix = confusionMatrix(outputs, y, K);
    const w = Math.max(...names.map((n) => n.length), ...matrix.flat().map((c) => String(c).length), 4);
    console.log(`confusion matrix (rows: actual ${t.column}, columns: predicted)`);
    console.log(`${''.padStart(w)}  ${names.map((n) => n.padStart(w)).join(' ')}`);
    matrix.forEach((row, i) => console.log(`${names[i].padStart(w)}  ${row.map((c) => String(c).padStart(w)).join(' ')}`));
  } finally {
    net.dispose();
  }
}
