// trainStep's options, and the optimizer part of fit's: learning rate, optimizer and its settings, L2.
import { optimizers, DEFAULT_OPTIMIZER, OPTIMIZER_OPTION_KEYS, type OptimizerName, type OptimizerEntry } from '../registry/optimizers.js';
import { boolean, fraction, nonNegative, oneOf, optionsObject, positive } from './values.js';

/** Options of Network.trainStep, and the optimizer part of fit's: the learning rate, the optimizer and its settings, L2. */
export interface StepOptions {
  /** η in w ← w − η·dE/dw. Default 0.01, as Keras' SGD. */
  learningRate?: number;
  /** 'sgd' (default), 'momentum', 'adam' or 'rmsprop'. */
  optimizer?: OptimizerName;
  /** Momentum coefficient μ for 'momentum' (default 0.9). */
  momentum?: number;
  /** Nesterov momentum for 'momentum' (default false). */
  nesterov?: boolean;
  /** Adam's decay of the first moment (default 0.9). */
  beta1?: number;
  /** Adam's decay of the second moment (default 0.999). */
  beta2?: number;
  /** Adam's and RMSprop's ε (default 1e-7, as Keras). */
  epsilon?: number;
  /** RMSprop's decay of the mean square (default 0.9). */
  rho?: number;
  /**
   * L2 regularisation λ as in Nielsen's network2: each weight's gradient gains (λ/n)·w, n the
   * number of training samples (the batch's rows for trainStep), so sgd does
   * w ← (1 − ηλ/n)·w − η·ḡ. Biases are not decayed. Default 0.
   */
  weightDecay?: number;
}

export interface ParsedStep {
  learningRate: number;
  optimizer: OptimizerEntry;
  /** The optimizer's settings: numbers as given, booleans as 1 or 0. */
  options: Record<string, number>;
  /** λ of the L2 penalty (λ/2n)·Σw². */
  weightDecay: number;
  /** n in λ/n: the training set's size, or null for the batch's rows (trainStep). */
  setSize: number | null;
}

export const DEFAULT_LEARNING_RATE = 0.01;
export const STEP_KEYS: readonly string[] = ['learningRate', 'optimizer', 'weightDecay', ...OPTIMIZER_OPTION_KEYS.keys()];

export function parseStepOptions(options: unknown, label: string, known: readonly string[] = STEP_KEYS): ParsedStep {
  const o = optionsObject(options, known, `${label}: options`);
  const learningRate = nonNegative(o.learningRate ?? DEFAULT_LEARNING_RATE, `${label}: learningRate`);
  const weightDecay = nonNegative(o.weightDecay ?? 0, `${label}: weightDecay`);
  const name = o.optimizer === undefined ? DEFAULT_OPTIMIZER : oneOf(o.optimizer, Object.keys(optimizers) as OptimizerName[], `${label}: optimizer`);
  const optimizer = optimizers[name];
  for (const [key, owners] of OPTIMIZER_OPTION_KEYS) {
    if (o[key] !== undefined && !owners.includes(name)) {
      const which = owners.map((n) => `'${n}'`).join(' and ');
      throw new TypeError(`${label}: ${key} applies to the ${which} optimizer${owners.length > 1 ? 's' : ''}, not '${name}'`);
    }
  }
  const parsed: Record<string, number> = {};
  for (const [key, spec] of Object.entries(optimizer.options)) {
    const v = o[key] === undefined ? spec.default : o[key];
    const where = `${label}: ${key}`;
    if (spec.kind === 'boolean') parsed[key] = boolean(v, where) ? 1 : 0;
    else if (spec.kind === 'fraction') parsed[key] = fraction(v, where);
    else parsed[key] = positive(v, where);
  }
  return { learningRate, optimizer, options: parsed, weightDecay, setSize: null };
}
