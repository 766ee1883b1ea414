/**
 * The package entry, `backprop`: the Network class, Model (a network with its encoding), the learning tools (trace, explain,
 * gradientCheck, custom activations and losses) and the data helpers.
 * @module backprop
 */
export { Network } from './network.js';
export type { LayerWeights, LayerGradients, Evaluation } from './network.js';
export type { NetworkOptions, LayerSpec, BackendChoice, NetworkSpec } from './validate/network-options.js';
export type { StepOptions } from './validate/step-options.js';
export { NonFiniteError } from './errors.js';
export type { History } from './engine/fit.js';
export type { FitOptions, EpochLogs, BatchLogs, EarlyStoppingOptions, LearningRateSchedule, Metric, TrainInWorkerOptions, CheckpointOptions, CheckpointEvery } from './validate/fit-options.js';
export type { NetworkJSON } from './persist/json.js';
export type { ModuleOptions, ModuleFormat } from './module/source.js';
export type { Samples } from './validate/samples.js';
export type { ActivationName } from './registry/activations.js';
export type { LossName } from './registry/losses.js';
export type { InitName, InitOption, InitParts, BiasInitName } from './registry/initializers.js';
export type { OptimizerName } from './registry/optimizers.js';
export type { BackendName } from './backends/backend.js';
export { Random } from './random.js';
export { wasmAvailable } from './backends/index.js';
export type { Trace, TraceLayer } from './trace.js';
export type { TraceOptions, GradientsOptions, SaveOptions, SaveFormat, ExplainOptions, GradientCheckOptions } from './validate/call-options.js';
export { explain } from './explain.js';
export { gradientCheck, type GradientCheckResult, type GradientCheckEntry } from './gradient-check.js';
export { registerActivation, registerLoss, type CustomActivation, type CustomLoss } from './custom.js';
export { parseCsv, numberColumn, textColumn, columnIndex, CsvError, type CsvTable, type CsvOptions } from './data/csv.js';
export { dummies, categoriesOf, oneHot, columnsToRows, type Dummies, type DummyOptions } from './data/encode.js';
export { fitScaler, standardize, unstandardize, type Scaler } from './data/standardize.js';
export { randomSplit, positionSplit, takeRows, type Split } from './data/split.js';
export { accuracy, confusionMatrix, meanSquaredError, classes } from './data/metrics.js';
export { shiftImages, type ShiftOptions } from './data/augment.js';
export { loadMnist, decodeMnist, mnistFile, type Digits } from './data/mnist.js';
export { Model, type ModelJSON, type ModelEvaluation } from './model/model.js';
export type { ModelFitOptions } from './model/fit.js';
export type { ModelData } from './model/records.js';
export { Encoding, EncodingBuilder, type EncodingJSON, type EncodingChoices, type InputColumn, type TargetColumn, type DataRecord, type EncodeOptions, type Prediction, type RowError } from './model/encoding.js';
export { decodeIdx, loadIdx, idxDigits, type IdxArray, type IdxType } from './data/idx.js';
export { setWorkerUrl } from './worker/train-in-worker.js';
/** @internal The training worker's job runner (src/worker/worker-entry.ts imports it from here, so a page loads the library once). */
export { runTrainingJob } from './worker/run-job.js';
export type { Dataset, DatasetElement, DatasetBatch, DatasetSize, DatasetFitOptions } from './validate/dataset-options.js';
export { csvDataset, type CsvDataset, type CsvDatasetOptions, type CsvProgress } from './data/dataset.js';
export type { ByteSource, ByteSourceOnce } from './data/byte-source.js';
