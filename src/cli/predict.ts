// backprop predict model.json <csv>: the model's prediction for every row, as CSV on stdout (or
// --out): the target's value (a class, 0/1 or a number in the target's own units), then the outputs.
import { parseCommandArgs, positionals, stringOption, choiceOption, type OptionKinds } from './args.js';
import { encodeInputs, describeOutputs, plainPreprocessing } from './features.js';
import { checkWritable, readModelAndTable, writeText } from './files.js';

export const PREDICT_USAGE = 'backprop predict model.json <csv> [--out predictions.csv] [--target COL] [--backend auto|wasm|js]';

const OPTIONS: OptionKinds = { out: 'string', target: 'string', backend: 'string' };

export async function predict(argv: string[]): Promise<void> {
  const args = parseCommandArgs(argv, OPTIONS, 'predict');
  const [modelFile, file] = positionals(args, ['model.json', 'csv'], 'predict');
  const backend = choiceOption(args, 'backend', ['auto', 'wasm', 'js'] as const, 'auto');
  const out = stringOption(args, 'out');
  if (out !== undefined) checkWritable(out, 'predictions file', [modelFile, file]);
  const { net, preprocessing, table } = readModelAndTable('predict', modelFile, file, backend);
  try {
    const prep = preprocessing ?? plainPreprocessing(table, net, stringOption(args, 'target'), file);
    const outputs = net.predictBatch(encodeInputs(prep, table, file));
    const { header, rows } = describeOutputs(prep, outputs, table.rows.length);
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
