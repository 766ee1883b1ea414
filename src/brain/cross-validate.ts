// brain.js's CrossValidate: k folds of the data, shuffled with Math.random as brain.js does; a
// classifier trained on the rest of the data and tested on each fold, the averages and sums
// kept, and the fold with the lowest training error as the network to use.
import { describe } from '../validate/values.js';
import { NeuralNetwork } from './neural-network.js';
import type { BrainDatum } from './data.js';
import type { BrainNetworkJSON } from './json.js';
import type { BrainTrainOptions, NeuralNetworkOptions } from './options.js';
import type { BinaryTestResult, TestResult } from './test-result.js';

/** One fold's result: test()'s, with the training's error and iterations, the times (ms) and the trained network's JSON. */
export type CrossValidateSet = (TestResult | BinaryTestResult) & {
  /** Milliseconds training. */
  trainTime: number;
  /** Milliseconds testing. */
  testTime: number;
  /** Training passes. */
  iterations: number;
  /** The trained network, as toJSON gives it. */
  network: BrainNetworkJSON;
};

/** Averages over the folds. */
export interface CrossValidateAverages {
  /** Milliseconds training, per fold. */
  trainTime: number;
  /** Milliseconds testing, per fold. */
  testTime: number;
  /** Training passes, per fold. */
  iterations: number;
  /** Training error, per fold. */
  error: number;
}

/** Totals over the folds; for one-output networks the confusion counts and their rates too. */
export interface CrossValidateStats {
  /** Samples tested, over all folds. */
  total: number;
  /** Samples per fold (data.length / k, not rounded). */
  testSize: number;
  /** Samples trained on per fold. */
  trainSize: number;
  /** Expected 1, got 1 (one-output networks). */
  truePos?: number;
  /** Expected 0, got 0. */
  trueNeg?: number;
  /** Expected 0, got 1. */
  falsePos?: number;
  /** Expected 1, got 0. */
  falseNeg?: number;
  /** truePos / (truePos + falsePos). */
  precision?: number;
  /** truePos / (truePos + falseNeg). */
  recall?: number;
  /** (truePos + trueNeg) / total. */
  accuracy?: number;
}

/** What CrossValidate.train returns and toJSON gives. */
export interface CrossValidateJSON {
  /** Averages over the folds. */
  avgs: CrossValidateAverages;
  /** Totals over the folds. */
  stats: CrossValidateStats;
  /** Each fold's result. */
  sets: CrossValidateSet[];
}

/** A function making a fresh classifier, as brain.js 2.x's CrossValidate takes. */
export type InitClassifier = () => NeuralNetwork;

/** Whether a function is the NeuralNetwork class (or a subclass), brain.js 1.6.1's way of naming the classifier. */
function isNetworkClass(f: unknown): f is typeof NeuralNetwork {
  return f === NeuralNetwork || (typeof f === 'function' && f.prototype instanceof NeuralNetwork);
}

/** k-fold cross-validation of NeuralNetworks. */
export class CrossValidate {
  /** The last train()'s result (or what fromJSON was given); null before. */
  json: CrossValidateJSON | null = null;
  private readonly make: InitClassifier;

  /** `new CrossValidate(() => new NeuralNetwork(options))` as brain.js 2.x, or `new CrossValidate(NeuralNetwork, options)` as 1.6.1. */
  constructor(initClassifier: InitClassifier | typeof NeuralNetwork, options?: NeuralNetworkOptions) {
    if (isNetworkClass(initClassifier)) this.make = () => new initClassifier(options);
    else if (typeof initClassifier === 'function') this.make = initClassifier as InitClassifier;
    else throw new TypeError(`new CrossValidate: expected a function making a NeuralNetwork, got ${describe(initClassifier)}`);
  }

  /** Train and test on k folds (default 4); `data` is shuffled in place, as brain.js does. */
  train(data: BrainDatum[], trainOpts: BrainTrainOptions = {}, k = 4): CrossValidateJSON {
    if (!Array.isArray(data)) throw new TypeError(`CrossValidate.train: data: expected an array of samples, got ${describe(data)}`);
    if (typeof k !== 'number' || !Number.isInteger(k) || k < 2) throw new RangeError(`CrossValidate.train: k: expected a whole number ≥ 2, got ${describe(k)}`);
    if (data.length < k) throw new RangeError(`CrossValidate.train: data: expected at least k = ${k} samples, got ${data.length}`);
    shuffle(data);
    const size = data.length / k;
    const avgs: CrossValidateAverages = { trainTime: 0, testTime: 0, iterations: 0, error: 0 };
    const stats: CrossValidateStats = { total: 0, testSize: 0, trainSize: 0 };
    const sets: CrossValidateSet[] = [];
    for (let i = 0; i < k; i++) {
      const rest = data.slice(0);
      const fold = rest.splice(i * size, size); // fractional sizes as brain.js: splice truncates
      const result = this.testPartition(trainOpts, rest, fold);
      if (i === 0 && 'truePos' in result) Object.assign(stats, { truePos: 0, trueNeg: 0, falsePos: 0, falseNeg: 0, precision: 0, recall: 0, accuracy: 0 });
      avgs.iterations += result.iterations;
      avgs.testTime += result.testTime;
      avgs.trainTime += result.trainTime;
      avgs.error += result.error;
      stats.total += result.total;
      if (stats.truePos !== undefined && 'truePos' in result) {
        for (const key of ['truePos', 'trueNeg', 'falsePos', 'falseNeg', 'precision', 'recall', 'accuracy'] as const) stats[key]! += result[key];
      }
      sets.push(result);
    }
    for (const key of Object.keys(avgs) as Array<keyof CrossValidateAverages>) avgs[key] /= k;
    if (stats.truePos !== undefined) {
      stats.precision = stats.truePos / (stats.truePos + stats.falsePos!);
      stats.recall = stats.truePos / (stats.truePos + stats.falseNeg!);
      stats.accuracy = (stats.trueNeg! + stats.truePos) / stats.total;
    }
    stats.testSize = size;
    stats.trainSize = data.length - size;
    return (this.json = { avgs, stats, sets });
  }

  /** Train a fresh classifier on one split and test it on the other. */
  testPartition(trainOpts: BrainTrainOptions, trainSet: BrainDatum[], testSet: BrainDatum[]): CrossValidateSet {
    const classifier = this.make();
    const beginTrain = Date.now();
    const training = classifier.train(trainSet, trainOpts);
    const beginTest = Date.now();
    const tested = classifier.test(testSet);
    const endTest = Date.now();
    const network = classifier.toJSON();
    classifier.dispose();
    // brain.js reports the training error in place of the test error.
    return { ...tested, trainTime: beginTest - beginTrain, testTime: endTest - beginTest, iterations: training.iterations, error: training.error, network };
  }

  /** The network of the fold with the lowest error. */
  toNeuralNetwork(): NeuralNetwork {
    if (!this.json) throw new Error('CrossValidate.toNeuralNetwork: nothing trained yet; call train first');
    return this.fromJSON(this.json);
  }

  /** The last train()'s result, or null. */
  toJSON(): CrossValidateJSON | null {
    return this.json;
  }

  /** A classifier loaded with the network of the set with the lowest error. */
  fromJSON(json: CrossValidateJSON): NeuralNetwork {
    if (!json || !Array.isArray(json.sets) || json.sets.length === 0) throw new TypeError(`CrossValidate.fromJSON: expected { sets: [...] } from CrossValidate.toJSON, got ${describe(json)}`);
    const best = json.sets.reduce((prev, cur) => (prev.error < cur.error ? prev : cur));
    return this.make().fromJSON(best.network);
  }
}

/** Durstenfeld's shuffle with Math.random, brain.js's. */
function shuffle<T>(array: T[]): void {
  for (let i = array.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [array[i], array[j]] = [array[j], array[i]];
  }
}
