#!/usr/bin/env node
// The `backprop` command: train, predict, evaluate, explain and demo. A mistake in the call or in
// the input files prints one line on stderr and exits 2; nothing prints a stack trace unless
// BACKPROP_DEBUG is set.
import { CsvError } from '../data/csv.js';
import { UsageError } from './args.js';
import { train, TRAIN_USAGE } from './train.js';
import { predict, PREDICT_USAGE } from './predict.js';
import { evaluate, EVALUATE_USAGE } from './evaluate.js';
import { explainCommand, EXPLAIN_USAGE } from './explain.js';
import { demo, DEMO_USAGE } from './demo.js';

const COMMANDS: Record<string, (argv: string[]) => Promise<void>> = {
  train,
  predict,
  evaluate,
  explain: explainCommand,
  demo,
};

const USAGE = `usage:
  ${TRAIN_USAGE}
  ${PREDICT_USAGE}
  ${EVALUATE_USAGE}
  ${EXPLAIN_USAGE}
  ${DEMO_USAGE}
COLS are comma-separated column names. Training progress goes to stderr (plain lines when it is
not a terminal or CI is set); results go to stdout.`;

/** Errors that describe bad input or a bad call, not a bug: exit code 2. */
function isInputError(e: unknown): boolean {
  return e instanceof UsageError || e instanceof CsvError || e instanceof TypeError || e instanceof RangeError || e instanceof SyntaxError;
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    (command === undefined ? process.stderr : process.stdout).write(USAGE + '\n');
    return command === undefined ? 2 : 0;
  }
  const run = COMMANDS[command];
  try {
    if (!run) throw new UsageError(`unknown command ${JSON.stringify(command)}; the commands are ${Object.keys(COMMANDS).join(', ')} (backprop --help)`);
    await run(rest);
    return 0;
  } catch (e) {
    if (process.env.BACKPROP_DEBUG) console.error(e);
    const message = e instanceof Error ? e.message : String(e);
    process.stderr.write(`backprop: ${message}\n`);
    return isInputError(e) ? 2 : 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
