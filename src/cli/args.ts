// The command line's argument parser. Each command describes its arguments once, in a
// CommandSpec; the parser, the typed readers and `--help` all read that table, so a default
// or a range cannot differ between what is checked and what the help says. Every value is
// checked here, before a command reads a file or trains, and every mistake is one UsageError line.
import { closest } from './suggest.js';

/** A mistake in how the command was called: main prints it on one line and exits 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

interface OptionBase {
  /** One line for --help, without the default (added from `default`). */
  help: string;
  required?: boolean;
}

export type OptionSpec = OptionBase & (
  | { kind: 'number'; default?: number; min: number; max?: number; integer?: boolean }
  | { kind: 'choice'; choices: readonly string[]; default?: string }
  | { kind: 'text'; /** the value's placeholder in help and errors, e.g. COLS */ value: string; default?: string }
);

export interface CommandSpec {
  name: string;
  /** One line for `backprop --help`. */
  summary: string;
  /** The positional arguments, in order, as usage and errors name them. */
  positionals: string[];
  options: Record<string, OptionSpec>;
  examples: string[];
}

export interface ParsedArgs {
  command: string;
  positionals: string[];
  /** Every option given or with a default: numbers checked and parsed, choices checked. */
  values: Record<string, string | number>;
}

/** The placeholder for an option's value: N, X, NAME or the text option's own. */
export function placeholder(option: OptionSpec): string {
  if (option.kind === 'number') return option.integer ? 'N' : 'X';
  return option.kind === 'choice' ? 'NAME' : option.value;
}

/** What an option accepts, as errors and --help say it: "a whole number from 1 to 1000", "one of a, b". */
export function accepted(option: OptionSpec): string {
  if (option.kind === 'choice') return `one of ${option.choices.join(', ')}`;
  if (option.kind === 'text') return option.value;
  const what = option.integer ? 'a whole number' : 'a number';
  return option.max === undefined ? `${what} ≥ ${option.min}` : `${what} from ${option.min} to ${option.max}`;
}

/** An option name, not a value: -1 and -0.5 are values, so `--lr -1` reaches the range check. */
const isOption = (arg: string) => /^-[^\d.]/.test(arg);

/** Parse `argv` (after the command name) against `spec`; defaults filled in, everything checked. */
export function parseCommandArgs(argv: string[], spec: CommandSpec): ParsedArgs {
  const fail = (message: string) => new UsageError(`${spec.name}: ${message}`);
  const positionals: string[] = [];
  const values: Record<string, string | number> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!isOption(arg)) {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const flag = eq < 0 ? arg : arg.slice(0, eq);
    const name = flag.replace(/^--?/, '');
    const option = flag.startsWith('--') ? spec.options[name] : undefined;
    if (!option) {
      const near = closest(name, Object.keys(spec.options));
      throw fail(`unknown option ${flag}${near ? `; did you mean --${near}?` : ''} (backprop ${spec.name} --help lists the options)`);
    }
    if (name in values) throw fail(`--${name} is given twice`);
    const raw = eq < 0 ? argv[++i] : arg.slice(eq + 1);
    if (raw === undefined || (eq < 0 && isOption(raw))) throw fail(`--${name} needs a value (${accepted(option)})`);
    values[name] = checkValue(spec.name, name, option, raw);
  }
  if (positionals.length !== spec.positionals.length) {
    const got = positionals.length === 0 ? 'none' : positionals.map((p) => JSON.stringify(p)).join(' ');
    throw fail(`expected ${spec.positionals.map((n) => `<${n}>`).join(' ')}, got ${got} (backprop ${spec.name} --help)`);
  }
  for (const [name, option] of Object.entries(spec.options)) {
    if (name in values) continue;
    if (option.required) throw fail(`--${name} is required (--${name} ${placeholder(option)}: ${option.help})`);
    if (option.default !== undefined) values[name] = option.default;
  }
  return { command: spec.name, positionals, values };
}

function checkValue(command: string, name: string, option: OptionSpec, raw: string): string | number {
  const bad = (extra = '') => new UsageError(`${command}: --${name}: expected ${accepted(option)}, got ${JSON.stringify(raw)}${extra}`);
  if (option.kind === 'choice') {
    if (option.choices.includes(raw)) return raw;
    const near = closest(raw, option.choices);
    throw bad(near ? `; did you mean ${near}?` : '');
  }
  if (option.kind === 'text') {
    if (raw === '') throw new UsageError(`${command}: --${name} needs a value (${option.value})`);
    return raw;
  }
  const v = Number(raw);
  const outside = v < option.min || (option.max !== undefined && v > option.max);
  if (raw.trim() === '' || !Number.isFinite(v) || outside || (option.integer && !Number.isInteger(v))) throw bad();
  return v;
}

/** A number option's value; the options read this way all have a default or are required. */
export function numberOption(args: ParsedArgs, name: string): number {
  const v = args.values[name];
  if (typeof v !== 'number') throw new Error(`${args.command}: --${name} has no default and was not given`);
  return v;
}

export function stringOption(args: ParsedArgs, name: string): string | undefined {
  const v = args.values[name];
  return typeof v === 'string' ? v : undefined;
}

/** A choice option's value, typed as one of `allowed` (the same list its spec holds). */
export function choiceOption<T extends string>(args: ParsedArgs, name: string, allowed: readonly T[]): T {
  const v = stringOption(args, name);
  if (!allowed.includes(v as T)) throw new Error(`${args.command}: --${name} is not one of ${allowed.join(', ')}`);
  return v as T;
}

/** A comma-separated list of names (e.g. columns); empty entries are an error. */
export function listOption(args: ParsedArgs, name: string): string[] {
  const raw = stringOption(args, name);
  if (raw === undefined) return [];
  const items = raw.split(',').map((s) => s.trim());
  if (items.some((s) => s === '')) throw new UsageError(`${args.command}: --${name}: expected a comma-separated list without empty entries, got ${JSON.stringify(raw)}`);
  return items;
}

/** A comma-separated list of finite numbers. */
export function numberListOption(args: ParsedArgs, name: string): number[] | undefined {
  if (stringOption(args, name) === undefined) return undefined;
  return listOption(args, name).map((item) => {
    const v = Number(item);
    if (!Number.isFinite(v)) throw new UsageError(`${args.command}: --${name}: ${JSON.stringify(item)} is not a number`);
    return v;
  });
}
