// Training progress: on a terminal one line redrawn in place (a bar, epoch, loss, validation
// loss, samples/s, ETA); in a pipe, a log file or CI, plain lines, at most about 20 of them.

export interface ProgressOptions {
  epochs: number;
  /** Training samples per epoch, for samples/s. */
  samples: number;
  stream?: NodeJS.WriteStream;
  /** Redraw in place; default: the stream is a TTY and CI is not set. */
  live?: boolean;
}

const BAR = 24;

export class Progress {
  private readonly started = performance.now();
  private readonly stream: NodeJS.WriteStream;
  private readonly live: boolean;
  private readonly every: number;
  private drawn = false;

  constructor(private readonly options: ProgressOptions) {
    this.stream = options.stream ?? process.stderr;
    this.live = options.live ?? (this.stream.isTTY === true && !process.env.CI);
    this.every = Math.max(1, Math.ceil(options.epochs / 20));
  }

  /** After epoch `epoch` (0-based) with its training loss and, if there is one, validation loss. */
  update(epoch: number, loss: number, valLoss?: number): void {
    const done = epoch + 1;
    const seconds = (performance.now() - this.started) / 1000;
    const rate = (done * this.options.samples) / Math.max(seconds, 1e-9);
    const eta = (seconds / done) * (this.options.epochs - done);
    const parts = [
      `epoch ${String(done).padStart(String(this.options.epochs).length)}/${this.options.epochs}`,
      `loss ${formatLoss(loss)}`,
      ...(valLoss === undefined ? [] : [`val ${formatLoss(valLoss)}`]),
      `${Math.round(rate).toLocaleString('en-US')} samples/s`,
      done < this.options.epochs ? `ETA ${clock(eta)}` : `${clock(seconds)}`,
    ];
    if (this.live) {
      const filled = Math.round((done / this.options.epochs) * BAR);
      this.stream.write(`\r\x1b[2K[${'█'.repeat(filled)}${'·'.repeat(BAR - filled)}] ${parts.join('  ')}`);
      this.drawn = true;
    } else if (done % this.every === 0 || done === this.options.epochs || done === 1) {
      this.stream.write(parts.join('  ') + '\n');
    }
  }

  /** End the live line so later output starts on its own line. */
  finish(): void {
    if (this.live && this.drawn) this.stream.write('\n');
    this.drawn = false;
  }
}

export function formatLoss(v: number): string {
  return Math.abs(v) >= 1000 || (v !== 0 && Math.abs(v) < 1e-4) ? v.toExponential(3) : v.toFixed(4);
}

/** m:ss, or h:mm:ss past an hour. */
export function clock(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}
