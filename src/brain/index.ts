/**
 * `backprop/brain`: brain.js's `NeuralNetwork`, `CrossValidate` and `likely` on backprop's kernels.
 * @module backprop/brain
 */
// Change `from 'brain.js'` to `from 'backprop/brain'`; the README's migration section lists what differs.
import { NeuralNetwork } from './neural-network.js';
import { CrossValidate } from './cross-validate.js';
import { likely } from './likely.js';

export { NeuralNetwork, CrossValidate, likely };
export type { NeuralNetworkOptions, BrainTrainOptions, BrainActivation, TrainingStatus, TrainOpts, NetOptions } from './options.js';
export type { BrainNetworkJSON, BrainJSONLayer, BrainTrainOptsJSON } from './json.js';
export type { BrainDatum } from './data.js';
export type { Lookup, BrainValue } from './lookup.js';
export type { TestResult, BinaryTestResult, Misclass } from './test-result.js';
export type { CrossValidateJSON, CrossValidateSet, CrossValidateStats, CrossValidateAverages, InitClassifier } from './cross-validate.js';
export type { Runnable } from './likely.js';
export type { StandaloneRun } from './to-function.js';

/** The same members as the named exports, for `import brain from 'backprop/brain'` (as `brain.NeuralNetwork`). */
const brain = {
  /** brain.js's NeuralNetwork on our kernels. */
  NeuralNetwork,
  /** k-fold cross-validation. */
  CrossValidate,
  /** The key of the largest output. */
  likely,
};
export default brain;
