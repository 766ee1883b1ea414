// Shuffling a stream without holding it, as tf.data's `shuffle(bufferSize)`: the first n rows
// fill a buffer; from then on each row out is drawn uniformly from the buffer and the next row
// in takes its slot; at the end of the stream the rest come out in random order. Draws come
// from the network's seeded generator, so the same seed and source give the same order.
import type { Random } from '../random.js';

/** A bounded buffer of rows (inputs and targets side by side) that lets them out in random order. */
export class ShuffleBuffer {
  /** capacity × inputs and capacity × outputs: all the memory it ever holds. */
  readonly x: Float32Array;
  readonly y: Float32Array;
  private size = 0;
  /** The slot the last draw emptied, which the next row in fills (tf.data's replacement), or -1. */
  private hole = -1;

  constructor(readonly capacity: number, private readonly inputs: number, private readonly outputs: number, private readonly rng: Random) {
    this.x = new Float32Array(capacity * inputs);
    this.y = new Float32Array(capacity * outputs);
  }

  /** Rows held. */
  get rows(): number {
    return this.hole >= 0 ? this.size - 1 : this.size;
  }

  get full(): boolean {
    return this.rows === this.capacity;
  }

  /** The slot (a row index) the next incoming row is to be written to; the buffer must not be full. */
  slot(): number {
    if (this.hole >= 0) {
      const s = this.hole;
      this.hole = -1;
      return s;
    }
    return this.size++;
  }

  /**
   * Copy a uniformly drawn row out (inputs to x at xAt, targets to y at yAt). While the stream
   * runs its slot waits for the next row; once it has ended (`draining`) the last row moves in.
   */
  draw(x: Float32Array, xAt: number, y: Float32Array, yAt: number, draining: boolean): void {
    if (draining) this.closeHole();
    const i = this.rng.below(this.size);
    const I = this.inputs;
    const K = this.outputs;
    // Loops, not set(subarray): a row is short, and a view per row would be garbage per row.
    for (let k = 0; k < I; k++) x[xAt + k] = this.x[i * I + k];
    for (let k = 0; k < K; k++) y[yAt + k] = this.y[i * K + k];
    if (!draining) {
      this.hole = i;
      return;
    }
    this.moveLastTo(i);
  }

  /** Forget every row (a new epoch, or a failed one). */
  clear(): void {
    this.size = 0;
    this.hole = -1;
  }

  private closeHole(): void {
    if (this.hole < 0) return;
    const h = this.hole;
    this.hole = -1;
    this.moveLastTo(h);
  }

  private moveLastTo(i: number): void {
    const last = --this.size;
    if (i === last) return;
    const I = this.inputs;
    const K = this.outputs;
    this.x.copyWithin(i * I, last * I, (last + 1) * I);
    this.y.copyWithin(i * K, last * K, (last + 1) * K);
  }
}
