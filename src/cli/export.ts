// backprop export model.json --format module|tfjs|onnx --out FILE: a trained model for another
// runtime. module: a standalone ES module (or CommonJS) with the encoding, answering in the
// target's terms; tfjs and onnx: the network alone, fed inputs already encoded.
import { saveTfjs, toOnnx } from '../exchange/index.js';
import { Model } from '../model/model.js';
import { parseCommandArgs, stringOption, choiceOption, type CommandSpec } from './args.js';
import { checkWritable, readModel, writeText } from './files.js';
import { writeFileSync } from 'node:fs';

const FORMATS = ['module', 'tfjs', 'onnx'] as const;
const MODULES = ['esm', 'cjs'] as const;

export const EXPORT: CommandSpec = {
  name: 'export',
  summary: 'write a model for another runtime: a standalone JS module, TensorFlow.js files or ONNX',
  positionals: ['model.json'],
  options: {
    format: { kind: 'choice', choices: FORMATS, default: 'module', help: 'module: a dependency-free JS module with the encoding; tfjs, onnx: the network alone, fed encoded inputs' },
    out: { kind: 'text', value: 'FILE', required: true, help: 'the file to write (for tfjs, a directory for model.json and weights.bin)' },
    module: { kind: 'choice', choices: MODULES, default: 'esm', help: 'with --format module: an ES module or CommonJS' },
  },
  examples: ['backprop export model.json --format module --out model.mjs', 'backprop export model.json --format onnx --out model.onnx'],
};

export async function exportCommand(argv: string[]): Promise<void> {
  const args = parseCommandArgs(argv, EXPORT);
  const [modelFile] = args.positionals;
  const format = choiceOption(args, 'format', FORMATS);
  const out = stringOption(args, 'out')!; // required: the parser has checked
  const moduleFormat = choiceOption(args, 'module', MODULES);
  if (format !== 'tfjs') checkWritable(out, `${format === 'module' ? 'module' : 'ONNX'} file`, [modelFile]);
  // The JS backend: the module's outputs are the JS backend's, bit for bit.
  const { net, encoding } = readModel(modelFile, 'js');
  try {
    if (format === 'module') {
      writeText(out, encoding ? new Model(net, encoding).toModule({ format: moduleFormat }) : net.toModule({ format: moduleFormat }), 'module file');
      console.log(`${encoding ? 'model' : 'network'} module written to ${out}: predict(${encoding ? 'record' : 'input'}) and predictBatch`);
      return;
    }
    if (format === 'onnx') writeFileSync(out, toOnnx(net));
    else await saveTfjs(net, out);
    console.log(`${format === 'onnx' ? 'ONNX model' : 'TensorFlow.js model.json and weights.bin'} written to ${out}`);
    if (encoding) console.log(`the network alone: its ${net.inputs} inputs are ${encoding.inputNames.join(', ')}, encoded as the model file's preprocessing says`);
  } finally {
    net.dispose();
  }
}
