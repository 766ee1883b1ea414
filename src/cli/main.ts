#!/usr/bin/env node
// The `backprop` command: train, predict, evaluate, explain, export and demo. A mistake in the call or in
// the input files prints one line on stderr and exits 2; nothing prints a stack trace unless
// BACKPROP_DEBUG is set.
import './relaxed-simd.js'; // first: it may set a V8 flag, which must precede compiling the kernels
import { CsvError } from '../data/csv.js';
import { UsageError, type CommandSpec } from './args.js';
import { closest } from './suggest.js';
import { commandHelp, mainHelp } from './help.js';
import { packageVersion } from './version.js';
import { train, TRAIN } from './train.js';
import { predict, PREDICT } from './predict.js';
import { evaluate, EVALUATE } from './evaluate.js';
import { explainCommand, EXPLAIN } from './explain.js';
import { demo, DEMO } from './demo.js';
import { exportCommand, EXPORT } from './export.js';

const COMMANDS: Array<{ spec: CommandSpec; run: (argv: string[]) => Promise<void> }> = [
  { spec: TRAIN, run: train },
  { spec: PREDICT, run: predict },
  { spec: EVALUATE, run: evaluate },
  { spec: EXPLAIN, run: explainCommand },
  { spec: EXPORT, run: exportCommand },
  { spec: DEMO, run: demo },
];
const NAMES = COMMANDS.map((c) => c.spec.name);
const HELP = mainHelp(COMMANDS.map((c) => c.spec));

/** Errors that describe bad input or a bad call, not a bug: exit code 2. */
function isInputError(e: unknown): boolean {
  return e instanceof UsageError || e instanceof CsvError || e instanceof TypeError || e instanceof RangeError || e instanceof SyntaxError;
}

function findCommand(name: string) {
  const command = COMMANDS.find((c) => c.spec.name === name);
  if (command) return command;
  if (name.startsWith('-')) throw new UsageError(`unknown option ${name}; the options a command takes come after it (backprop <command> --help)`);
  const near = closest(name, NAMES);
  throw new UsageError(`unknown command ${JSON.stringify(name)}; ${near ? `did you mean ${near}?` : `the commands are ${NAMES.join(', ')}`} (backprop --help)`);
}

/** What --help, --version and `help` print, or undefined when a command is to run. */
function information(argv: string[]): string | undefined {
  const [first, ...rest] = argv;
  if (first === '--help' || first === '-h') return HELP;
  if (first === '--version' || first === '-v') return packageVersion();
  if (first === 'help') return rest.length ? commandHelp(findCommand(rest[0]).spec) : HELP; // `backprop help train`
  if (rest.includes('--help') || rest.includes('-h')) return commandHelp(findCommand(first).spec);
  return undefined;
}

export async function main(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  try {
    if (first === undefined) {
      process.stderr.write(HELP + '\n');
      return 2;
    }
    const info = information(argv);
    if (info !== undefined) {
      process.stdout.write(info + '\n');
      return 0;
    }
    await findCommand(first).run(rest);
    return 0;
  } catch (e) {
    if (process.env.BACKPROP_DEBUG) console.error(e);
    // Library messages are written for the API and may run over lines; the CLI promises one.
    const message = (e instanceof Error ? e.message : String(e)).replace(/\s*\n\s*/g, ' ');
    process.stderr.write(`backprop: ${message}\n`);
    return isInputError(e) ? 2 : 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
