/**
 * The kernel table: every kernel's name, arguments, contract and thread split, in one place.
 * Each backend's kernels are made from it by a loop (src/backends/js/index.ts binds the
 * TypeScript functions of the same names, src/backends/wasm/ takes the AssemblyScript exports
 * as they are, src/backends/wasm/split.ts cuts the work across threads), so a new kernel is one
 * entry here plus its two implementations: assembly/<family>.ts and src/backends/js/<family>.ts.
 *
 * All pointers are float32 element offsets into the backend's arena (one Float32Array / one
 * Wasm linear memory); sizes are element counts. Matrices are row-major. No objects cross the
 * boundary. Shapes used below, for a layer with `inputs` inputs and `units` units on a batch
 * of `batch` samples:
 *   x      batch × inputs   activations of the previous layer (or the input)
 *   w      units × inputs   weights, row j = weights into unit j
 *   b      units            bias (read only when hasBias is 1)
 *   z      batch × units    pre-activations
 *   a      batch × units    activations
 *   delta  batch × units    dE/dz (or dE/da before an activation's backward)
 *   pack   PACK_FLOATS      the products' packing buffer (one per thread), or 0 for none
 *
 * The JS kernels compute the same terms as the Wasm ones but in float64, rounded to float32
 * where they store; the two agree within the 1e-5 the parity specs check, not bit for bit.
 */

/** How a kernel's work is cut across threads; without one it always runs on the calling thread. */
export type Split<Arg extends string = string> = {
  /** The size argument whose range [0, n) is cut, one slice per thread. */
  readonly cut: Arg;
  /**
   * Slice boundaries are multiples of this, so each slice's SIMD loops and register tiles meet
   * the values one thread's would (the results are the same bits). A cut dimension smaller than
   * align × threads runs on the calling thread.
   */
  readonly align: number;
  /** The work is the product of these sizes; below `least` it runs on the calling thread (the handshake would cost more). */
  readonly work: readonly Arg[];
  readonly least: number;
  /** A scratch pointer each thread needs its own of: slice t gets it moved on by t × PACK_FLOATS (0, no scratch, stays 0). */
  readonly scratch?: Arg;
} & (
  /** An export that takes (…args, from, to) and does only [from, to) of the cut dimension. */
  | { readonly ranged: string; readonly move?: undefined }
  /** Or the kernel itself on a slice: these pointers move on by from × stride floats, stride another argument's value or 1. */
  | { readonly move: Partial<Record<Arg, Arg | 1>>; readonly ranged?: undefined }
);

export interface KernelSpec<Args extends readonly string[] = readonly string[], Returns extends boolean = boolean> {
  /** Argument names in call order: the first `pointers` are float offsets, the rest sizes and scalars. */
  readonly args: Args;
  readonly pointers: number;
  /** Whether it returns a number (a loss, a count; a split one's slices' counts are summed); else it only writes memory. */
  readonly returns: Returns;
  readonly split: Split<Args[number]> | null;
}

/** An entry, checked: the split may only name the kernel's own arguments. */
function kernel<const Args extends readonly string[], const Returns extends boolean = false>(spec: {
  args: Args;
  pointers: number;
  returns?: Returns;
  split?: Split<Args[number]>;
}): KernelSpec<Args, Returns> {
  return { returns: false as Returns, split: null, ...spec };
}

// Below these amounts of work a kernel runs on the calling thread. Measured on 2 cores: a split
// costs ~2 µs of handshake and imbalance; a multiply-add ~0.1 ns, an exp-based activation
// ~1.5 ns a value, a gathered value ~0.4 ns, other activations ~0.2 ns.
/** Multiply-adds of a product. */
const PRODUCT = 1 << 17;
/** Floats of a flat-vector kernel (an update, the finite check). */
const VECTOR = 1 << 14;
/** Values of an exp-based activation. */
const EXP_VALUES = 1 << 13;
/** Values of a cheap activation. */
const CHEAP_VALUES = 1 << 16;
/** Values of a row gather. */
const GATHER_VALUES = 1 << 14;
/** Values of a dropout mask (a hash and a multiply, ~0.4 ns a value). */
const DROPOUT_VALUES = 1 << 15;

// Activations: forward a = f(z); backward delta[i] *= f'(z[i]) in place, turning dE/da into
// dE/dz. Elementwise ones treat the rows × cols block as one vector; softmax works per row. All
// are cut by rows in slices of 4 rows, so every slice starts on a 4-value boundary.
const activationForward = (least: number) =>
  kernel({
    args: ['z', 'a', 'rows', 'cols'],
    pointers: 2,
    split: { cut: 'rows', move: { z: 'cols', a: 'cols' }, align: 4, work: ['rows', 'cols'], least },
  });
const activationBackward = () =>
  kernel({
    args: ['z', 'a', 'delta', 'rows', 'cols'],
    pointers: 3,
    split: { cut: 'rows', move: { z: 'cols', a: 'cols', delta: 'cols' }, align: 4, work: ['rows', 'cols'], least: CHEAP_VALUES },
  });

/**
 * Floats of the packing buffer a product may use (per thread; PACK_END in assembly/pack-layout.ts,
 * region by region): the cache-blocked products of wide layers copy a 128 KB panel of one operand
 * there, 4 KB of deltas, one edge tile, dw's lists of the samples each strip keeps (assembly/packed.ts)
 * and 512 KB of lists of non-zero deltas (assembly/rows.ts); z puts its list of non-zero input groups there.
 */
export const PACK_FLOATS = 32768 + 1024 + 32 + 256 * 16 + 16 + 2 * 65536 + 1024;

/** Weights per layer (inputs × units) from which a network gets a packing buffer: the products block from 1 << 16 on (assembly/matmul.ts). */
export const PACKED_LAYER = 1 << 16;

export const KERNELS = {
  // ---- matmul family (assembly/matmul.ts) --------------------------------
  /** z = x·wᵀ + b: z[n,j] = Σ_k x[n,k]·w[j,k] + b[j]. For batch 1 it is a matvec. */
  forward: kernel({
    args: ['x', 'w', 'b', 'z', 'pack', 'batch', 'inputs', 'units', 'hasBias'],
    pointers: 5,
    // Each thread reads only its rows of w; the one-sample register tile is 8 units wide.
    split: { cut: 'units', ranged: 'forwardUnits', align: 8, work: ['batch', 'inputs', 'units'], least: PRODUCT, scratch: 'pack' },
  }),
  /**
   * Outer-product accumulation over the batch, averaged:
   * dw[j,k] = scale · Σ_n delta[n,j]·x[n,k];  db[j] = scale · Σ_n delta[n,j] (when hasBias is 1).
   * dw and db are overwritten (they hold this batch's gradient, not a running sum).
   */
  weightGradients: kernel({
    args: ['delta', 'x', 'dw', 'db', 'pack', 'batch', 'inputs', 'units', 'scale', 'hasBias'],
    pointers: 5,
    split: { cut: 'units', ranged: 'weightGradientsUnits', align: 4, work: ['batch', 'inputs', 'units'], least: PRODUCT, scratch: 'pack' },
  }),
  /** dx = delta·w: dx[n,k] = Σ_j delta[n,j]·w[j,k] (the sum over the next layer's units). */
  propagateDelta: kernel({
    args: ['delta', 'w', 'dx', 'pack', 'batch', 'inputs', 'units'],
    pointers: 4,
    split: { cut: 'batch', move: { delta: 'units', dx: 'inputs' }, align: 4, work: ['batch', 'inputs', 'units'], least: PRODUCT, scratch: 'pack' },
  }),

  // ---- activations (assembly/activations.ts) ------------------------------
  /** a = σ(z) = 1 / (1 + e^−z). */
  sigmoidForward: activationForward(EXP_VALUES),
  /** delta *= a(1 − a). */
  sigmoidBackward: activationBackward(),
  /** a = tanh(z). */
  tanhForward: activationForward(EXP_VALUES),
  /** delta *= 1 − a². */
  tanhBackward: activationBackward(),
  /** a = max(z, 0). */
  reluForward: activationForward(CHEAP_VALUES),
  /** delta *= (z > 0 ? 1 : 0). */
  reluBackward: activationBackward(),
  /** a = z > 0 ? z : LEAKY_RELU_SLOPE·z. */
  leakyReluForward: activationForward(CHEAP_VALUES),
  /** delta *= (z > 0 ? 1 : LEAKY_RELU_SLOPE). */
  leakyReluBackward: activationBackward(),
  /** a = z. */
  identityForward: activationForward(CHEAP_VALUES),
  /** delta unchanged. */
  identityBackward: activationBackward(),
  /** a = softmax of each row of z. */
  softmaxForward: activationForward(EXP_VALUES),
  /** delta_i = a_i (delta_i − Σ_k delta_k a_k) per row: the Jacobian-vector product. */
  softmaxBackward: activationBackward(),

  // ---- losses (assembly/losses.ts) ----------------------------------------
  // Sums over every output are not split: another grouping of the sum would change its bits.
  /** delta[i] = scale · (a[i] − y[i]): the output delta of every loss we have, up to its scale. */
  outputDelta: kernel({ args: ['a', 'y', 'delta', 'count', 'scale'], pointers: 3 }),
  /** Σ_i (a[i] − y[i])², accumulated in float64. */
  sumSquaredError: kernel({ args: ['a', 'y', 'count'], pointers: 2, returns: true }),
  /** Σ_i −[y ln σ(z) + (1−y) ln(1−σ(z))], computed stably from the logits z. */
  sigmoidCrossEntropy: kernel({ args: ['z', 'y', 'count'], pointers: 2, returns: true }),
  /** Σ_rows Σ_k −y[k] ln softmax(z)[k], computed stably from the logits z (log-sum-exp). */
  softmaxCrossEntropy: kernel({ args: ['z', 'y', 'rows', 'cols'], pointers: 2, returns: true }),

  // ---- optimizers (assembly/optimizers.ts) --------------------------------
  /** p -= learningRate · g over the whole flat parameter vector (with a negative rate, L2's g += (λ/n)·w too). */
  sgdUpdate: kernel({
    args: ['params', 'grads', 'count', 'learningRate'],
    pointers: 2,
    split: { cut: 'count', move: { params: 1, grads: 1 }, align: 4, work: ['count'], least: VECTOR },
  }),
  /** v = momentum·v − learningRate·g;  p += v (classical momentum, as in Keras' SGD). */
  momentumUpdate: kernel({
    args: ['params', 'grads', 'velocity', 'count', 'learningRate', 'momentum'],
    pointers: 3,
    split: { cut: 'count', move: { params: 1, grads: 1, velocity: 1 }, align: 4, work: ['count'], least: VECTOR },
  }),
  /**
   * Online momentum for one layer on one sample, its gradient never stored: g[j,k] = delta[j]·x[k];
   * v = momentum·v − learningRate·g;  w += v. The same bits as weightGradients (batch 1) then momentumUpdate.
   */
  outerMomentumUpdate: kernel({
    args: ['delta', 'x', 'weights', 'velocity', 'inputs', 'units', 'learningRate', 'momentum'],
    pointers: 4,
    split: { cut: 'units', move: { delta: 1, weights: 'inputs', velocity: 'inputs' }, align: 4, work: ['inputs', 'units'], least: VECTOR },
  }),
  /** v = momentum·v − learningRate·g;  p += momentum·v − learningRate·g (Nesterov, as in Keras' SGD with nesterov=True). */
  nesterovUpdate: kernel({
    args: ['params', 'grads', 'velocity', 'count', 'learningRate', 'momentum'],
    pointers: 3,
    split: { cut: 'count', move: { params: 1, grads: 1, velocity: 1 }, align: 4, work: ['count'], least: VECTOR },
  }),
  /**
   * Adam as Keras computes it: m += (1−β₁)(g − m);  v += (1−β₂)(g² − v);  p −= stepSize·m / (√v + ε).
   * The caller passes stepSize = η·√(1−β₂ᵗ)/(1−β₁ᵗ) (the bias correction) and the complements 1−β.
   */
  adamUpdate: kernel({
    args: ['params', 'grads', 'm', 'v', 'count', 'stepSize', 'oneMinusBeta1', 'oneMinusBeta2', 'epsilon'],
    pointers: 4,
    split: { cut: 'count', move: { params: 1, grads: 1, m: 1, v: 1 }, align: 4, work: ['count'], least: VECTOR },
  }),
  /** RMSprop as Keras computes it: s += (1−ρ)(g² − s);  p −= learningRate·g / √(s + ε). */
  rmspropUpdate: kernel({
    args: ['params', 'grads', 'meanSquare', 'count', 'learningRate', 'oneMinusRho', 'epsilon'],
    pointers: 3,
    split: { cut: 'count', move: { params: 1, grads: 1, meanSquare: 1 }, align: 4, work: ['count'], least: VECTOR },
  }),

  // ---- data movement (assembly/gather.ts) ----------------------------------
  /** dst row r = src row order[r] for r < rows (rows of `width` floats); order holds row indices as floats. */
  gatherRows: kernel({
    args: ['src', 'order', 'dst', 'rows', 'width'],
    pointers: 3,
    split: { cut: 'rows', move: { order: 1, dst: 'width' }, align: 4, work: ['rows', 'width'], least: GATHER_VALUES },
  }),

  // ---- dropout (assembly/dropout.ts) ---------------------------------------
  // Value i's mask is drawn from (key, i) by a counter-based hash (dropoutDraw, src/backends/js/dropout.ts),
  // not read from memory: forward and backward redraw the same mask, every backend and every
  // thread slice draws the same one, and no mask buffer is kept. Ranged so a slice hashes its
  // own global indices.
  /** out[i] = draw(key, i) ≥ threshold ? a[i]·scale : 0 (threshold = p·2³², scale = 1/(1 − p) in float32). */
  dropout: kernel({
    args: ['a', 'out', 'count', 'key', 'threshold', 'scale'],
    pointers: 2,
    split: { cut: 'count', ranged: 'dropoutRange', align: 4, work: ['count'], least: DROPOUT_VALUES },
  }),
  /** delta[i] = draw(key, i) ≥ threshold ? delta[i]·scale : 0: the same mask on the way back. */
  dropoutDelta: kernel({
    args: ['delta', 'count', 'key', 'threshold', 'scale'],
    pointers: 1,
    split: { cut: 'count', ranged: 'dropoutDeltaRange', align: 4, work: ['count'], least: DROPOUT_VALUES },
  }),

  // ---- checks (assembly/finite.ts) ----------------------------------------
  /** How many of the count floats at p are NaN or ±Infinity. */
  countNonFinite: kernel({
    args: ['p', 'count'],
    pointers: 1,
    returns: true,
    split: { cut: 'count', move: { p: 1 }, align: 4, work: ['count'], least: VECTOR },
  }),
};

type Numbers<A extends readonly string[]> = { -readonly [I in keyof A]: number };
type Table = typeof KERNELS;

/** The kernels as every backend offers them: one function per table entry, taking its arguments as numbers. */
export type Kernels = {
  [K in keyof Table]: (...args: Numbers<Table[K]['args']>) => Table[K]['returns'] extends true ? number : void;
};

/**
 * A backend's kernels: kernel(name) for every entry of the table. The object is built whole, not
 * grown key by key, which past ~20 keys turns it into a slow dictionary in V8; assigning to its
 * existing keys later (a dispose, the threads' wrappers) keeps it fast.
 */
export function makeKernels(kernel: (name: keyof Kernels) => unknown): Kernels {
  return Object.fromEntries(Object.keys(KERNELS).map((name) => [name, kernel(name as keyof Kernels)])) as Kernels;
}

/** Slope of leaky-relu for z < 0 (PyTorch's default). */
export const LEAKY_RELU_SLOPE = 0.01;

/** The dropout kernels' threshold and scale for rate p (0 < p < 1): a draw below p·2³² drops its value, the kept ones are scaled by 1/(1 − p) rounded to float32 (so a·scale rounds alike on every backend). */
export function dropoutMask(p: number): { threshold: number; scale: number } {
  return { threshold: Math.min(Math.round(p * 2 ** 32), 0xffffffff), scale: Math.fround(1 / (1 - p)) };
}
