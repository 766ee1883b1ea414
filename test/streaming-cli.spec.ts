// backprop train --stream on: the file read as it streams (a pass for the encoding, then one per
// epoch), plain progress lines off a terminal, and a model file predict reads like any other.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ADMISSIONS, backprop } from './cli-run.js';

const dir = mkdtempSync(join(tmpdir(), 'backprop-streaming-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('backprop train --stream on', () => {
  it('trains from the streamed file, with progress in rows and bytes, and writes a model predict reads', () => {
    const model = join(dir, 'model.json');
    const trained = backprop('train', ADMISSIONS, '--target', 'admit', '--categorical', 'rank', '--standardize', 'gre,gpa',
      '--epochs', '30', '--lr', '0.1', '--stream', 'on', '--out', model);
    expect(trained.code, trained.stderr).toBe(0);
    expect(trained.stdout).toMatch(/binary\.csv: streamed, \d+ training rows, \d+ validation rows, shuffled through \d+ rows; network 6-16-1/);
    expect(trained.stdout).toMatch(/after 30 epochs \([\d.]+ s\): training loss \d\.\d{4}, validation loss \d\.\d{4}, validation accuracy 0\.\d{3}/);
    expect(trained.stderr).toMatch(/fitting the encoding {2}[\d,]+ rows {2}0\.00\/0\.00 GB/);
    expect(trained.stderr).toMatch(/epoch 30\/30: loss \d\.\d{4}, validation loss \d\.\d{4}/);
    expect(trained.stderr).not.toContain('\r');
    expect(JSON.parse(readFileSync(model, 'utf8')).preprocessing.inputs.map((f: { column: string }) => f.column)).toEqual(['gre', 'gpa', 'rank']);
    const predicted = backprop('predict', model, ADMISSIONS);
    expect(predicted.code, predicted.stderr).toBe(0);
    expect(predicted.stdout.split('\n')[0]).toBe('admit,p_admit');
  }, 60_000);

  it('names the file and line of a bad value, as the in-memory path does', () => {
    const bad = join(dir, 'bad.csv');
    const rows = readFileSync(ADMISSIONS, 'utf8').split('\n');
    rows[5] = rows[5].replace(/^(\d),(\d+)/, '$1,oops');
    writeFileSync(bad, rows.join('\n'));
    const streamed = backprop('train', bad, '--target', 'admit', '--categorical', 'rank', '--epochs', '1', '--stream', 'on', '--out', join(dir, 'm.json'));
    const inMemory = backprop('train', bad, '--target', 'admit', '--categorical', 'rank', '--epochs', '1', '--stream', 'off', '--out', join(dir, 'm.json'));
    expect(streamed.code).not.toBe(0);
    expect(streamed.stderr).toContain(`${bad}, line 6: column "gre"`);
    expect(inMemory.stderr).toContain(`${bad}, line 6: column "gre"`);
  }, 60_000);
});
