// `backprop --help` and `backprop <command> --help`, written from the commands' specs: the
// options, their defaults and ranges are the ones the parser checks.
import { accepted, placeholder, type CommandSpec, type OptionSpec } from './args.js';

/** The usage line: required options spelled out, the rest as [options]. */
export function usageLine(spec: CommandSpec): string {
  const required = Object.entries(spec.options).filter(([, o]) => o.required).map(([name, o]) => `--${name} ${placeholder(o)}`);
  return ['backprop', spec.name, ...spec.positionals.map((p) => `<${p}>`), ...required, '[options]'].join(' ');
}

function describe(option: OptionSpec): string {
  const notes = [
    ...(option.kind === 'text' ? [] : [accepted(option)]),
    ...(option.required ? ['required'] : []),
    ...(option.default !== undefined ? [`default ${option.default}`] : []),
  ];
  return notes.length ? `${option.help} (${notes.join('; ')})` : option.help;
}

/** Rows of two columns, the first padded so the second lines up. */
function table(rows: Array<[string, string]>): string[] {
  const width = Math.max(...rows.map(([left]) => left.length)) + 2;
  return rows.map(([left, right]) => `  ${left.padEnd(width)}${right}`);
}

export function commandHelp(spec: CommandSpec): string {
  const options = Object.entries(spec.options).map(([name, o]): [string, string] => [`--${name} ${placeholder(o)}`, describe(o)]);
  return [
    `usage: ${usageLine(spec)}`,
    '',
    `${spec.summary[0].toUpperCase()}${spec.summary.slice(1)}.`,
    '',
    'options:',
    ...table([...options, ['-h, --help', 'show this help']]),
    '',
    spec.examples.length > 1 ? 'examples:' : 'example:',
    ...spec.examples.map((e) => `  ${e}`),
  ].join('\n');
}

export function mainHelp(commands: CommandSpec[]): string {
  return [
    'usage: backprop <command> [arguments] [options]',
    '',
    'commands:',
    ...table(commands.map((c) => [c.name, c.summary])),
    '',
    'options:',
    ...table([['-h, --help', 'show this help; backprop <command> --help shows a command\'s options'], ['-v, --version', 'print the version']]),
    '',
    'examples:',
    ...commands.slice(0, 2).map((c) => `  ${c.examples[0]}`),
    '',
    'COLS are comma-separated column names. Training progress goes to stderr (plain lines when it is',
    'not a terminal or CI is set); results go to stdout. A mistake prints one line and exits with code 2.',
  ].join('\n');
}
