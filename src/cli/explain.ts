// backprop explain model.json --input 0,1 --target 1: one backprop step of the saved network on
// one sample, written out a chain-rule step per line (net.trace and explain). The input is the
// network's own input vector, after any preprocessing the model file records.
import { explain } from '../explain.js';
import { parseCommandArgs, numberOption, numberListOption, choiceOption, UsageError, type CommandSpec } from './args.js';
import { BACKEND, BACKENDS } from './common-options.js';
import { readModel } from './files.js';

const FORMATS = ['text', 'markdown'] as const;
const NOTATIONS = ['trace', 'office-hours'] as const;

export const EXPLAIN: CommandSpec = {
  name: 'explain',
  summary: 'one backprop step of a model on one sample, written out a chain-rule step per line',
  positionals: ['model.json'],
  options: {
    input: { kind: 'text', value: 'X,Y,…', required: true, help: 'the network\'s input vector, after the model\'s encoding' },
    target: { kind: 'text', value: 'X,Y,…', required: true, help: 'the target vector, one value per output' },
    lr: { kind: 'number', min: 0, help: 'a learning rate, to show the updated weights too' },
    precision: { kind: 'number', min: 1, max: 17, integer: true, default: 3, help: 'significant digits in the numbers' },
    format: { kind: 'choice', choices: FORMATS, default: 'text', help: 'plain text or markdown' },
    notation: { kind: 'choice', choices: NOTATIONS, default: 'trace', help: 'the symbols: the trace\'s, or the office-hours notebook\'s' },
    backend: BACKEND,
  },
  examples: ['backprop explain model.json --input 0.5,0.2,1,0,0,0 --target 1 --lr 0.2 --format markdown'],
};

export async function explainCommand(argv: string[]): Promise<void> {
  const args = parseCommandArgs(argv, EXPLAIN);
  const [modelFile] = args.positionals;
  const input = numberListOption(args, 'input')!; // required: the parser has checked
  const target = numberListOption(args, 'target')!;
  const precision = numberOption(args, 'precision');
  const format = choiceOption(args, 'format', FORMATS);
  const notation = choiceOption(args, 'notation', NOTATIONS);
  const backend = choiceOption(args, 'backend', BACKENDS);
  const learningRate = args.values.lr === undefined ? undefined : numberOption(args, 'lr');
  const { net } = readModel(modelFile, backend);
  try {
    if (input.length !== net.inputs) throw new UsageError(`explain: --input: the network takes ${net.inputs} inputs, got ${input.length}`);
    if (target.length !== net.outputs) throw new UsageError(`explain: --target: the network has ${net.outputs} outputs, got ${target.length}`);
    const trace = net.trace([input], [target], learningRate === undefined ? {} : { learningRate });
    process.stdout.write(explain(trace, { precision, format, notation }) + '\n');
  } finally {
    net.dispose();
  }
}
