/**
 * The kernel contract: every backend implements exactly these functions, with the
 * same names as the AssemblyScript exports in assembly/ and the same order of
 * floating-point operations where it matters (see each kernel's comment).
 *
 * All pointers are float32 element offsets into the backend's arena (one
 * Float32Array / one Wasm linear memory); sizes are element counts. Matrices are
 * row-major. No objects cross the boundary, so the Wasm backend is a thin
 * adapter that turns element offsets into byte pointers.
 *
 * Shapes used below, for a layer with `inputs` inputs and `units` units on a batch
 * of `batch` samples:
 *   x      batch × inputs   activations of the previous layer (or the input)
 *   w      units × inputs   weights, row j = weights into unit j
 *   b      units            bias (read only when hasBias is 1)
 *   z      batch × units    pre-activations
 *   a      batch × units    activations
 *   delta  batch × units    dE/dz (or dE/da before an activation's backward)
 */
export interface Kernels {
  // ---- matmul family (assembly/matmul.ts) --------------------------------
  /** z = x·wᵀ + b: z[n,j] = Σ_k x[n,k]·w[j,k] + b[j]. For batch 1 it is a matvec. */
  forward(x: number, w: number, b: number, z: number, batch: number, inputs: number, units: number, hasBias: number): void;
  /**
   * Outer-product accumulation over the batch, averaged:
   * dw[j,k] = scale · Σ_n delta[n,j]·x[n,k];  db[j] = scale · Σ_n delta[n,j] (when hasBias is 1).
   * dw and db are overwritten (they hold this batch's gradient, not a running sum).
   */
  weightGradients(delta: number, x: number, dw: number, db: number, batch: number, inputs: number, units: number, scale: number, hasBias: number): void;
  /** dx = delta·w: dx[n,k] = Σ_j delta[n,j]·w[j,k] (the sum over the next layer's units). */
  propagateDelta(delta: number, w: number, dx: number, batch: number, inputs: number, units: number): void;

  // ---- activations (assembly/activations.ts) ------------------------------
  // forward: a = f(z). backward: delta[i] *= f'(z[i]) in place, turning dE/da into dE/dz.
  // Elementwise ones treat the rows × cols block as one vector; softmax works per row.
  sigmoidForward(z: number, a: number, rows: number, cols: number): void;
  sigmoidBackward(z: number, a: number, delta: number, rows: number, cols: number): void;
  tanhForward(z: number, a: number, rows: number, cols: number): void;
  tanhBackward(z: number, a: number, delta: number, rows: number, cols: number): void;
  reluForward(z: number, a: number, rows: number, cols: number): void;
  reluBackward(z: number, a: number, delta: number, rows: number, cols: number): void;
  leakyReluForward(z: number, a: number, rows: number, cols: number): void;
  leakyReluBackward(z: number, a: number, delta: number, rows: number, cols: number): void;
  identityForward(z: number, a: number, rows: number, cols: number): void;
  identityBackward(z: number, a: number, delta: number, rows: number, cols: number): void;
  softmaxForward(z: number, a: number, rows: number, cols: number): void;
  softmaxBackward(z: number, a: number, delta: number, rows: number, cols: number): void;

  // ---- losses (assembly/losses.ts) ----------------------------------------
  /** delta[i] = scale · (a[i] − y[i]): the output delta of every loss we have, up to its scale. */
  outputDelta(a: number, y: number, delta: number, count: number, scale: number): void;
  /** Σ_i (a[i] − y[i])², accumulated in float64. */
  sumSquaredError(a: number, y: number, count: number): number;
  /** Σ_i −[y ln σ(z) + (1−y) ln(1−σ(z))], computed stably from the logits z. */
  sigmoidCrossEntropy(z: number, y: number, count: number): number;
  /** Σ_rows Σ_k −y[k] ln softmax(z)[k], computed stably from the logits z (log-sum-exp). */
  softmaxCrossEntropy(z: number, y: number, rows: number, cols: number): number;

  // ---- optimizers (assembly/optimizers.ts) --------------------------------
  /** p -= learningRate · g over the whole flat parameter vector (with a negative rate, L2's g += (λ/n)·w too). */
  sgdUpdate(params: number, grads: number, count: number, learningRate: number): void;
  /** v = momentum·v − learningRate·g;  p += v (classical momentum, as in Keras' SGD). */
  momentumUpdate(params: number, grads: number, velocity: number, count: number, learningRate: number, momentum: number): void;
  /** v = momentum·v − learningRate·g;  p += momentum·v − learningRate·g (Nesterov, as in Keras' SGD with nesterov=True). */
  nesterovUpdate(params: number, grads: number, velocity: number, count: number, learningRate: number, momentum: number): void;
  /**
   * Adam as Keras computes it: m += (1−β₁)(g − m);  v += (1−β₂)(g² − v);  p −= stepSize·m / (√v + ε).
   * The caller passes stepSize = η·√(1−β₂ᵗ)/(1−β₁ᵗ) (the bias correction) and the complements 1−β.
   */
  adamUpdate(params: number, grads: number, m: number, v: number, count: number, stepSize: number, oneMinusBeta1: number, oneMinusBeta2: number, epsilon: number): void;
  /** RMSprop as Keras computes it: s += (1−ρ)(g² − s);  p −= learningRate·g / √(s + ε). */
  rmspropUpdate(params: number, grads: number, meanSquare: number, count: number, learningRate: number, oneMinusRho: number, epsilon: number): void;

  // ---- data movement (assembly/gather.ts) ----------------------------------
  /** dst row r = src row order[r] for r < rows (rows of `width` floats); order holds row indices as floats. */
  gatherRows(src: number, order: number, dst: number, rows: number, width: number): void;

  // ---- checks (assembly/finite.ts) ----------------------------------------
  /** How many of the count floats at p are NaN or ±Infinity. */
  countNonFinite(p: number, count: number): number;
}

export type KernelName = keyof Kernels;

/** Slope of leaky-relu for z < 0 (PyTorch's default). */
export const LEAKY_RELU_SLOPE = 0.01;
