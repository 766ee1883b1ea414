import type { Backend } from './backend.js';
import type { Layout } from './layout.js';
import type { LossEntry } from './registry/losses.js';
import { optimizers, DEFAULT_OPTIMIZER, MAX_STATE_VECTORS, type OptimizerName, type OptimizerEntry } from './registry/optimizers.js';
import { forwardPass, backwardPass } from './passes.js';
import { oneOf, plainObject, rejectUnknownKeys } from './options.js';
import { describe } from './samples.js';

export interface StepOptions {
  /** η in w ← w − η·dE/dw. Default 0.01, as Keras' SGD. */
  learningRate?: number;
  /** 'sgd' (default) or 'momentum'. */
  optimizer?: OptimizerName;
  /** Momentum coefficient μ for 'momentum' (default 0.9). */
  momentum?: number;
}

export interface ParsedStep {
  learningRate: number;
  optimizer: OptimizerEntry;
  options: Record<string, number>;
}

export const DEFAULT_LEARNING_RATE = 0.01;
export const STEP_KEYS = ['learningRate', 'optimizer', 'momentum'] as const;

export function parseStepOptions(options: unknown, label: string, known: readonly string[] = STEP_KEYS): ParsedStep {
  const o = plainObject(options, `${label}: options`);
  rejectUnknownKeys(o, known, `${label}: options`);
  const learningRate = o.learningRate === undefined ? DEFAULT_LEARNING_RATE : o.learningRate;
  if (typeof learningRate !== 'number' || !Number.isFinite(learningRate) || learningRate < 0) {
    throw new RangeError(`${label}: learningRate: expected a finite number ≥ 0, got ${describe(learningRate)}`);
  }
  const name = o.optimizer === undefined ? DEFAULT_OPTIMIZER : oneOf(o.optimizer, Object.keys(optimizers) as OptimizerName[], `${label}: optimizer`);
  const optimizer = optimizers[name];
  const parsed: Record<string, number> = {};
  for (const [key, fallback] of Object.entries(optimizer.defaults)) {
    const v = o[key] === undefined ? fallback : o[key];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v >= 1) {
      throw new RangeError(`${label}: ${key}: expected a number in [0, 1), got ${describe(v)}`);
    }
    parsed[key] = v;
  }
  for (const key of ['momentum']) {
    if (o[key] !== undefined && !(key in optimizer.defaults)) {
      throw new TypeError(`${label}: ${key} applies to the 'momentum' optimizer, not '${name}'`);
    }
  }
  return { learningRate, optimizer, options: parsed };
}

/**
 * Runs training steps on a batch already in the arena: forward, backward, then the
 * optimizer's fused update over the flat parameter vector. A non-finite loss or gradient
 * stops the step before the update, so the weights stay as they were.
 */
export class StepRunner {
  /** The optimizer whose state vectors hold its running state, so a switch resets them. */
  private stateOwner: OptimizerEntry | null = null;

  constructor(private readonly backend: Backend, private readonly layout: Layout) {}

  computeGradients(rows: number, loss: LossEntry): number {
    const k = this.backend.kernels;
    forwardPass(k, this.layout, rows);
    return backwardPass(k, this.layout, loss, rows);
  }

  run(rows: number, loss: LossEntry, step: ParsedStep, label: string): number {
    const value = this.computeGradients(rows, loss);
    const k = this.backend.kernels;
    const { params, grads, paramCount } = this.layout;
    if (!Number.isFinite(value)) throw new NonFiniteError(label, `the loss is ${value}; the weights were not updated`);
    const bad = k.countNonFinite(grads, paramCount);
    if (bad > 0) throw new NonFiniteError(label, `${bad} of ${paramCount} gradients are not finite; the weights were not updated`);
    if (this.stateOwner !== step.optimizer) {
      const state = this.layout.stateVector(0);
      this.backend.f32.fill(0, state, state + step.optimizer.stateVectors * paramCount);
      this.stateOwner = step.optimizer;
    }
    // Finite gradients can still overflow in the update when the learning rate is large: then keep
    // the weights in a state vector this optimizer does not use, and put them back if any came out
    // non-finite. At learningRate ≤ 1 an overflow needs weights or gradients near 1e38, whose loss
    // is not finite already, so the usual step pays nothing for this.
    if (step.learningRate > 1 && step.optimizer.stateVectors < MAX_STATE_VECTORS) {
      const backup = this.layout.stateVector(MAX_STATE_VECTORS - 1);
      this.backend.f32.copyWithin(backup, params, params + paramCount);
      step.optimizer.update(k, { params, grads, state: this.layout.stateVector(0), count: paramCount }, step.learningRate, step.options);
      const overflowed = k.countNonFinite(params, paramCount);
      if (overflowed > 0) {
        this.backend.f32.copyWithin(params, backup, backup + paramCount);
        this.stateOwner = null; // the optimizer's state took the same overflowing step: start it afresh
        throw new NonFiniteError(label, `the update with learningRate ${step.learningRate} made ${overflowed} of ${paramCount} weights non-finite; the weights were not updated`);
      }
      return value;
    }
    step.optimizer.update(k, { params, grads, state: this.layout.stateVector(0), count: paramCount }, step.learningRate, step.options);
    return value;
  }
}

/** A loss or gradient turned NaN or infinite; the message says where and the likely cause. */
export class NonFiniteError extends RangeError {
  /** `where` names the call (and for fit the epoch and batch); `detail` what went wrong. */
  constructor(where: string, readonly detail: string) {
    super(`${where}: ${detail} (a learning rate that is too high, or inputs that are not normalised, are the usual causes)`);
    this.name = 'NonFiniteError';
  }
}
