// What brain.js's test() reports: the mean of each sample's (1/K)·Σ(y − a)², the misclassified
// samples, and for one-output networks the confusion counts with precision, recall and accuracy
// (an output above binaryThresh counts as 1); with several outputs a sample's class is its largest.

/** A sample test() got wrong: its vectors, and the classes found and expected. */
export interface Misclass {
  /** The sample's input vector. */
  input: Float32Array;
  /** The sample's target vector. */
  output: Float32Array;
  /** The class the network gave (0/1 for one output, else the index of the largest output). */
  actual: number;
  /** The class of the target. */
  expected: number;
}

/** test()'s result. */
export interface TestResult {
  /** Mean over samples of (1/K)·Σ(y − a)². */
  error: number;
  /** The samples classified wrong. */
  misclasses: Misclass[];
  /** Samples tested. */
  total: number;
}

/** test()'s result for a network with one output: also the confusion counts. */
export interface BinaryTestResult extends TestResult {
  /** Expected 0, got 0. */
  trueNeg: number;
  /** Expected 1, got 1. */
  truePos: number;
  /** Expected 1, got 0. */
  falseNeg: number;
  /** Expected 0, got 1. */
  falsePos: number;
  /** truePos / (truePos + falsePos), or 0 with no true positives. */
  precision: number;
  /** truePos / (truePos + falseNeg), or 0 with no true positives. */
  recall: number;
  /** (truePos + trueNeg) / total. */
  accuracy: number;
}

/** The index of the largest value (the first of equals). */
function argmax(v: Float32Array): number {
  let best = 0;
  for (let k = 1; k < v.length; k++) if (v[k] > v[best]) best = k;
  return best;
}

/** brain.js's mse of the differences, taken as float32 as it stores them. */
function sampleError(target: Float32Array, output: Float32Array): number {
  let sum = 0;
  for (let k = 0; k < output.length; k++) sum += Math.fround(target[k] - output[k]) ** 2;
  return sum / output.length;
}

/** Score outputs (rows × K, row-major) against the samples' vectors. */
export function testResult(x: Float32Array, y: Float32Array, outputs: Float32Array, rows: number, binaryThresh: number): TestResult | BinaryTestResult {
  const K = outputs.length / rows;
  const I = x.length / rows;
  const misclasses: Misclass[] = [];
  const counts = { trueNeg: 0, truePos: 0, falseNeg: 0, falsePos: 0 };
  let errorSum = 0;
  for (let i = 0; i < rows; i++) {
    const output = outputs.subarray(i * K, (i + 1) * K);
    const target = y.subarray(i * K, (i + 1) * K);
    const actual = K === 1 ? (output[0] > binaryThresh ? 1 : 0) : argmax(output);
    const expected = K === 1 ? target[0] : argmax(target);
    if (actual !== expected) misclasses.push({ input: x.slice(i * I, (i + 1) * I), output: target.slice(), actual, expected });
    if (K === 1) {
      if (actual === 0 && expected === 0) counts.trueNeg++;
      else if (actual === 1 && expected === 1) counts.truePos++;
      else if (actual === 0 && expected === 1) counts.falseNeg++;
      else if (actual === 1 && expected === 0) counts.falsePos++;
    }
    errorSum += sampleError(target, output);
  }
  const result: TestResult = { error: errorSum / rows, misclasses, total: rows };
  if (K !== 1) return result;
  const { truePos, falsePos, falseNeg, trueNeg } = counts;
  return {
    ...result,
    ...counts,
    precision: truePos > 0 ? truePos / (truePos + falsePos) : 0,
    recall: truePos > 0 ? truePos / (truePos + falseNeg) : 0,
    accuracy: (trueNeg + truePos) / rows,
  };
}
