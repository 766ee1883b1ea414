import type { Backend } from '../backends/backend.js';
import type { Layout } from './layout.js';
import type { LossEntry } from '../registry/losses.js';
import { optimizers, type OptimizerName, type OptimizerEntry } from '../registry/optimizers.js';
import type { ParsedStep } from '../validate/step-options.js';
import { NonFiniteError } from '../errors.js';
import type { Random } from '../random.js';
import { forwardPass, backwardPass, type DropoutKeys } from './passes.js';

/** An optimizer's running state, as StepRunner.saveState copies it out. */
export interface OptimizerState {
  optimizer: OptimizerName | null;
  updates: number;
  vectors: Float32Array;
}

/**
 * Runs training steps on a batch already in the arena: forward, backward, then the
 * optimizer's fused update over the flat parameter vector. A non-finite loss or gradient
 * stops the step before the update, so the weights stay as they were.
 */
export class StepRunner {
  /** The optimizer whose state vectors hold its running state, so a switch resets them. */
  private stateOwner: OptimizerEntry | null = null;
  /** Updates made with that state, from 1 after the first (Adam's bias correction). */
  private updates = 0;
  /** The weights before an update at a learning rate above 1, to put back if it overflowed. */
  private backup: Float32Array | null = null;

  /** This pass's dropout keys, one per layer, refilled each training pass; null when no layer has dropout. */
  private readonly keys: number[] | null;

  constructor(private readonly backend: Backend, private readonly layout: Layout, private readonly rng: Random) {
    this.keys = layout.shapes.some((s) => s.dropout > 0) ? layout.shapes.map(() => 0) : null;
  }

  /**
   * Keys for a training pass: one draw from the network's generator per layer with dropout, so a
   * seed repeats its masks; null (and no draw) when no layer has dropout or it is not training.
   */
  dropoutKeys(training: boolean): DropoutKeys {
    const keys = this.keys;
    if (!training || keys === null) return null;
    this.layout.shapes.forEach((s, i) => (keys[i] = s.dropout > 0 ? this.rng.nextUint32() : 0));
    return keys;
  }

  /** A copy of the optimizer's running state: which optimizer, its update count, its state vectors. */
  saveState(): OptimizerState {
    const at = this.layout.stateVector(0);
    const count = (this.stateOwner?.stateVectors ?? 0) * this.layout.paramCount;
    return { optimizer: this.stateOwner?.name ?? null, updates: this.updates, vectors: this.backend.f32.slice(at, at + count) };
  }

  /** Put back what saveState returned on a network of the same shape (trainInWorker hands it across threads). */
  loadState(state: OptimizerState): void {
    const owner = state.optimizer === null ? null : optimizers[state.optimizer];
    if ((owner?.stateVectors ?? 0) * this.layout.paramCount !== state.vectors.length) {
      throw new RangeError(`optimizer state: expected ${(owner?.stateVectors ?? 0) * this.layout.paramCount} numbers for '${state.optimizer}', got ${state.vectors.length}`);
    }
    this.stateOwner = owner;
    this.updates = state.updates;
    this.backend.f32.set(state.vectors, this.layout.stateVector(0));
  }

  /** Forward and backward on the loaded batch; `keys` from dropoutKeys (null: no dropout). Returns the batch loss. */
  computeGradients(rows: number, loss: LossEntry, keys: DropoutKeys): number {
    forwardPass(this.backend, this.layout, rows, keys);
    return backwardPass(this.backend, this.layout, loss, rows, keys);
  }

  run(rows: number, loss: LossEntry, step: ParsedStep, label: string): number {
    const value = this.computeGradients(rows, loss, this.dropoutKeys(true));
    const k = this.backend.kernels;
    const { params, grads, paramCount } = this.layout;
    if (!Number.isFinite(value)) throw new NonFiniteError(label, `the loss is ${value}; the weights were not updated`);
    const bad = k.countNonFinite(grads, paramCount);
    if (bad > 0) throw new NonFiniteError(label, `${bad} of ${paramCount} gradients are not finite; the weights were not updated`);
    if (step.weightDecay > 0) {
      // The L2 penalty's gradient g += (λ/n)·w, on the weights only (biases sit apart and are left alone, as in
      // network2): sgdUpdate's y −= a·x with a = −λ/n, so the optimizer below sees the penalised gradient.
      const decay = step.weightDecay / (step.setSize ?? rows);
      this.layout.shapes.forEach((s, i) => {
        const l = this.layout.layers[i];
        k.sgdUpdate(l.gradWeights, l.weights, s.units * s.inputs, -decay);
      });
    }
    if (this.stateOwner !== step.optimizer) {
      const state = this.layout.stateVector(0);
      this.backend.f32.fill(0, state, state + step.optimizer.stateVectors * paramCount);
      this.stateOwner = step.optimizer;
      this.updates = 0;
    }
    this.updates++;
    const args = { params, grads, state: this.layout.stateVector(0), count: paramCount };
    // Finite gradients can still overflow in the update when the learning rate is large: then keep
    // a copy of the weights (in an array made once, on this path only) and put it back if any came
    // out non-finite. At learningRate ≤ 1 an overflow needs weights or gradients near 1e38, whose
    // loss is not finite already, so the usual step pays nothing for this.
    if (step.learningRate <= 1) {
      step.optimizer.update(k, args, step.learningRate, step.options, this.updates);
      return value;
    }
    const backup = (this.backup ??= new Float32Array(paramCount));
    backup.set(this.backend.f32.subarray(params, params + paramCount));
    step.optimizer.update(k, args, step.learningRate, step.options, this.updates);
    const overflowed = k.countNonFinite(params, paramCount);
    if (overflowed > 0) {
      this.stateOwner = null; // the optimizer's state took the same overflowing step: the next one starts it afresh
      this.backend.f32.set(backup, params);
      throw new NonFiniteError(label, `the update with learningRate ${step.learningRate} made ${overflowed} of ${paramCount} weights non-finite; the weights were not updated`);
    }
    return value;
  }
}
