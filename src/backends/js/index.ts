import type { Backend } from '../backend.js';
import type { Kernels } from '../../kernels.js';
import * as matmul from './matmul.js';
import * as act from './activations.js';
import * as loss from './losses.js';
import * as opt from './optimizers.js';
import { countNonFinite } from './finite.js';
import { gatherRows } from './gather.js';

/** Largest arena the JS backend will allocate: a typed array's length limit, kept conservative. */
const MAX_FLOATS = 2 ** 30;

/** The pure-TypeScript backend: the arena is one ArrayBuffer, the kernels plain loops. */
export class JsBackend implements Backend {
  readonly name = 'js' as const;
  readonly kernel = 'js';
  readonly threads = 1;
  readonly base = 0;
  f32: Float32Array;
  readonly kernels: Kernels;

  constructor(floats = 0) {
    this.f32 = new Float32Array(0);
    this.reserve(floats);
    this.kernels = bindKernels(this);
  }

  reserve(floats: number): void {
    if (floats <= this.f32.length) return;
    if (!(floats <= MAX_FLOATS)) {
      throw new RangeError(`network needs ${megabytes(floats)} MB of memory, more than the JS backend allows (${megabytes(MAX_FLOATS)} MB)`);
    }
    // Grow geometrically so a run of slightly larger batches does not copy every time.
    const next = new Float32Array(Math.min(MAX_FLOATS, Math.max(floats, Math.ceil(this.f32.length * 1.5))));
    next.set(this.f32);
    this.f32 = next;
  }

  dispose(): void {
    this.f32 = new Float32Array(0);
  }
}

export function megabytes(floats: number): string {
  return ((floats * 4) / 2 ** 20).toFixed(1);
}

/** Each kernel reads backend.f32 at call time, so a reserve() in between is harmless. */
function bindKernels(b: JsBackend): Kernels {
  return {
    forward: (x, w, bias, z, batch, inputs, units, hasBias) => matmul.forward(b.f32, x, w, bias, z, batch, inputs, units, hasBias),
    weightGradients: (delta, x, dw, db, batch, inputs, units, scale, hasBias) =>
      matmul.weightGradients(b.f32, delta, x, dw, db, batch, inputs, units, scale, hasBias),
    propagateDelta: (delta, w, dx, batch, inputs, units) => matmul.propagateDelta(b.f32, delta, w, dx, batch, inputs, units),

    sigmoidForward: (z, a, rows, cols) => act.sigmoidForward(b.f32, z, a, rows, cols),
    sigmoidBackward: (z, a, delta, rows, cols) => act.sigmoidBackward(b.f32, z, a, delta, rows, cols),
    tanhForward: (z, a, rows, cols) => act.tanhForward(b.f32, z, a, rows, cols),
    tanhBackward: (z, a, delta, rows, cols) => act.tanhBackward(b.f32, z, a, delta, rows, cols),
    reluForward: (z, a, rows, cols) => act.reluForward(b.f32, z, a, rows, cols),
    reluBackward: (z, a, delta, rows, cols) => act.reluBackward(b.f32, z, a, delta, rows, cols),
    leakyReluForward: (z, a, rows, cols) => act.leakyReluForward(b.f32, z, a, rows, cols),
    leakyReluBackward: (z, a, delta, rows, cols) => act.leakyReluBackward(b.f32, z, a, delta, rows, cols),
    identityForward: (z, a, rows, cols) => act.identityForward(b.f32, z, a, rows, cols),
    identityBackward: (z, a, delta, rows, cols) => act.identityBackward(b.f32, z, a, delta, rows, cols),
    softmaxForward: (z, a, rows, cols) => act.softmaxForward(b.f32, z, a, rows, cols),
    softmaxBackward: (z, a, delta, rows, cols) => act.softmaxBackward(b.f32, z, a, delta, rows, cols),

    outputDelta: (a, y, delta, count, scale) => loss.outputDelta(b.f32, a, y, delta, count, scale),
    sumSquaredError: (a, y, count) => loss.sumSquaredError(b.f32, a, y, count),
    sigmoidCrossEntropy: (z, y, count) => loss.sigmoidCrossEntropy(b.f32, z, y, count),
    softmaxCrossEntropy: (z, y, rows, cols) => loss.softmaxCrossEntropy(b.f32, z, y, rows, cols),

    sgdUpdate: (params, grads, count, learningRate) => opt.sgdUpdate(b.f32, params, grads, count, learningRate),
    momentumUpdate: (params, grads, velocity, count, learningRate, momentum) =>
      opt.momentumUpdate(b.f32, params, grads, velocity, count, learningRate, momentum),
    nesterovUpdate: (params, grads, velocity, count, learningRate, momentum) =>
      opt.nesterovUpdate(b.f32, params, grads, velocity, count, learningRate, momentum),
    adamUpdate: (params, grads, m, v, count, stepSize, oneMinusBeta1, oneMinusBeta2, epsilon) =>
      opt.adamUpdate(b.f32, params, grads, m, v, count, stepSize, oneMinusBeta1, oneMinusBeta2, epsilon),
    rmspropUpdate: (params, grads, meanSquare, count, learningRate, oneMinusRho, epsilon) =>
      opt.rmspropUpdate(b.f32, params, grads, meanSquare, count, learningRate, oneMinusRho, epsilon),

    gatherRows: (src, order, dst, rows, width) => gatherRows(b.f32, src, order, dst, rows, width),
    countNonFinite: (p, count) => countNonFinite(b.f32, p, count),
  };
}
