// The command line for the user who gets it wrong (issue 15): the hints for a text target and for
// predict's arguments swapped, --out checked before training, and binary files named without
// echoing their bytes.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { backprop, ADMISSIONS, type Run } from './cli-run.js';

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
