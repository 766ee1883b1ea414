// Activations, forward and backward side by side. backward turns dE/da into dE/dz in
// place: delta[i] *= f'(z[i]), written with a = f(z) where that is cheaper.
import { LEAKY_RELU_SLOPE } from '../../kernels.js';

export function sigmoidForward(m: Float32Array, z: number, a: number, rows: number, cols: number): void {
  const count = rows * cols;
  for (let i = 0; i < count; i++) m[a + i] = 1 / (1 + Math.exp(-m[z + i]));
}
/** σ'(z) = σ(z)(1 − σ(z)) = a(1 − a): the activation, not the pre-activation (seed errata). */
export function sigmoidBackward(m: Float32Array, z: number, a: number, delta: number, rows: number, cols: number): void {
  const count = rows * cols;
  for (let i = 0; i < count; i++) {
    const ai = m[a + i];
    m[delta + i] *= ai * (1 - ai);
  }
}

export function tanhForward(m: Float32Array, z: number, a: number, rows: number, cols: number): void {
  const count = rows * cols;
  for (let i = 0; i < count; i++) m[a + i] = Math.tanh(m[z + i]);
}
/** tanh'(z) = 1 − tanh²(z) = 1 − a². */
export function tanhBackward(m: Float32Array, z: number, a: number, delta: number, rows: number, cols: number): void {
  const count = rows * cols;
  for (let i = 0; i < count; i++) {
    const ai = m[a + i];
    m[delta + i] *= 1 - ai * ai;
  }
}

export function reluForward(m: Float32Array, z: number, a: number, rows: number, cols: number): void {
  const count = rows * cols;
  for (let i = 0; i < count; i++) {
    const zi = m[z + i];
    m[a + i] = zi > 0 ? zi : 0;
  }
}
/** relu'(z) = 1 for z > 0, else 0 (0 at z = 0, as TensorFlow and PyTorch take it). */
export function reluBackward(m: Float32Array, z: number, a: number, delta: number, rows: number, cols: number): void {
  const count = rows * cols;
  for (let i = 0; i < count; i++) if (!(m[z + i] > 0)) m[delta + i] = 0;
}

export function leakyReluForward(m: Float32Array, z: number, a: number, rows: number, cols: number): void {
  const count = rows * cols;
  for (let i = 0; i < count; i++) {
    const zi = m[z + i];
    m[a + i] = zi > 0 ? zi : LEAKY_RELU_SLOPE * zi;
  }
}
export function leakyReluBackward(m: Float32Array, z: number, a: number, delta: number, rows: number, cols: number): void {
  const count = rows * cols;
  for (let i = 0; i < count; i++) if (!(m[z + i] > 0)) m[delta + i] *= LEAKY_RELU_SLOPE;
}

export function identityForward(m: Float32Array, z: number, a: number, rows: number, cols: number): void {
  m.copyWithin(a, z, z + rows * cols);
}
/** identity'(z) = 1: dE/dz is dE/da. */
export function identityBackward(_m: Float32Array, _z: number, _a: number, _delta: number, _rows: number, _cols: number): void {}

/** Row-wise softmax; subtracting the row's max keeps exp from overflowing. */
export function softmaxForward(m: Float32Array, z: number, a: number, rows: number, cols: number): void {
  for (let r = 0; r < rows; r++) {
    const zr = z + r * cols;
    const ar = a + r * cols;
    let max = -Infinity;
    for (let k = 0; k < cols; k++) if (m[zr + k] > max) max = m[zr + k];
    let sum = 0;
    for (let k = 0; k < cols; k++) {
      const e = Math.exp(m[zr + k] - max);
      m[ar + k] = e;
      sum += e;
    }
    const inv = 1 / sum;
    for (let k = 0; k < cols; k++) m[ar + k] *= inv;
  }
}
/** Jacobian-vector product of softmax: dz_i = a_i (da_i − Σ_k da_k a_k). */
export function softmaxBackward(m: Float32Array, z: number, a: number, delta: number, rows: number, cols: number): void {
  for (let r = 0; r < rows; r++) {
    const ar = a + r * cols;
    const dr = delta + r * cols;
    let dot = 0;
    for (let k = 0; k < cols; k++) dot += m[dr + k] * m[ar + k];
    for (let k = 0; k < cols; k++) m[dr + k] = m[ar + k] * (m[dr + k] - dot);
  }
}
