// backprop explain model.json --input 0,1 --target 1: one backprop step of the saved network on
// one sample, written out a chain-rule step per line (net.trace and explain). The input is the
// network's own input vector, after any preprocessing the model file records.
import { explain } from '../explain.js';
import { parseCommandArgs, positionals, numberOption, numberListOption, choiceOption, stringOption, UsageError, type OptionKinds } from './args.js';
import { readModel } from './files.js';

export const EXPLAIN_USAGE = 'backprop explain model.json --input 0,1 --target 1 [--lr 0.2] [--precision 3] [--format text|markdown] [--notation trace|office-hours] [--backend auto|wasm|js]';

const OPTIONS: OptionKinds = { input: 'string', target: 'string', lr: 'string', precision: 'string', format: 'string', notation: 'string', backend: 'string' };

export async function explainCommand(argv: string[]): Promise<void> {
  const args = parseCommandArgs(argv, OPTIONS, 'explain');
  const [modelFile] = positionals(args, ['model.json'], 'explain');
  const input = numberListOption(args, 'input', 'explain');
  const target = numberListOption(args, 'target', 'explain');
  if (!input || !target) throw new UsageError('explain: --input and --target are required, e.g. --input 0,1 --target 1');
  const precision = numberOption(args, 'precision', 3, { min: 1, max: 17, integer: true });
  const format = choiceOption(args, 'format', ['text', 'markdown'] as const, 'text');
  const notation = choiceOption(args, 'notation', ['trace', 'office-hours'] as const, 'trace');
  const backend = choiceOption(args, 'backend', ['auto', 'wasm', 'js'] as const, 'auto');
  const { net } = readModel(modelFile, backend);
  try {
    if (input.length !== net.inputs) throw new UsageError(`explain: --input: the network takes ${net.inputs} inputs, got ${input.length}`);
    if (target.length !== net.outputs) throw new UsageError(`explain: --target: the network has ${net.outputs} outputs, got ${target.length}`);
    const learningRate = stringOption(args, 'lr') === undefined ? undefined : numberOption(args, 'lr', 0, { min: 0 });
    const trace = net.trace([input], [target], learningRate === undefined ? {} : { learningRate });
    process.stdout.write(explain(trace, { precision, format, notation }) + '\n');
  } finally {
    net.dispose();
  }
}
