// Graduate admissions (seeds/003, "Implementing gradient descent" and "Implementing
// backpropagation"): predict `admit` from GRE, GPA and the rank of the undergraduate school.
// Data prep as in the lesson: dummy variables for rank, gre and gpa standardised (over the whole
// file, as the lesson does), 10% of the rows held out for testing (seeded). The lesson's two
// networks: a single sigmoid unit (1,000 epochs, η = 0.5) and one hidden layer of 2 sigmoid
// units (900 epochs, η = 0.005), both without biases, full-batch gradient descent on ½(y − ŷ)².
// Run: npx tsx examples/admissions.ts
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { Network, parseCsv, numberColumn, textColumn, dummies, fitScaler, standardize, columnsToRows, randomSplit, takeRows, accuracy, meanSquaredError } from '../src/index.js';

const FILE = new URL('../data/admissions/binary.csv', import.meta.url);
export const FEATURES = ['gre', 'gpa', 'rank_1', 'rank_2', 'rank_3', 'rank_4'];

export interface Admissions {
  train: { x: Float32Array; y: Float32Array };
  test: { x: Float32Array; y: Float32Array };
}

/** The lesson's data prep; `seed` picks the 10% test rows. */
export function prepareAdmissions(seed = 42): Admissions {
  const table = parseCsv(readFileSync(FILE, 'utf8'), { source: 'data/admissions/binary.csv' });
  const scaled = ['gre', 'gpa'].map((name) => {
    const values = numberColumn(table, name);
    return standardize(values, fitScaler(values, name));
  });
  const rank = dummies(textColumn(table, 'rank'), { prefix: 'rank' });
  const x = columnsToRows([...scaled, ...rank.columns]);
  const y = Float32Array.from(numberColumn(table, 'admit'));
  const split = randomSplit(table.rows.length, { test: 0.1, seed });
  return {
    train: { x: takeRows(x, FEATURES.length, split.train), y: takeRows(y, 1, split.train) },
    test: { x: takeRows(x, FEATURES.length, split.test), y: takeRows(y, 1, split.test) },
  };
}

export interface AdmissionsResult {
  /** The lesson's training MSE, mean (y − ŷ)² (twice the ½(y − ŷ)² loss it descends). */
  trainMse: number;
  testAccuracy: number;
  weights: Float32Array;
}

/** Train one of the lesson's networks; `hidden` = 0 is the single sigmoid unit. */
export async function trainAdmissions(data: Admissions, options: { hidden: number; epochs: number; learningRate: number; seed?: number; backend?: 'js' | 'wasm' }): Promise<AdmissionsResult> {
  const layers = options.hidden > 0 ? [FEATURES.length, options.hidden, 1] : [FEATURES.length, 1];
  const net = await Network.create({ layers, bias: false, loss: 'quadratic', seed: options.seed ?? 42, backend: options.backend ?? 'auto' });
  const rows = data.train.y.length;
  await net.fit(data.train.x, data.train.y, { epochs: options.epochs, batchSize: rows, learningRate: options.learningRate, shuffle: false });
  const trainMse = meanSquaredError(net.predictBatch(data.train.x), data.train.y);
  const testAccuracy = accuracy(net.predictBatch(data.test.x), data.test.y, 1);
  const weights = net.getWeights(0).weights;
  net.dispose();
  return { trainMse, testAccuracy, weights };
}

async function main(): Promise<void> {
  const data = prepareAdmissions();
  console.log(`admissions: ${data.train.y.length} training rows, ${data.test.y.length} test rows, features ${FEATURES.join(', ')}`);
  const single = await trainAdmissions(data, { hidden: 0, epochs: 1000, learningRate: 0.5 });
  console.log(`single sigmoid unit (1,000 epochs, η = 0.5): training MSE ${single.trainMse.toFixed(4)}, test accuracy ${single.testAccuracy.toFixed(3)}`);
  console.log(`  learned weights: ${FEATURES.map((f, i) => `${f} ${single.weights[i].toFixed(3)}`).join(', ')}`);
  const hidden = await trainAdmissions(data, { hidden: 2, epochs: 900, learningRate: 0.005 });
  console.log(`one hidden layer of 2 (900 epochs, η = 0.005): training MSE ${hidden.trainMse.toFixed(4)}, test accuracy ${hidden.testAccuracy.toFixed(3)}`);
  const faster = await trainAdmissions(data, { hidden: 2, epochs: 900, learningRate: 0.5 });
  console.log(`one hidden layer of 2 (900 epochs, η = 0.5): training MSE ${faster.trainMse.toFixed(4)}, test accuracy ${faster.testAccuracy.toFixed(3)}`);
  const admitted = data.test.y.reduce((s, v) => s + v, 0) / data.test.y.length;
  console.log(`  (always answering "not admitted" would score ${(1 - admitted).toFixed(3)} on this test set)`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
