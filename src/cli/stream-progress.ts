// Progress of a streamed training run, counted in rows and bytes: the passes over the file (one
// to fit the encoding, then per epoch one to train and, with validation, one to validate), and
// the ETA from the bytes still to read.
import { clock, formatLoss } from './progress.js';

const BAR = 24;

export class StreamProgress {
  private readonly started = performance.now();
  private readonly live: boolean;
  private readonly passesPerEpoch: number;
  private readonly totalPasses: number;
  private readonly encodingPasses: number;
  private pass = 0;
  private printed = -1;
  private drawn = false;

  constructor(private readonly epochs: number, private readonly totalBytes: number, validation: boolean, fitsEncoding: boolean, private readonly stream: NodeJS.WriteStream = process.stderr) {
    this.live = stream.isTTY === true && !process.env.CI;
    this.passesPerEpoch = validation ? 2 : 1;
    this.encodingPasses = fitsEncoding ? 1 : 0;
    this.totalPasses = this.encodingPasses + epochs * this.passesPerEpoch;
  }

  /** What csvDataset's onProgress hears: which pass, and its rows and bytes so far. */
  update(pass: number, rows: number, bytes: number): void {
    this.pass = pass;
    const done = (this.pass + bytes / this.totalBytes) / this.totalPasses;
    const seconds = (performance.now() - this.started) / 1000;
    const eta = done > 0 ? (seconds / done) * (1 - done) : 0;
    const parts = [
      this.phase(),
      `${rows.toLocaleString('en-US')} rows`,
      `${gigabytes(bytes)}/${gigabytes(this.totalBytes)} GB`,
      `${(bytes / 1e6 / Math.max(seconds - this.passStart(seconds), 1e-3)).toFixed(0)} MB/s`,
      `ETA ${clock(eta)}`,
    ];
    if (this.live) {
      const filled = Math.round(Math.min(1, done) * BAR);
      this.stream.write(`\r\x1b[2K[${'█'.repeat(filled)}${'·'.repeat(BAR - filled)}] ${parts.join('  ')}`);
      this.drawn = true;
    } else if (Math.floor(done * 20) > this.printed) {
      this.printed = Math.floor(done * 20);
      this.stream.write(parts.join('  ') + '\n');
    }
  }

  /** After an epoch: its losses on a line of their own (about 20 such lines in all). */
  epochEnd(epoch: number, loss: number, valLoss?: number): void {
    const done = epoch + 1;
    if (done % Math.ceil(this.epochs / 20) !== 0 && done !== 1 && done !== this.epochs) return;
    this.finish();
    const val = valLoss === undefined ? '' : `, validation loss ${formatLoss(valLoss)}`;
    this.stream.write(`epoch ${epoch + 1}/${this.epochs}: loss ${formatLoss(loss)}${val}\n`);
  }

  /** End the live line so later output starts on its own line. */
  finish(): void {
    if (this.live && this.drawn) this.stream.write('\n');
    this.drawn = false;
  }

  private phase(): string {
    if (this.pass < this.encodingPasses) return 'fitting the encoding';
    const p = this.pass - this.encodingPasses;
    const epoch = Math.floor(p / this.passesPerEpoch) + 1;
    return `epoch ${epoch}/${this.epochs}${p % this.passesPerEpoch === 1 ? ' validating' : ''}`;
  }

  private passStartedAt = 0;
  private passCounted = -1;

  /** When the pass under way began, for its MB/s. */
  private passStart(now: number): number {
    if (this.passCounted !== this.pass) {
      this.passCounted = this.pass;
      this.passStartedAt = now;
    }
    return this.passStartedAt;
  }
}

const gigabytes = (bytes: number) => (bytes / 1e9).toFixed(2);
