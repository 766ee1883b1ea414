// The backprop command end to end, spawned as a process as a user runs it: train → model file →
// predict → evaluate → explain, the MNIST demo, and the error paths with their exit codes.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { Network } from '../src/index.js';
import { buildBytes } from '../src/backends/wasm/module.js';
import { backprop, backpropWith, ADMISSIONS } from './cli-run.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'backprop-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('backprop train → predict → evaluate → explain', () => {
  it('works on the admissions data as in the lesson (rank as dummies, gre and gpa standardised)', () => {
    const model = join(dir, 'admissions.json');
    const plot = join(dir, 'loss.svg');
    const trained = backprop('train', ADMISSIONS, '--target', 'admit', '--categorical', 'rank', '--standardize', 'gre,gpa',
      '--layers', '8', '--epochs', '40', '--seed', '3', '--out', model, '--plot', plot);
    expect(trained.stderr).toMatch(/epoch 40\/40 {2}loss \d\.\d{4} {2}val \d\.\d{4} {2}[\d,]+ samples\/s/);
    expect(trained.stderr).not.toContain('\r'); // plain lines, not a redrawn bar, off a terminal
    expect(trained.stdout).toContain('network 6-8-1 (relu hidden, sigmoid output, binary-cross-entropy)');
    expect(trained.stdout).toMatch(/validation accuracy 0\.\d{3}/);
    expect(trained.stdout).toContain('* training loss   o validation loss');
    expect(trained.code).toBe(0);

    const saved = JSON.parse(readFileSync(model, 'utf8'));
    expect(saved.format).toBe('backprop-model');
    expect(saved.preprocessing.inputs.map((f: { column: string }) => f.column)).toEqual(['gre', 'gpa', 'rank']);
    expect(saved.preprocessing.inputs[2].categories).toEqual(['1', '2', '3', '4']);
    expect(saved.preprocessing.inputs[0].scaler.mean).toBeCloseTo(587.7, 6);
    const svg = readFileSync(plot, 'utf8');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.match(/<polyline /g)).toHaveLength(2);

    const predicted = backprop('predict', model, ADMISSIONS);
    expect(predicted.code).toBe(0);
    const lines = predicted.stdout.trim().split('\n');
    expect(lines[0]).toBe('admit,p_admit');
    expect(lines).toHaveLength(401);
    for (const line of lines.slice(1)) expect(line).toMatch(/^[01],(0|0\.\d+|1)$/);

    const evaluated = backprop('evaluate', model, ADMISSIONS);
    expect(evaluated.code).toBe(0);
    const acc = Number(/accuracy (\d\.\d+)/.exec(evaluated.stdout)?.[1]);
    expect(acc).toBeGreaterThanOrEqual(0.65);
    expect(evaluated.stdout).toContain('confusion matrix (rows: actual admit, columns: predicted)');

    const explained = backprop('explain', model, '--input', '0.5,0.2,1,0,0,0', '--target', '1', '--lr', '0.2', '--precision', '4');
    expect(explained.code).toBe(0);
    expect(explained.stdout).toContain('Network 6-8-1 (relu, sigmoid), binary-cross-entropy loss, 1 sample');
    expect(explained.stdout).toMatch(/∂E\/∂w\d+ = ∂E\/∂z\d+ · ∂z\d+\/∂w\d+ = /);
  }, 60_000);

  it('explains the office-hours network from a bare network JSON, in markdown, with the notes\' numbers', async () => {
    // seeds/001: w1…w6 = 0.1…0.6, x = [0, 1], y = 1, α = 0.2, sigmoid units, no bias.
    const net = await Network.create({ layers: [2, 2, 1], bias: false, loss: 'quadratic', seed: 1, backend: 'js' });
    net.setWeights(0, [[0.1, 0.3], [0.2, 0.4]]);
    net.setWeights(1, [[0.5, 0.6]]);
    const file = join(dir, 'office-hours.json');
    writeFileSync(file, JSON.stringify(net.toJSON()));
    const r = backprop('explain', file, '--input', '0,1', '--target', '1', '--lr', '0.2', '--format', 'markdown', '--notation', 'office-hours');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('#### ');
    // ŷ = σ(0.5·σ(0.3) + 0.6·σ(0.4)) = 0.656206 (docs/seed-errata.md), and the issue's own line for w5.
    expect(r.stdout).toContain('- ŷ = σ(a3) = 0.656');
    expect(r.stdout).toContain('∂E/∂w5 = ∂E/∂ŷ · ∂ŷ/∂a3 · ∂a3/∂w5 = (−0.344) · 0.226 · 0.574 = −0.0446');

    // The same bare network predicts and evaluates a CSV whose columns are its inputs as they are.
    const csv = join(dir, 'xy.csv');
    writeFileSync(csv, 'x1,x2,y\n0,1,1\n1,0,0\n');
    const p = backprop('predict', file, csv, '--target', 'y');
    expect([p.code, p.stdout]).toEqual([0, 'y,p_y\n1,0.656206\n1,0.643913\n']);
    expect(backprop('evaluate', file, csv)).toMatchObject({ code: 2, stderr: expect.stringMatching(/is a bare network: say which column holds the targets with --target COL/) });
    expect(backprop('evaluate', file, csv, '--target', 'y').stdout).toContain('accuracy 0.5000');
  }, 30_000);

  it('--dropout gives the hidden layers dropout while training, kept in the model file', () => {
    const model = join(dir, 'dropout.json');
    const trained = backprop('train', ADMISSIONS, '--target', 'admit', '--categorical', 'rank', '--standardize', 'gre,gpa',
      '--layers', '8,4', '--dropout', '0.2', '--epochs', '2', '--out', model);
    expect(trained.code).toBe(0);
    const saved = JSON.parse(readFileSync(model, 'utf8'));
    expect(saved.network.layers.slice(1)).toEqual([
      { units: 8, activation: 'relu', dropout: 0.2 },
      { units: 4, activation: 'relu', dropout: 0.2 },
      { units: 1, activation: 'sigmoid' },
    ]);
  }, 60_000);

  it('trains a regression on a standardised target and predicts in the target\'s own units', () => {
    const csv = join(dir, 'line.csv');
    const rows = Array.from({ length: 200 }, (_, i) => `${(i / 100).toFixed(2)},${(3 * (i / 100) + 10).toFixed(2)},${i % 2 ? 'odd' : 'even'}`);
    writeFileSync(csv, ['x,y,parity', ...rows].join('\n') + '\n');
    const model = join(dir, 'line.json');
    const t = backprop('train', csv, '--target', 'y', '--standardize', 'x,y', '--drop', 'parity', '--layers', 'none', '--epochs', '60', '--optimizer', 'adam', '--lr', '0.05', '--out', model);
    expect(t.code).toBe(0);
    expect(t.stdout).toContain('network 1-1 (relu hidden, identity output, mse)');
    const p = backprop('predict', model, csv);
    const first = Number(p.stdout.trim().split('\n')[1]);
    expect(first).toBeCloseTo(10, 0); // x = 0 → y = 10, mapped back from the standardised scale
    const e = backprop('evaluate', model, csv);
    expect(e.stdout).toMatch(/mean squared error [\d.e-]+ \(on the standardised scale; in y's units [\d.e-]+\)/);
  }, 30_000);
});

describe('backprop demo mnist', () => {
  it('trains on the built-in digits and reports test accuracy and speed', () => {
    const r = backprop('demo', 'mnist', '--epochs', '1');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('MNIST: 8000 real digits to train on, 2000 held out');
    const acc = Number(/test accuracy (\d+\.\d+)%/.exec(r.stdout)?.[1]);
    expect(acc).toBeGreaterThan(85);
    expect(r.stdout).toMatch(/speed: training [\d,]+ samples\/s, prediction [\d,]+ samples\/s/);
    expect(r.stderr).toMatch(/epoch 1\/1 {2}loss/);
  }, 60_000);

  it('runs on relaxed SIMD where Node has it behind a flag (the command sets it; the library never does), unless BACKPROP_RELAXED_SIMD=0', () => {
    const validates = (flags: string[]) => {
      const bytes = Buffer.from(buildBytes('wasm-relaxed-simd', false)).toString('base64');
      const probe = spawnSync(process.execPath, [...flags, '-e', `process.stdout.write(String(WebAssembly.validate(Buffer.from('${bytes}', 'base64'))))`], { encoding: 'utf8' });
      return probe.stdout === 'true';
    };
    const kernel = (r: { stdout: string }) => /on (wasm-[a-z-]+); 1 epochs/.exec(r.stdout)?.[1];
    const withFlag = validates(['--experimental-wasm-relaxed-simd']);
    const plain = validates([]) ? 'wasm-relaxed-simd' : 'wasm-simd';
    expect(kernel(backprop('demo', 'mnist', '--epochs', '1'))).toBe(withFlag ? 'wasm-relaxed-simd' : plain);
    expect(kernel(backpropWith({ BACKPROP_RELAXED_SIMD: '0' }, 'demo', 'mnist', '--epochs', '1'))).toBe(plain);
  }, 120_000);
});

describe('errors: one line on stderr, exit code 2, no stack trace', () => {
  const broken = (name: string, text: string) => {
    const file = join(dir, name);
    writeFileSync(file, text);
    return file;
  };

  it.each([
    ['no command', [], /^usage:/],
    ['an unknown command', ['frobnicate'], /^backprop: unknown command "frobnicate"/],
    ['a missing --target', ['train', ADMISSIONS, '--out', 'x.json'], /^backprop: train: --target is required/],
    ['an unknown option', ['train', ADMISSIONS, '--target', 'admit', '--out', 'x.json', '--colour', 'red'], /^backprop: train: unknown option --colour \(backprop train --help lists the options\)$/],
    ['a bad number', ['train', ADMISSIONS, '--target', 'admit', '--out', 'x.json', '--lr', 'fast'], /^backprop: train: --lr: expected a number ≥ 0, got "fast"$/],
    ['an unknown column', ['train', ADMISSIONS, '--target', 'admitted', '--out', 'x.json'], /line 1: no column "admitted"; the columns are admit, gre, gpa, rank/],
    ['a missing file', ['train', 'nowhere.csv', '--target', 'a', '--out', 'x.json'], /^backprop: cannot read the CSV file nowhere.csv: no such file/],
    ['an activation the output cannot take', ['train', ADMISSIONS, '--target', 'admit', '--out', 'x.json', '--loss', 'categorical-cross-entropy'], /needs a 'softmax' output layer, got 'sigmoid'/],
    ['an unknown demo', ['demo', 'cifar'], /^backprop: demo: unknown demo "cifar"; the demos are: mnist/],
  ])('%s', (_what, args, message) => {
    const r = backprop(...args);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  }, 30_000);

  it('bad CSVs: a ragged row and a missing value, each with its line', () => {
    const ragged = broken('ragged.csv', 'a,b,y\n1,2,0\n3,4\n');
    const r1 = backprop('train', ragged, '--target', 'y', '--out', join(dir, 'r.json'));
    expect([r1.code, r1.stderr.trim()]).toEqual([2, `backprop: ${ragged}, line 3: expected 3 fields (a, b, y), got 2`]);
    const missing = broken('missing.csv', 'a,b,y\n1,2,0\n3,,1\n');
    const r2 = backprop('train', missing, '--target', 'y', '--out', join(dir, 'm.json'));
    expect([r2.code, r2.stderr.trim()]).toEqual([2, `backprop: ${missing}, line 3: column "b" has a missing value ("")`]);
    expect(existsSync(join(dir, 'r.json')) || existsSync(join(dir, 'm.json'))).toBe(false);
  }, 30_000);

  it('bad model files and explain arguments', () => {
    const notJson = broken('model.json', '{ nope');
    expect(backprop('predict', notJson, ADMISSIONS)).toMatchObject({ code: 2, stderr: expect.stringMatching(/model.json: not a model file: the JSON does not parse/) });
    const wrong = broken('wrong.json', JSON.stringify({ format: 'backprop-network', version: 1 }));
    expect(backprop('explain', wrong, '--input', '0', '--target', '1')).toMatchObject({ code: 2, stderr: expect.stringMatching(/Network.fromJSON: missing field/) });
    expect(backprop('explain', wrong)).toMatchObject({ code: 2, stderr: expect.stringMatching(/explain: --input is required \(--input X,Y,…: /) });
  }, 30_000);
});
