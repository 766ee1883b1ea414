// fit's samples, checked against the plan before any training: shapes, the validation split or
// data, and what the plan asks of the targets. fit and trainInWorker (on the calling thread)
// both start here, so a bad call fails the same way in both, before anything runs.
import { monitorOf, type FitPlan } from './fit-options.js';
import { copyOfRows, isClassLabels, rowCount, type Samples } from './samples.js';

/** Samples as one row-major matrix. */
export interface Matrices {
  x: Float32Array;
  y: Float32Array;
  rows: number;
}

/**
 * The training set. `x` may be the caller's own Float32Array, not yet checked for NaN or
 * infinities (inputsChecked false): it is copied into the arena anyway, and checked there.
 */
export type TrainingSamples = Matrices & { inputsChecked: boolean };

export interface TrainingData {
  train: TrainingSamples;
  validation: Matrices | null;
}

export interface Widths {
  inputs: number;
  outputs: number;
}

/** The number of samples, once inputs and targets have been checked to be whole rows, as many of each. */
export function rowCounts(inputs: Samples, targets: Samples, w: Widths, label: string): number {
  const rows = rowCount(inputs, w.inputs, `${label}: inputs`);
  const yRows = rowCount(targets, w.outputs, `${label}: targets`);
  if (yRows !== rows) throw new RangeError(`${label}: expected as many target rows as input rows, got ${rows} inputs and ${yRows} targets`);
  return rows;
}

/** Inputs and targets checked (shapes, matching row counts, finite values) and copied into new matrices. */
export function matrices(inputs: Samples, targets: Samples, w: Widths, label: string): Matrices {
  const rows = rowCounts(inputs, targets, w, label);
  return { x: copyOfRows(inputs, w.inputs, rows, `${label}: inputs`), y: copyOfRows(targets, w.outputs, rows, `${label}: targets`), rows };
}

/**
 * Split and check fit's samples. Inputs already in one flat Float32Array are neither copied nor
 * checked here unless `copy` (a worker needs its own copy), because the engine copies them into
 * the arena anyway and checks them there with the SIMD kernel: on 2,048 MNIST digits that takes
 * a fit call's set-up from ~1.3 to ~0.3 ms. Targets, a small fraction, are checked as usual.
 */
export function trainingData(plan: FitPlan, inputs: Samples, targets: Samples, w: Widths, label: string, copy = false): TrainingData {
  let all: TrainingSamples;
  if (inputs instanceof Float32Array && !copy) {
    const rows = rowCounts(inputs, targets, w, label);
    all = { x: inputs, y: copyOfRows(targets, w.outputs, rows, `${label}: targets`), rows, inputsChecked: false };
  } else {
    all = { ...matrices(inputs, targets, w, label), inputsChecked: true };
  }
  const data = split(plan, all, w, label);
  if (monitorOf(plan, data.validation !== null) === 'valLoss' && !data.validation) {
    throw new TypeError(`${label}: earlyStopping.monitor: 'valLoss' needs validationData or a validationSplit that holds out at least one sample`);
  }
  if (plan.accuracy && !isClassLabels(data.train.y, w.outputs)) {
    throw new TypeError(`${label}: metrics: 'accuracy' needs class-label targets (0 or 1, one-hot rows for several outputs)`);
  }
  return data;
}

function split(plan: FitPlan, all: TrainingSamples, w: Widths, label: string): TrainingData {
  if (plan.validationData) {
    const [x, y] = plan.validationData;
    return { train: all, validation: matrices(x, y, w, `${label}: validationData`) };
  }
  const held = Math.floor(all.rows * plan.validationSplit);
  if (held === 0) return { train: all, validation: null };
  const kept = all.rows - held;
  if (kept === 0) throw new RangeError(`${label}: validationSplit ${plan.validationSplit} leaves no training samples out of ${all.rows}`);
  // The held-out inputs are copied (and so checked) here: they are read again after every epoch.
  const validationX = all.inputsChecked ? all.x.subarray(kept * w.inputs) : copyOfRows(all.x, w.inputs, held, `${label}: inputs`, kept);
  return {
    train: { x: all.x.subarray(0, kept * w.inputs), y: all.y.subarray(0, kept * w.outputs), rows: kept, inputsChecked: all.inputsChecked },
    validation: { x: validationX, y: all.y.subarray(kept * w.outputs), rows: held },
  };
}
