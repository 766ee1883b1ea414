// brain.js's training loop: passes ("iterations") over the data in its order, no shuffling, one
// update per batch (per sample by default). Before each pass it stops once the iterations are
// done, the last pass's error is at most errorThresh, or the timeout has passed; after each it
// logs and calls back on their periods. A pass's error is the mean over samples of brain.js's
// (1/K)·Σ(y − a)², from each sample's outputs before its update: 2/K times our quadratic loss.
import type { Engine } from '../engine/engine.js';
import { NonFiniteError } from '../errors.js';
import type { BrainUpdate } from './update.js';
import type { TrainOpts, TrainingStatus } from './options.js';

/** The training set as vectors, packed row-major, every value checked finite. */
export interface PackedSet {
  x: Float32Array;
  y: Float32Array;
  rows: number;
}

/** How long trainAsync runs before letting the event loop in, in ms. */
const YIELD_EVERY_MS = 15;

class Run {
  readonly status: TrainingStatus = { error: 1, iterations: 0 };
  private readonly endTime: number;
  private readonly batchSize: number;
  private lossSum = 0;

  constructor(
    private readonly engine: Engine,
    private readonly update: BrainUpdate,
    readonly set: PackedSet,
    private readonly o: TrainOpts,
    private readonly label: string,
  ) {
    this.endTime = Date.now() + o.timeout;
    this.batchSize = Math.min(o.batchSize, set.rows);
    update.configure(o);
    engine.packTraining({ x: set.x, y: set.y, rows: set.rows, inputsChecked: true }, this.batchSize, label);
  }

  /** brain.js's check before each pass. */
  finished(): boolean {
    const s = this.status;
    return s.iterations >= this.o.iterations || s.error <= this.o.errorThresh || Date.now() >= this.endTime;
  }

  startPass(): void {
    this.status.iterations++;
    this.lossSum = 0;
  }

  /** The batch starting at row `start`; returns the row after it. */
  batch(start: number): number {
    const n = Math.min(this.batchSize, this.set.rows - start);
    this.engine.gatherBatch(start, n);
    try {
      this.lossSum += n * this.update.run(n, this.label);
    } catch (e) {
      if (e instanceof NonFiniteError) throw new NonFiniteError(`${this.label}: iteration ${this.status.iterations}, sample ${start + 1}`, e.detail);
      throw e;
    }
    return start + n;
  }

  endPass(): void {
    const s = this.status;
    s.error = (2 / this.engine.outputs) * (this.lossSum / this.set.rows);
    const { log, logPeriod, callback, callbackPeriod } = this.o;
    if (log && s.iterations % logPeriod === 0) log({ ...s });
    if (callback && s.iterations % callbackPeriod === 0) callback({ iterations: s.iterations, error: s.error });
  }
}

/** Train to brain.js's stopping rules, blocking until done. */
export function trainLoop(engine: Engine, update: BrainUpdate, set: PackedSet, o: TrainOpts, label: string): TrainingStatus {
  return guarded(engine, label, () => {
    const run = new Run(engine, update, set, o, label);
    while (!run.finished()) {
      run.startPass();
      for (let start = 0; start < set.rows; ) start = run.batch(start);
      run.endPass();
    }
    return run.status;
  });
}

/** The same updates as trainLoop, letting the event loop run every YIELD_EVERY_MS (within a pass too). */
export async function trainLoopAsync(engine: Engine, update: BrainUpdate, set: PackedSet, o: TrainOpts, label: string): Promise<TrainingStatus> {
  return guarded(engine, label, async () => {
    const run = new Run(engine, update, set, o, label);
    let last = performance.now();
    while (!run.finished()) {
      run.startPass();
      for (let start = 0; start < set.rows; ) {
        start = run.batch(start);
        if (performance.now() - last >= YIELD_EVERY_MS) {
          await new Promise<void>((resolve) => setTimeout(resolve, 0));
          engine.live(label);
          last = performance.now();
        }
      }
      run.endPass();
    }
    return run.status;
  });
}

/** One training at a time per network: a second (from a callback, or beside a trainAsync) would overwrite the packed set. */
function guarded<T>(engine: Engine, label: string, body: () => T): T {
  if (engine.training) throw new Error(`${label}: this network is already training; wait for that to finish first`);
  engine.training = true;
  let result: T;
  try {
    result = body();
  } catch (e) {
    engine.training = false;
    throw e;
  }
  if (result instanceof Promise) return result.finally(() => (engine.training = false)) as T;
  engine.training = false;
  return result;
}
