// The command line for the user who gets it wrong (issue 15): --version and --help, one line and
// exit code 2 for every bad argument, the hints for a text target and for predict's arguments
// swapped, --out checked before training, and binary files named without echoing their bytes.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageVersion } from '../src/cli/version.js';
import { TRAIN } from '../src/cli/train.js';
import { PREDICT } from '../src/cli/predict.js';
import { EVALUATE } from '../src/cli/evaluate.js';
import { EXPLAIN } from '../src/cli/explain.js';
import { DEMO } from '../src/cli/demo.js';
import { EXPORT } from '../src/cli/export.js';
import { closest } from '../src/cli/suggest.js';
import { backprop, ROOT, ADMISSIONS, type Run } from './cli-run.js';

const VERSION = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;

/** A failed call: exit code 2, nothing on stdout, exactly one line on stderr; that line. */
function oneLineError(r: Run): string {
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr.endsWith('\n')).toBe(true);
  expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  return r.stderr.trimEnd();
}

let dir: string;
let model: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'backprop-cli-errors-'));
  model = join(dir, 'admissions.json');
  const r = backprop('train', ADMISSIONS, '--target', 'admit', '--categorical', 'rank', '--epochs', '1', '--out', model);
  expect(r.code).toBe(0);
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('--version', () => {
  it.each([['--version'], ['-v']])('%s prints package.json\'s version', (flag) => {
    const r = backprop(flag);
    expect([r.code, r.stdout, r.stderr]).toEqual([0, `${VERSION}\n`, '']);
  }, 30_000);

  it('finds package.json in an installed package too, from dist/cli/', () => {
    const installed = join(dir, 'node_modules/backprop');
    mkdirSync(join(installed, 'dist/cli'), { recursive: true });
    writeFileSync(join(installed, 'package.json'), JSON.stringify({ name: 'backprop', version: '9.8.7' }));
    expect(packageVersion(join(installed, 'dist/cli/version.js'))).toBe('9.8.7');
    expect(packageVersion()).toBe(VERSION);
  });
});

describe('--help', () => {
  it('backprop --help lists every command and how to get its help', () => {
    const r = backprop('--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^usage: backprop <command>/);
    for (const c of [TRAIN, PREDICT, EVALUATE, EXPLAIN, EXPORT, DEMO]) expect(r.stdout).toContain(`\n  ${c.name}`);
    expect(r.stdout).toContain('backprop <command> --help');
    expect(r.stdout).toContain('-v, --version');
  }, 30_000);

  it.each([TRAIN, PREDICT, EVALUATE, EXPLAIN, EXPORT, DEMO].map((spec) => [spec.name, spec] as const))('backprop %s --help: usage, every option on one line with its default, an example', (name, spec) => {
    const r = backprop(name, '--help');
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(r.stdout).toMatch(new RegExp(`^usage: backprop ${name} `));
    const lines = r.stdout.split('\n');
    for (const [option, o] of Object.entries(spec.options)) {
      const line = lines.find((l) => l.startsWith(`  --${option} `));
      expect(line, `--${option}`).toMatch(new RegExp(`^  --${option} \\S+ +\\S`)); // a description follows
      if (o.default !== undefined) expect(line).toContain(`default ${o.default}`);
    }
    expect(lines.some((l) => l.startsWith('  -h, --help'))).toBe(true);
    expect(r.stdout).toMatch(new RegExp(`\nexamples?:\n  backprop ${name} `));
    // -h and `backprop help <command>` print the same.
    expect(backprop(name, '-h').stdout).toBe(r.stdout);
    expect(backprop('help', name).stdout).toBe(r.stdout);
  }, 60_000);

  it('--help wins over the other arguments, even bad ones', () => {
    const r = backprop('train', 'nowhere.csv', '--lr', '-1', '--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^usage: backprop train <csv> --target COL --out FILE \[options\]/);
  }, 30_000);
});

describe('every bad argument: one line, exit code 2, before any file is read', () => {
  // nowhere.csv and nowhere.json do not exist: the argument is rejected before they are opened.
  it.each([
    ['an unknown option, with the near one', ['train', 'nowhere.csv', '--target', 'y', '--out', 'm.json', '--epoch', '3'],
      'backprop: train: unknown option --epoch; did you mean --epochs? (backprop train --help lists the options)'],
    ['an unknown option, nothing near', ['predict', 'nowhere.json', 'nowhere.csv', '--colour', 'red'],
      'backprop: predict: unknown option --colour (backprop predict --help lists the options)'],
    ['a single-dash long option', ['train', 'nowhere.csv', '-epochs', '3'],
      'backprop: train: unknown option -epochs; did you mean --epochs? (backprop train --help lists the options)'],
    ['a missing value at the end', ['train', 'nowhere.csv', '--target', 'y', '--out'], 'backprop: train: --out needs a value (FILE)'],
    ['a missing value before the next option', ['train', 'nowhere.csv', '--target', 'y', '--out', 'm.json', '--lr', '--epochs', '3'],
      'backprop: train: --lr needs a value (a number ≥ 0)'],
    ['an empty value', ['train', 'nowhere.csv', '--target=', '--out', 'm.json'], 'backprop: train: --target needs a value (COL)'],
    ['a negative learning rate', ['train', 'nowhere.csv', '--target', 'y', '--out', 'm.json', '--lr', '-1'],
      'backprop: train: --lr: expected a number ≥ 0, got "-1"'],
    ['a negative learning rate with =', ['train', 'nowhere.csv', '--target', 'y', '--out', 'm.json', '--lr=-1'],
      'backprop: train: --lr: expected a number ≥ 0, got "-1"'],
    ['a fraction of an epoch', ['train', 'nowhere.csv', '--target', 'y', '--out', 'm.json', '--epochs', '2.5'],
      'backprop: train: --epochs: expected a whole number from 1 to 1000000, got "2.5"'],
    ['a validation share too large', ['train', 'nowhere.csv', '--target', 'y', '--out', 'm.json', '--validation', '1'],
      'backprop: train: --validation: expected a number from 0 to 0.9, got "1"'],
    ['a bad hidden layer size', ['train', 'nowhere.csv', '--target', 'y', '--out', 'm.json', '--layers', '16,x'],
      'backprop: train: --layers: expected unit counts like 16,8 (or none), got "x"'],
    ['an empty column name', ['train', 'nowhere.csv', '--target', 'y', '--out', 'm.json', '--categorical', 'a,,b'],
      'backprop: train: --categorical: expected a comma-separated list without empty entries, got "a,,b"'],
    ['a misspelt choice', ['train', 'nowhere.csv', '--target', 'y', '--out', 'm.json', '--optimizer', 'adm'],
      'backprop: train: --optimizer: expected one of momentum, sgd, adam, rmsprop, got "adm"; did you mean adam?'],
    ['an unknown backend', ['predict', 'nowhere.json', 'nowhere.csv', '--backend', 'gpu'],
      'backprop: predict: --backend: expected one of auto, wasm, js, got "gpu"'],
    ['an option given twice', ['train', 'nowhere.csv', '--target', 'y', '--out', 'm.json', '--epochs', '1', '--epochs', '2'],
      'backprop: train: --epochs is given twice'],
    ['a missing required option', ['train', 'nowhere.csv', '--out', 'm.json'], 'backprop: train: --target is required (--target COL: the column to predict)'],
    ['a missing file argument', ['predict', 'nowhere.json'], 'backprop: predict: expected <model.json> <csv>, got "nowhere.json" (backprop predict --help)'],
    ['one file too many', ['train', 'a.csv', 'b.csv', '--target', 'y', '--out', 'm.json'], 'backprop: train: expected <csv>, got "a.csv" "b.csv" (backprop train --help)'],
    ['explain\'s precision out of range', ['explain', 'nowhere.json', '--input', '0', '--target', '1', '--precision', '0'],
      'backprop: explain: --precision: expected a whole number from 1 to 17, got "0"'],
    ['explain\'s input not numbers', ['explain', 'nowhere.json', '--input', '0,a', '--target', '1'], 'backprop: explain: --input: "a" is not a number'],
    ['demo\'s epochs out of range', ['demo', 'mnist', '--epochs', '0'], 'backprop: demo: --epochs: expected a whole number from 1 to 1000, got "0"'],
    ['a misspelt command', ['traim'], 'backprop: unknown command "traim"; did you mean train? (backprop --help)'],
    ['a transposed command', ['predcit'], 'backprop: unknown command "predcit"; did you mean predict? (backprop --help)'],
    ['an unknown command', ['frobnicate'], 'backprop: unknown command "frobnicate"; the commands are train, predict, evaluate, explain, export, demo (backprop --help)'],
    ['an option before the command', ['--verbose', 'train'], 'backprop: unknown option --verbose; the options a command takes come after it (backprop <command> --help)'],
  ])('%s', (_what, args, message) => {
    expect(oneLineError(backprop(...args))).toBe(message);
  }, 30_000);

  it('"did you mean" only for a near name', () => {
    expect([closest('trian', ['train', 'predict']), closest('x', ['lr', 'out']), closest('val', ['validation', 'lr'])]).toEqual(['train', undefined, 'validation']);
  });
});

describe('hints for the usual mistakes', () => {
  it('a text target without --categorical: names the column and the option to add', () => {
    const iris = join(dir, 'iris.csv');
    writeFileSync(iris, 'sepal,petal,species\n5.1,1.4,setosa\n7.0,4.7,versicolor\n6.3,6.0,virginica\n');
    expect(oneLineError(backprop('train', iris, '--target', 'species', '--out', join(dir, 'iris.json'))))
      .toBe(`backprop: ${iris}, line 2: the target "species" holds text ("setosa"); to predict its classes, add --categorical species`);
    expect(backprop('train', iris, '--target', 'species', '--categorical', 'species', '--epochs', '1', '--out', join(dir, 'iris.json')).code).toBe(0);
  }, 60_000);

  it('a text input column: --categorical or --drop; a number column with one bad value keeps its own message', () => {
    const colours = join(dir, 'colours.csv');
    writeFileSync(colours, 'colour,size,y\nred,1,0\nblue,2,1\ngreen,3,1\n');
    expect(oneLineError(backprop('train', colours, '--target', 'y', '--out', join(dir, 'c.json'))))
      .toBe(`backprop: ${colours}, line 2: column "colour" holds text ("red"); to use it as an input, add --categorical colour (or leave it out with --drop colour)`);
    const typo = join(dir, 'typo.csv');
    writeFileSync(typo, 'x,y\n1,0\n2o,1\n3,1\n');
    expect(oneLineError(backprop('train', typo, '--target', 'y', '--out', join(dir, 't.json'))))
      .toBe(`backprop: ${typo}, line 3: column "x": "2o" is not a number`);
  }, 30_000);

  it.each(['predict', 'evaluate'])('%s with the CSV and the model swapped says so, with the command in the right order', (command) => {
    expect(oneLineError(backprop(command, ADMISSIONS, model)))
      .toBe(`backprop: ${command}: the arguments look swapped (${model} is a model file, ${ADMISSIONS} is not); the model comes first: backprop ${command} ${model} ${ADMISSIONS}`);
  }, 30_000);

  it('a CSV where the model belongs, and a model where the CSV belongs', () => {
    expect(oneLineError(backprop('explain', ADMISSIONS, '--input', '0', '--target', '1')))
      .toBe(`backprop: ${ADMISSIONS}: not a model file: a model file is JSON and starts with "{"; it looks like a CSV`);
    expect(oneLineError(backprop('predict', model, model))).toBe(`backprop: ${model}: does not look like a CSV file: it is JSON (a model file?)`);
  }, 30_000);
});

describe('--out and --plot are checked before training starts', () => {
  // A copy, so that a regression cannot overwrite the repository's file.
  const copy = () => join(dir, 'admissions.csv');
  beforeAll(() => writeFileSync(copy(), readFileSync(ADMISSIONS)));
  const trainTo = (...out: string[]) => backprop('train', copy(), '--target', 'admit', '--epochs', '1', ...out);

  it('into a missing directory: fails before the network is built or an epoch runs', () => {
    const out = join(dir, 'missing/model.json');
    const r = trainTo('--out', out);
    expect(oneLineError(r)).toBe(`backprop: cannot write the model file ${out}: no directory ${join(dir, 'missing')}`);
    expect(r.stderr).not.toContain('epoch'); // no progress line: training never started
    expect(r.stdout).not.toContain('network');
    expect(existsSync(join(dir, 'missing'))).toBe(false);
  }, 30_000);

  it.each([
    ['a directory', () => dir, () => 'it is a directory'],
    ['under a file', () => join(copy(), 'model.json'), () => `${copy()} is not a directory`],
    ['the training file itself', () => copy(), () => 'it is an input file of this command'],
  ])('--out %s', (_what, out, why) => {
    const r = trainTo('--out', out());
    expect(oneLineError(r)).toBe(`backprop: cannot write the model file ${out()}: ${why()}`);
    expect(r.stderr).not.toContain('epoch');
  }, 30_000);

  it('--plot into a missing directory, and predict --out, fail the same way and write nothing', () => {
    const model2 = join(dir, 'never.json');
    const plot = join(dir, 'missing/loss.svg');
    const r = trainTo('--out', model2, '--plot', plot);
    expect(oneLineError(r)).toBe(`backprop: cannot write the plot ${plot}: no directory ${join(dir, 'missing')}`);
    expect(existsSync(model2)).toBe(false);
    const predictions = join(dir, 'missing/p.csv');
    expect(oneLineError(backprop('predict', model, ADMISSIONS, '--out', predictions)))
      .toBe(`backprop: cannot write the predictions file ${predictions}: no directory ${join(dir, 'missing')}`);
  }, 30_000);
});

describe('binary files are named, not echoed', () => {
  // A PNG's signature and the start of its IHDR chunk: high bytes, control characters and NULs.
  const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52, 0, 0, 1, 0, 0xff, 0xd8, 0x2c]);
  const printable = /^[\x20-\x7e]*\n$/; // the path, the message, nothing from the file

  it('a PNG given as the CSV', () => {
    const png = join(dir, 'photo.png');
    writeFileSync(png, PNG);
    const r = backprop('train', png, '--target', 'y', '--out', join(dir, 'p.json'));
    expect(oneLineError(r)).toBe(`backprop: ${png}: does not look like a CSV file: it holds binary data (a NUL byte in the first KB)`);
    expect(r.stderr).toMatch(printable);
    const p = backprop('predict', png, ADMISSIONS);
    expect(oneLineError(p)).toBe(`backprop: ${png}: does not look like a model file: it holds binary data (a NUL byte in the first KB)`);
  }, 30_000);

  it('invalid UTF-8 without a NUL byte, and UTF-16', () => {
    const latin1 = join(dir, 'latin1.csv');
    writeFileSync(latin1, Buffer.from('a,b\ncaf\xe9,1\n', 'latin1'));
    const r = backprop('train', latin1, '--target', 'b', '--out', join(dir, 'l.json'));
    expect(oneLineError(r)).toBe(`backprop: ${latin1}: does not look like a CSV file: it is not UTF-8 text (binary data, or text in another encoding)`);
    expect(r.stderr).toMatch(printable);
    const utf16 = join(dir, 'utf16.csv');
    writeFileSync(utf16, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('a,b\n1,0\n', 'utf16le')]));
    expect(oneLineError(backprop('train', utf16, '--target', 'b', '--out', join(dir, 'u.json'))))
      .toBe(`backprop: ${utf16}: does not look like a CSV file: it is UTF-16 text; save it as UTF-8`);
  }, 30_000);

  it('a UTF-8 character cut by the first KB\'s end is still text', () => {
    const file = join(dir, 'accents.csv');
    // 'é' is two bytes; the header puts one of them at byte 1023 and the other at 1024.
    writeFileSync(file, `${'a'.repeat(1023)}é,y\n1,0\n2,1\n`);
    const r = backprop('train', file, '--target', 'y', '--epochs', '1', '--out', join(dir, 'accents.json'));
    expect(r.code).toBe(0);
  }, 60_000);
});
