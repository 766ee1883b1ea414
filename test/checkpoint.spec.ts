// Checkpoints in one process: fit aborted at random batches and called again ends bit-identical
// to one uninterrupted fit (a file and a save/load store, every backend row); a checkpoint of
// another run is refused saying what differs; a damaged newest file falls back to the one before
// it and says so; a write that fails stops training and keeps the last checkpoint; a finished run
// removes its checkpoint, or with keep returns its result again; bad options are named.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Network, Random, type FitOptions, type History } from '../src/index.js';
import { blobs } from './blobs.js';
import { JS, ROWS, describeRows, type Row } from './backends.js';
import { backprop, ADMISSIONS } from './cli-run.js';

const dir = mkdtempSync(join(tmpdir(), 'backprop-checkpoint-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const freshPath = () => join(dir, `run-${files++}.ckpt`);

const { X, Y } = blobs(4, 90);
const OPTIONS: FitOptions = {
  epochs: 6, batchSize: 8, learningRate: 0.05, optimizer: 'adam', validationSplit: 0.2, metrics: ['accuracy'],
  earlyStopping: { patience: 100, monitor: 'loss' }, learningRateSchedule: { type: 'exponential', rate: 0.9 },
};
const classifier = (row: Row, seed = 9) =>
  row.create({ layers: [4, 6, { units: 3, activation: 'softmax' }], loss: 'categorical-cross-entropy', seed });

/** fit until it finishes, aborted after a random number of batches each time, on a new network each time as after a crash. */
async function interrupted(make: () => Promise<Network>, checkpoint: FitOptions['checkpoint'], rng: Random) {
  let aborts = 0;
  for (;;) {
    const net = await make();
    const controller = new AbortController();
    const stopAt = 1 + rng.below(20);
    let batches = 0;
    const history = await net.fit(X, Y, { ...OPTIONS, checkpoint, signal: controller.signal, onBatchEnd: () => void (++batches === stopAt && controller.abort()) });
    if (history.stopped !== 'aborted') return { net, history, aborts };
    aborts++;
  }
}

/** A store of bytes in memory, as a page would keep them in IndexedDB. */
function memoryStore() {
  let bytes: Uint8Array | null = null;
  return {
    save: (b: Uint8Array) => void (bytes = b.slice()),
    load: () => bytes,
    remove: () => void (bytes = null),
    stored: () => bytes,
  };
}

describeRows(ROWS)('checkpoints (%s)', (row) => {
  it('fit aborted at random batches and called again ends bit-identical to one fit, from a file and from a store', async () => {
    const reference = await classifier(row);
    const expected = await reference.fit(X, Y, OPTIONS);
    const path = freshPath();
    const fromFile = await interrupted(() => classifier(row), { path, every: { batches: 3 } }, new Random(1));
    const { stored, ...store } = memoryStore();
    const fromStore = await interrupted(() => classifier(row), { ...store, every: { epochs: 1 } }, new Random(2));
    for (const run of [fromFile, fromStore]) {
      expect(run.aborts).toBeGreaterThan(1);
      expect(run.history).toEqual(expected);
      expect(run.net.getParameters()).toEqual(reference.getParameters());
    }
    expect(readdirSync(dir).filter((f) => f.startsWith(path.split('/').pop()!))).toEqual([]);
    expect(stored()).toBeNull();
  });
});

describe('checkpoints', () => {
  /** A checkpoint of a run of OPTIONS aborted after `batches` batches. */
  async function aborted(path: string, batches = 10, options: FitOptions = {}): Promise<Uint8Array> {
    const net = await classifier(JS);
    const controller = new AbortController();
    let n = 0;
    await net.fit(X, Y, { ...OPTIONS, ...options, checkpoint: { path, every: { batches: 4 } }, signal: controller.signal, onBatchEnd: () => void (++n === batches && controller.abort()) });
    return readFileSync(path);
  }

  it('refuses a checkpoint of another architecture, other options or other data, saying what differs, and changes nothing', async () => {
    const path = freshPath();
    const bytes = await aborted(path);
    const other = await JS.create({ layers: [4, 7, { units: 3, activation: 'softmax' }], loss: 'categorical-cross-entropy', seed: 9 });
    await expect(other.fit(X, Y, { ...OPTIONS, checkpoint: { path } })).rejects.toThrow(/checkpoint ".*": written by another run: layers is .*7.* here, .*6.* in the checkpoint; nothing was changed/);
    const net = await classifier(JS);
    const before = net.getParameters();
    await expect(net.fit(X, Y, { ...OPTIONS, epochs: 9, checkpoint: { path } })).rejects.toThrow(/epochs is 9 here, 6 in the checkpoint/);
    await expect(net.fit(X, Y, { ...OPTIONS, learningRate: 0.1, checkpoint: { path } })).rejects.toThrow(/learningRate is 0.1 here, 0.05 in the checkpoint/);
    const moved = X.map((x, i) => (i === 3 ? [x[0] + 1, ...x.slice(1)] : x));
    await expect(net.fit(moved, Y, { ...OPTIONS, checkpoint: { path } })).rejects.toThrow(/the training inputs differ \(fingerprint \w+\/\d+ here, \w+\/\d+ in the checkpoint\)/);
    const reseeded = await classifier(JS, 10);
    await expect(reseeded.fit(X, Y, { ...OPTIONS, checkpoint: { path } })).rejects.toThrow(/seed is 10 here, 9 in the checkpoint/);
    expect(net.getParameters()).toEqual(before);
    expect(readFileSync(path)).toEqual(Buffer.from(bytes));
  });

  it('refuses a file that is not a checkpoint and leaves it as it was', async () => {
    const path = freshPath();
    const net = await classifier(JS);
    await net.save(path);
    const model = readFileSync(path);
    await expect(net.fit(X, Y, { ...OPTIONS, checkpoint: { path } })).rejects.toThrow(/not a backprop checkpoint/);
    writeFileSync(path, 'epoch,loss\n1,0.5\n');
    await expect(net.fit(X, Y, { ...OPTIONS, checkpoint: { path } })).rejects.toThrow(/not a backprop checkpoint/);
    await net.save(path);
    expect(readFileSync(path)).toEqual(model);
  });

  it('a damaged newest checkpoint (truncated, a flipped bit) falls back to the one before it, says so, and still ends bit-identical', async () => {
    const reference = await classifier(JS);
    const expected = await reference.fit(X, Y, OPTIONS);
    for (const damage of [(b: Buffer) => b.subarray(0, b.length - 100), (b: Buffer) => (b[b.length - 50] ^= 4, b)]) {
      const path = freshPath();
      await aborted(path, 13);
      expect(existsSync(`${path}.prev`)).toBe(true);
      writeFileSync(path, damage(readFileSync(path)));
      const warnings: string[] = [];
      const net = await classifier(JS);
      const history = await net.fit(X, Y, { ...OPTIONS, checkpoint: { path, onWarning: (m) => warnings.push(m) } });
      expect(warnings).toEqual([expect.stringMatching(/\.ckpt": (truncated|checksum does not match).*; resuming from the checkpoint before it, ".*\.ckpt\.prev"/)]);
      expect(history).toEqual(expected);
      expect(net.getParameters()).toEqual(reference.getParameters());
    }
  });

  it('with no whole checkpoint left, refuses rather than start over', async () => {
    const path = freshPath();
    await aborted(path, 13);
    writeFileSync(path, readFileSync(path).subarray(0, 40));
    writeFileSync(`${path}.prev`, '');
    const net = await classifier(JS);
    await expect(net.fit(X, Y, { ...OPTIONS, checkpoint: { path } })).rejects.toThrow(/truncated.*and there is no whole checkpoint before it; nothing was changed/);
  });

  it('a checkpoint that cannot be written stops training with a clear error and leaves the last one intact', async () => {
    const path = freshPath();
    const bytes = await aborted(path);
    mkdirSync(`${path}.next`); // the new checkpoint's name is taken by a directory: the rename onto it fails
    const net = await classifier(JS);
    await expect(net.fit(X, Y, { ...OPTIONS, checkpoint: { path, every: { batches: 1 } } })).rejects.toThrow(/fit: checkpoint ".*": cannot write ".*\.next":.*; training stopped, the last checkpoint is intact/);
    expect(readFileSync(path)).toEqual(Buffer.from(bytes));
    rmSync(`${path}.next`, { recursive: true });
    const store = { save: () => Promise.reject(new Error('quota exceeded')), load: () => null };
    await expect(net.fit(X, Y, { ...OPTIONS, checkpoint: { ...store, every: { batches: 1 } } })).rejects.toThrow('fit: checkpoint: save failed: quota exceeded; training stopped');
  });

  it('a finished run removes its checkpoint; with keep, calling fit again returns its result without training', async () => {
    const path = freshPath();
    const net = await classifier(JS);
    const history = await net.fit(X, Y, { ...OPTIONS, checkpoint: { path, every: { batches: 1 } } });
    expect(existsSync(path) || existsSync(`${path}.prev`)).toBe(false);
    const kept = await classifier(JS);
    expect(await kept.fit(X, Y, { ...OPTIONS, checkpoint: { path, keep: true } })).toEqual(history);
    expect(existsSync(path)).toBe(true);
    const again = await classifier(JS);
    let batches = 0;
    const repeated: History = await again.fit(X, Y, { ...OPTIONS, checkpoint: { path, keep: true }, onBatchEnd: () => void batches++ });
    expect(batches).toBe(0);
    expect(repeated).toEqual(history);
    expect(again.getParameters()).toEqual(net.getParameters());
  });

  it('resuming on other kernels goes on, and warns that the bits will differ', async () => {
    const path = freshPath();
    await aborted(path);
    const warnings: string[] = [];
    const net = await Network.create({ layers: [4, 6, { units: 3, activation: 'softmax' }], loss: 'categorical-cross-entropy', seed: 9, backend: 'wasm' });
    const history = await net.fit(X, Y, { ...OPTIONS, checkpoint: { path, onWarning: (m) => warnings.push(m) } });
    expect(history).toMatchObject({ epochs: 6, stopped: 'completed' });
    expect(warnings).toEqual([expect.stringMatching(/written with the js kernels, resuming with wasm-\S+: training goes on, but not to the same bits as one run/)]);
    net.dispose();
  });

  it('names bad checkpoint options', async () => {
    const net = await classifier(JS);
    const fit = (checkpoint: unknown) => net.fit(X, Y, { checkpoint } as FitOptions);
    await expect(fit({})).rejects.toThrow('fit: checkpoint: expected path (a file) or save and load (a store of bytes), got neither');
    await expect(fit({ path: 'a', load: () => null })).rejects.toThrow('fit: checkpoint: expected either path or save and load, got both');
    await expect(fit({ save: () => {} })).rejects.toThrow('fit: checkpoint: expected both save and load functions, got no load');
    await expect(fit({ path: 'a', every: 30 })).rejects.toThrow(/fit: checkpoint.every: expected one of \{ batches: n \}, \{ epochs: n \}, \{ seconds: s \}, got number 30/);
    await expect(fit({ path: 'a', every: { batches: 0 } })).rejects.toThrow(/fit: checkpoint.every.batches/);
    await expect(fit({ path: 'a', often: true })).rejects.toThrow(/fit: checkpoint.*often/);
    const { stored: _, ...store } = memoryStore();
    await expect(net.trainInWorker(X, Y, { checkpoint: store })).rejects.toThrow('trainInWorker: checkpoint: save and load are functions, which cannot be sent to the worker; give a path, or use fit');
  });

  it('backprop train --checkpoint trains as without it and removes the file when done', () => {
    const path = freshPath();
    const args = ['train', ADMISSIONS, '--target', 'admit', '--categorical', 'rank', '--standardize', 'gre,gpa', '--epochs', '5'];
    const plain = backprop(...args, '--out', join(dir, 'a.json'));
    const checkpointed = backprop(...args, '--out', join(dir, 'b.json'), '--checkpoint', path);
    expect(checkpointed.code).toBe(0);
    expect(readFileSync(join(dir, 'b.json'), 'utf8')).toBe(readFileSync(join(dir, 'a.json'), 'utf8'));
    expect(checkpointed.stdout.replace(/\(.* s\)/, '').replace(/b\.json/, 'a.json')).toBe(plain.stdout.replace(/\(.* s\)/, ''));
    expect(existsSync(path)).toBe(false);
  }, 60_000);
});
