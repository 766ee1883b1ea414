// backprop predict model.json <csv>: the model's prediction for every row, as CSV on stdout (or
// --out): the target's value (a class, 0/1 or a number in the target's own units), then the outputs.
import { parseCommandArgs, stringOption, choiceOption, type CommandSpec } from './args.js';
import { BACKEND, BACKENDS } from './common-options.js';
import { describeOutputs, plainEncoding } from './features.js';
import { tableRows } from '../model/records.js';
import { checkWritable, readModelAndTable, writeText } from './files.js';

export const PREDICT: CommandSpec = {
  name: 'predict',
  summary: 'the model\'s prediction for every row of a CSV file, as CSV',
  positionals: ['model.json', 'csv'],
  options: {
    out: { kind: 'text', value: 'FILE', help: 'write the predictions to FILE instead of stdout' },
    target: { kind: 'text', value: 'COL', help: 'for a bare network JSON: the column that is not an input' },
    backend: BACKEND,
  },
  examples: ['backprop predict model.json data/admissions/binary.csv --out predictions.csv'],
};

export async function predict(argv: string[]): Promise<void> {
  const args = parseCommandArgs(argv, PREDICT);
  const [modelFile, file] = args.positionals;
  const backend = choiceOption(args, 'backend', BACKENDS);
  const out = stringOption(args, 'out');
  if (out !== undefined) checkWritable(out, 'predictions file', [modelFile, file]);
  const { net, encoding, table } = readModelAndTable('predict', modelFile, file, backend);
  try {
    const enc = encoding ?? plainEncoding(table, net, stringOption(args, 'target'), file);
    const { records, error } = tableRows(table, file);
    const outputs = net.predictBatch(enc.encodeInputs(records, error, { extraFields: 'ignore' }));
    const { header, rows } = describeOutputs(enc, outputs, table.rows.length);
    const text = [header, ...rows].map((r) => r.map(csvField).join(',')).join('\n') + '\n';
    if (out === undefined) process.stdout.write(text);
    else {
      writeText(out, text, 'predictions file');
      console.log(`${rows.length} predictions written to ${out}`);
    }
  } finally {
    net.dispose();
  }
}

function csvField(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
