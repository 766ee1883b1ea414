import type { ActivationEntry } from '../registry/activations.js';
import { MAX_STATE_VECTORS } from '../registry/optimizers.js';
import { PACK_FLOATS, PACKED_LAYER } from '../kernels.js';

/** A weighted layer's shape as the network sees it. */
export interface LayerShape {
  readonly inputs: number;
  readonly units: number;
  readonly activation: ActivationEntry;
  /** Training-time dropout rate; 0 for none. */
  readonly dropout: number;
}

/** Where one layer's data lives in the arena (float offsets). */
export interface LayerOffsets {
  /** units × inputs weights, then the bias right after (when the network has biases). */
  readonly weights: number;
  readonly bias: number;
  readonly gradWeights: number;
  readonly gradBias: number;
  /** Batch buffers (batch × units), re-placed when the batch capacity grows. */
  z: number;
  a: number;
  delta: number;
  /** batch × units: a after dropout, what the layer above reads while training; −1 for a layer without dropout. */
  dropped: number;
}

/** Rows per forward call in predictBatch/evaluate, so huge inputs do not need a huge arena. */
export const CHUNK_ROWS = 4096;

/**
 * Round up to 4 floats (16 bytes) so each region starts on a SIMD vector boundary. Arithmetic,
 * not `& ~3`: a bitwise op wraps beyond 2^31 and would overlap the regions of a huge network.
 */
const align = (n: number) => Math.ceil(n / 4) * 4;

/**
 * The arena's map. Fixed part: the parameters of all layers as ONE flat vector (weights
 * then bias, layer after layer), the gradient vector in the same layout, the
 * optimizer's state vectors, and (for wide layers) the products' packing buffers. Batch part: the input and target rows and every layer's
 * z, a and delta for the largest batch seen so far.
 */
export class Layout {
  readonly paramCount: number;
  readonly params: number;
  readonly grads: number;
  readonly state: number;
  /** The products' packing buffers, PACK_FLOATS per thread, when a layer is wide enough to use them; else 0 (none). */
  readonly pack: number;
  readonly layers: LayerOffsets[];
  /** Batch buffers; valid for batches up to `capacity` rows. */
  input = 0;
  target = 0;
  capacity = 0;
  /** The training set packed by fit (inputs, targets, row order), below the batch buffers. */
  dataX = 0;
  dataY = 0;
  dataOrder = 0;
  private readonly dataStart: number;
  /** Batch buffers start here: above the packed training set, if any. */
  private batchStart: number;

  constructor(base: number, readonly shapes: readonly LayerShape[], readonly hasBias: boolean, threads = 1) {
    this.params = align(base);
    let p = this.params;
    const placed: Array<{ weights: number; bias: number }> = [];
    for (const s of shapes) {
      const weights = p;
      p += s.units * s.inputs;
      const bias = hasBias ? p : -1;
      if (hasBias) p += s.units;
      placed.push({ weights, bias });
    }
    this.paramCount = p - this.params;
    this.grads = align(p);
    this.state = align(this.grads + this.paramCount);
    const stateEnd = align(this.state + MAX_STATE_VECTORS * this.paramCount);
    const wide = shapes.some((s) => s.inputs * s.units >= PACKED_LAYER);
    this.pack = wide ? stateEnd : 0;
    this.dataStart = wide ? align(stateEnd + threads * PACK_FLOATS) : stateEnd;
    this.batchStart = this.dataStart;
    const shift = this.grads - this.params;
    this.layers = placed.map(({ weights, bias }) => ({
      weights,
      bias,
      gradWeights: weights + shift,
      gradBias: hasBias ? bias + shift : -1,
      z: 0,
      a: 0,
      delta: 0,
      dropped: -1,
    }));
  }

  /** The i-th optimizer state vector. */
  stateVector(i: number): number {
    return this.state + i * this.paramCount;
  }

  /** Floats the arena needs for batches of `rows`; placing the buffers is placeBatch's job. */
  floatsFor(rows: number): number {
    let end = this.batchStart + align(rows * this.inputWidth) + align(rows * this.outputWidth);
    for (const s of this.shapes) end += (s.dropout > 0 ? 4 : 3) * align(rows * s.units);
    return end;
  }

  /**
   * Make room for a training set of `rows` samples below the batch buffers, which move up;
   * the caller reserves floatsFor(capacity) and calls placeBatch(capacity) again. Growing the
   * batch buffers later (a large evaluate inside a callback) can then never overwrite it.
   */
  placeData(rows: number): void {
    this.dataX = this.dataStart;
    this.dataY = this.dataX + align(rows * this.inputWidth);
    this.dataOrder = this.dataY + align(rows * this.outputWidth);
    this.batchStart = this.dataOrder + align(rows);
  }

  /** Lay out the batch buffers for `rows` rows (the caller has reserved floatsFor(rows)). */
  placeBatch(rows: number): void {
    let p = this.batchStart;
    this.input = p;
    p += align(rows * this.inputWidth);
    this.target = p;
    p += align(rows * this.outputWidth);
    for (let i = 0; i < this.shapes.length; i++) {
      const size = align(rows * this.shapes[i].units);
      const l = this.layers[i];
      l.z = p;
      l.a = p + size;
      l.delta = p + 2 * size;
      p += 3 * size;
      if (this.shapes[i].dropout > 0) {
        l.dropped = p;
        p += size;
      }
    }
    this.capacity = rows;
  }

  get inputWidth(): number {
    return this.shapes[0].inputs;
  }

  get outputWidth(): number {
    return this.shapes[this.shapes.length - 1].units;
  }
}
