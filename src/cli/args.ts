// The command line's small argument parser: node:util's parseArgs for the syntax (--name value,
// --flag, positionals), then typed readers whose errors name the option and what was expected.
import { parseArgs } from 'node:util';

/** A mistake in how the command was called: main prints it with the usage hint and exits 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export type OptionKinds = Record<string, 'string' | 'boolean'>;

export interface ParsedArgs {
  positionals: string[];
  options: Record<string, string | boolean | undefined>;
}

/** Parse `argv` (after the command name) accepting exactly the `known` options. */
export function parseCommandArgs(argv: string[], known: OptionKinds, command: string): ParsedArgs {
  const options = Object.fromEntries(Object.entries(known).map(([name, type]) => [name, { type }]));
  try {
    const { values, positionals } = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
    return { positionals, options: values as ParsedArgs['options'] };
  } catch (e) {
    // parseArgs explains the problem well; drop its advice about '--' which our commands never need.
    const message = (e as Error).message.replace(/\. To specify a positional argument.*$/s, '');
    throw new UsageError(`${command}: ${message}`);
  }
}

/** Exactly `names.length` positional arguments, named in the error. */
export function positionals(args: ParsedArgs, names: string[], command: string): string[] {
  if (args.positionals.length !== names.length) {
    const got = args.positionals.length === 0 ? 'none' : args.positionals.map((p) => JSON.stringify(p)).join(' ');
    throw new UsageError(`${command}: expected ${names.map((n) => `<${n}>`).join(' ')}, got ${got}`);
  }
  return args.positionals;
}

export function stringOption(args: ParsedArgs, name: string): string | undefined {
  const v = args.options[name];
  return typeof v === 'string' ? v : undefined;
}

export function requiredString(args: ParsedArgs, name: string, command: string): string {
  const v = stringOption(args, name);
  if (v === undefined || v === '') throw new UsageError(`${command}: --${name} is required`);
  return v;
}

/** A number option within [min, max]; `integer` asks for a whole number. */
export function numberOption(args: ParsedArgs, name: string, fallback: number, range: { min: number; max?: number; integer?: boolean }): number {
  const raw = stringOption(args, name);
  if (raw === undefined) return fallback;
  const v = Number(raw);
  const max = range.max ?? Infinity;
  if (raw.trim() === '' || !Number.isFinite(v) || v < range.min || v > max || (range.integer && !Number.isInteger(v))) {
    const what = range.integer ? 'a whole number' : 'a number';
    const bounds = max === Infinity ? `≥ ${range.min}` : `from ${range.min} to ${max}`;
    throw new UsageError(`--${name}: expected ${what} ${bounds}, got ${JSON.stringify(raw)}`);
  }
  return v;
}

/** A comma-separated list of names (e.g. columns); empty entries are an error. */
export function listOption(args: ParsedArgs, name: string): string[] {
  const raw = stringOption(args, name);
  if (raw === undefined) return [];
  const items = raw.split(',').map((s) => s.trim());
  if (items.some((s) => s === '')) throw new UsageError(`--${name}: expected a comma-separated list without empty entries, got ${JSON.stringify(raw)}`);
  return items;
}

/** A comma-separated list of finite numbers. */
export function numberListOption(args: ParsedArgs, name: string, command: string): number[] | undefined {
  if (stringOption(args, name) === undefined) return undefined;
  return listOption(args, name).map((item) => {
    const v = Number(item);
    if (!Number.isFinite(v)) throw new UsageError(`${command}: --${name}: ${JSON.stringify(item)} is not a number`);
    return v;
  });
}

export function choiceOption<T extends string>(args: ParsedArgs, name: string, allowed: readonly T[], fallback: T): T {
  const raw = stringOption(args, name);
  if (raw === undefined) return fallback;
  if (!allowed.includes(raw as T)) throw new UsageError(`--${name}: expected one of ${allowed.join(', ')}, got ${JSON.stringify(raw)}`);
  return raw as T;
}
