// fit's batches read from a dataset as they arrive: each epoch calls the dataset for a fresh
// (async) iterable of [inputs, targets] rows or { x, y } batches, and rows are copied, checked,
// straight into the arena's batch buffers (through a bounded shuffle buffer when asked), so the
// source is never held. A bad row throws before its batch's step: the network keeps every
// update before that batch, and none of it.
import type { Samples } from '../validate/samples.js';
import { copyOfRows, isClassLabels, rowCount } from '../validate/samples.js';
import { countNonFinite } from '../backends/js/finite.js';
import type { Dataset, DatasetElement } from '../validate/dataset-options.js';
import { describe } from '../validate/values.js';
import type { BatchSource, SourcePosition } from './batch-source.js';
import type { Engine } from './engine.js';
import { ShuffleBuffer } from './shuffle-buffer.js';

/** One element being read: its rows as checked float32 (rows × width), and how many have gone into batches. */
interface Pending {
  x: Float32Array;
  y: Float32Array;
  rows: number;
  next: number;
  /** The stream's row number of the element's first row. */
  first: number;
}

type AnyIterator = Iterator<DatasetElement> | AsyncIterator<DatasetElement>;

/** What the source is for: its label in errors, the batch size, the shuffle buffer's rows (0: none), accuracy's class-label check. */
export interface StreamOptions {
  label: string;
  batchSize: number;
  shuffleBuffer: number;
  classLabels: boolean;
  /** Samples per epoch where the dataset says (weight decay's n), else 1 (only read with weightDecay 0). */
  rows: number;
}

export class StreamSource implements BatchSource {
  readonly rows: number;
  private iterator: AnyIterator | null = null;
  private sync = false;
  private ended = true;
  private pending: Pending | null = null;
  private readonly buffer: ShuffleBuffer | null;
  private epoch = 0;
  private elements = 0;
  private rowsIn = 0;
  private filled = 0;
  /** A one-output target given as a bare number is copied through this. */
  private readonly scalar = new Float32Array(1);

  constructor(private readonly engine: Engine, private readonly dataset: Dataset, private readonly o: StreamOptions) {
    this.rows = o.rows;
    this.buffer = o.shuffleBuffer > 0 ? new ShuffleBuffer(o.shuffleBuffer, engine.inputs, engine.outputs, engine.rng) : null;
  }

  async startEpoch(): Promise<void> {
    await this.close();
    this.epoch++;
    this.elements = 0;
    this.rowsIn = 0;
    this.filled = 0;
    this.buffer?.clear();
    const iterable = this.dataset() as unknown;
    const it = iterable as Partial<AsyncIterable<DatasetElement> & Iterable<DatasetElement>> | null;
    if (it !== null && typeof it === 'object' && typeof it[Symbol.asyncIterator] === 'function') {
      this.iterator = it[Symbol.asyncIterator]!();
      this.sync = false;
    } else if (it !== null && typeof it === 'object' && typeof it[Symbol.iterator] === 'function') {
      this.iterator = it[Symbol.iterator]!();
      this.sync = true;
    } else {
      throw new TypeError(`${this.o.label}: dataset: expected a function returning an async iterable (or iterable) of [inputs, targets] or { x, y }, but it returned ${describe(iterable)}`);
    }
    this.ended = false;
  }

  get label(): string {
    return this.o.label;
  }

  nextBatch(): number | Promise<number> {
    if (!this.sync) return this.nextAsync();
    for (;;) {
      const n = this.advance();
      if (n >= 0) return n;
      this.accept((this.iterator as Iterator<DatasetElement>).next());
    }
  }

  position(): SourcePosition {
    return { order: null };
  }

  /** A stream resumes only at an epoch's start: its rows cannot be sought without reading them again. */
  seek(_position: SourcePosition, batch: number): void {
    if (batch !== 0) throw new Error(`${this.o.label}: a dataset can resume only at an epoch's start, not ${batch} batches into one`);
  }

  /** Stop reading the source (its iterator's return(), which closes a file or cancels a stream). */
  async close(): Promise<void> {
    const it = this.iterator;
    this.iterator = null;
    this.pending = null;
    if (it && !this.ended && typeof it.return === 'function') await it.return();
    this.ended = true;
  }

  private async nextAsync(): Promise<number> {
    for (;;) {
      const n = this.advance();
      if (n >= 0) return n;
      this.accept(await (this.iterator as AsyncIterator<DatasetElement>).next());
    }
  }

  /** Fill the batch buffers from what has been read: the batch's rows once it is full or the epoch is over, or -1 for another element. */
  private advance(): number {
    const { batchSize } = this.o;
    const I = this.engine.inputs;
    const K = this.engine.outputs;
    const f32 = this.engine.backend.f32; // read again each time: a callback may have grown the memory
    const { input, target } = this.engine.layout;
    const buffer = this.buffer;
    while (this.filled < batchSize) {
      const n = this.filled;
      if (buffer) {
        if (buffer.rows > 0 && (buffer.full || this.ended)) {
          buffer.draw(f32, input + n * I, f32, target + n * K, this.ended);
          this.filled++;
          continue;
        }
        if (this.ended) break;
        const p = this.pending;
        if (!p) return -1;
        const slot = buffer.slot();
        this.copy(p, buffer.x, slot * I, buffer.y, slot * K, 1);
        continue;
      }
      const p = this.pending;
      if (!p) {
        if (this.ended) break;
        return -1;
      }
      const count = Math.min(batchSize - n, p.rows - p.next);
      this.copy(p, f32, input + n * I, f32, target + n * K, count);
      this.filled += count;
    }
    const n = this.filled;
    this.filled = 0;
    if (n > 0 && this.o.classLabels) this.checkClassLabels(n);
    if (n === 0 && this.rowsIn === 0) throw new RangeError(`${this.o.label}: dataset: epoch ${this.epoch} gave no rows`);
    return n;
  }

  /** Copy `count` rows of p (checked when accepted) to x at xAt and y at yAt. */
  private copy(p: Pending, x: Float32Array, xAt: number, y: Float32Array, yAt: number, count: number): void {
    copyFloats(p.x, p.next * this.engine.inputs, x, xAt, count * this.engine.inputs);
    copyFloats(p.y, p.next * this.engine.outputs, y, yAt, count * this.engine.outputs);
    p.next += count;
    if (p.next === p.rows) this.pending = null;
  }

  /** Take the iterator's next result: the end of the epoch, or an element checked for shape. */
  private accept(result: IteratorResult<DatasetElement>): void {
    if (result.done) {
      this.ended = true;
      this.iterator = null;
      return;
    }
    const element = result.value as unknown;
    const index = this.elements++;
    let x: unknown;
    let y: unknown;
    if (Array.isArray(element) && element.length === 2) [x, y] = element;
    else if (element !== null && typeof element === 'object' && 'x' in element && 'y' in element) ({ x, y } = element as { x: unknown; y: unknown });
    else throw new TypeError(`${this.o.label}: dataset, epoch ${this.epoch}, element ${index}: expected [inputs, targets] or { x, y }, got ${describe(element)}`);
    if (typeof y === 'number') {
      this.scalar[0] = y;
      y = this.scalar;
    }
    const p = { x, y, rows: 0, next: 0, first: this.rowsIn } as unknown as Pending;
    try {
      p.rows = rowCount(x, this.engine.inputs, 'inputs');
      const yRows = rowCount(p.y, this.engine.outputs, 'targets');
      if (yRows !== p.rows) throw new RangeError(`expected as many target rows as input rows, got ${p.rows} inputs and ${yRows} targets`);
      // Every value checked now, once: a bad element fails before any of its rows trains, and its rows then copy without checks.
      p.x = checked(p.x, this.engine.inputs, p.rows, 'inputs');
      p.y = checked(p.y, this.engine.outputs, p.rows, 'targets');
    } catch (e) {
      throw this.located(e, p);
    }
    this.rowsIn += p.rows;
    this.pending = p;
  }

  /** The same error, its message saying where in the stream: the epoch and the row (the element's rows when it holds several). */
  private located(e: unknown, p: Pending): unknown {
    if (!(e instanceof TypeError || e instanceof RangeError)) return e;
    const where = p.rows <= 1 ? `row ${p.first}` : `element ${this.elements - 1} (rows ${p.first}–${p.first + p.rows - 1})`;
    const Kind = e instanceof TypeError ? TypeError : RangeError;
    return new Kind(`${this.o.label}: dataset, epoch ${this.epoch}, ${where}: ${e.message}`);
  }

  private checkClassLabels(n: number): void {
    const { target } = this.engine.layout;
    const K = this.engine.outputs;
    const y = this.engine.backend.f32.subarray(target, target + n * K);
    if (!isClassLabels(y, K)) {
      throw new TypeError(`${this.o.label}: metrics: 'accuracy' needs class-label targets (0 or 1, one-hot rows for several outputs); epoch ${this.epoch} has a batch that is not`);
    }
  }
}

/** The samples as rows × width float32, every value finite: a flat Float32Array as it is once checked, anything else copied (and checked) into one. */
function checked(value: Samples, width: number, rows: number, label: string): Float32Array {
  if (value instanceof Float32Array && countNonFinite(value, 0, value.length) === 0) return value;
  return copyOfRows(value, width, rows, label);
}

/** count floats from `from` at f to `to` at t: a loop for a few (a row), set() for many. */
function copyFloats(from: Float32Array, f: number, to: Float32Array, t: number, count: number): void {
  if (count > 64) {
    to.set(from.subarray(f, f + count), t);
    return;
  }
  for (let i = 0; i < count; i++) to[t + i] = from[f + i];
}
