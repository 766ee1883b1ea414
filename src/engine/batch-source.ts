// Where fit's batches come from, behind one small interface: the loop asks for the next batch
// and gets its row count, the rows already in the engine's batch buffers. Today's source is the
// training set packed into the arena once (ArraySource); a source that reads as it goes may
// return a promise from startEpoch or nextBatch, and the loop awaits only then.
import type { Engine } from './engine.js';

/** Where a source stands within an epoch beyond the batch count: for packed arrays, the row order. */
export interface SourcePosition {
  /** The epoch's row order (after its shuffle; before the next epoch's), or null where rows go in their own order. */
  order: Float32Array | null;
}

/** fit's batches, one epoch at a time. */
export interface BatchSource {
  /** Samples per epoch: weight decay's n. */
  readonly rows: number;
  /** Begin the next epoch (draw its order from the engine's generator). */
  startEpoch(): void | Promise<void>;
  /** Put the epoch's next batch into the engine's batch buffers and return its rows; 0 once the epoch is over. */
  nextBatch(): number | Promise<number>;
  /** A copy of what resuming needs besides the batch count (read only when a checkpoint is written). */
  position(): SourcePosition;
  /** Continue an epoch at `batch` batches done (0: before it starts), from a position that position() gave. */
  seek(position: SourcePosition, batch: number): void | Promise<void>;
}

/**
 * The training set packed into the arena once: each epoch shuffles the row order in place with
 * the engine's seeded generator and gathers batches by it, so no batch allocates or awaits.
 */
export class ArraySource implements BatchSource {
  private start = 0;

  constructor(
    private readonly engine: Engine,
    readonly rows: number,
    private readonly batchSize: number,
    private readonly shuffle: boolean,
  ) {}

  startEpoch(): void {
    if (this.shuffle) this.engine.shuffleOrder(this.rows);
    this.start = 0;
  }

  nextBatch(): number {
    const n = Math.min(this.batchSize, this.rows - this.start);
    if (n <= 0) return 0;
    this.engine.gatherBatch(this.start, n);
    this.start += n;
    return n;
  }

  position(): SourcePosition {
    return { order: this.shuffle ? this.engine.rowOrder(this.rows) : null };
  }

  seek(position: SourcePosition, batch: number): void {
    if (position.order) this.engine.setRowOrder(position.order);
    this.start = batch * this.batchSize;
  }
}
