// Checkpoints against kill -9: a child process (test/checkpoint-child.ts) trains with a checkpoint
// and is killed with SIGKILL at random moments, then rerun until it finishes; its final weights
// and history equal an uninterrupted run's bit for bit, on JS, Wasm, two threads and in a worker.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from './cli-run.js';

const dir = mkdtempSync(join(tmpdir(), 'backprop-kill-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Outcome {
  /** The child's first line: 'fresh' or 'resuming'. */
  start: string;
  killed: boolean;
  result: { kernel: string; history: unknown; parameters: number[] } | null;
}

/**
 * Run the child once; kill it with SIGKILL `killAfter` ms after a checkpoint exists (at once on a rerun, after
 * the first save on a fresh run) once it says it starts fit; never, when killAfter is null. Waiting for
 * the file puts every kill where there is something to resume from, however slowly a loaded machine gets there
 * (a timer from the start alone landed kills before the first save, or after a short fit had ended).
 */
function runChild(args: string[], killAfter: number | null): Promise<Outcome> {
  const checkpoint = args[2];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'test/checkpoint-child.ts'), ...args], { cwd: ROOT });
    let out = '';
    let err = '';
    let timer: NodeJS.Timeout | undefined;
    let poll: NodeJS.Timeout | undefined;
    child.stdout.on('data', (d: Buffer) => {
      out += d;
      if (killAfter === null || poll !== undefined || !out.includes('\n')) return;
      poll = setInterval(() => {
        if (!existsSync(checkpoint) && !existsSync(`${checkpoint}.prev`)) return;
        clearInterval(poll);
        timer = setTimeout(() => child.kill('SIGKILL'), killAfter);
      }, 2);
    });
    child.stderr.on('data', (d: Buffer) => (err += d));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearInterval(poll);
      clearTimeout(timer);
      const [start, json] = out.split('\n');
      if (signal === 'SIGKILL') return resolve({ start, killed: true, result: null });
      if (code !== 0) return reject(new Error(`child exited with ${code}: ${err}`));
      resolve({ start, killed: false, result: JSON.parse(json) });
    });
  });
}

/** Kill the run at random moments (up to `kills` times), then let it finish; what it ended with and how it got there. */
async function killAndResume(name: string, backend: string, threads: number, how: string, kills: number) {
  const path = join(dir, `${name}.ckpt`);
  const starts: string[] = [];
  let killed = 0;
  for (;;) {
    // a fit here runs ~0.5 s or more after its first save (unloaded), so a kill within 100 ms of that lands mid-fit
    const outcome = await runChild([backend, String(threads), path, how], killed < kills ? Math.random() * 100 : null);
    starts.push(outcome.start);
    if (!outcome.result) {
      killed++;
      continue;
    }
    const left = readdirSync(dir).filter((f) => f.startsWith(`${name}.ckpt`));
    return { result: outcome.result, killed, starts, left, exists: existsSync(path) };
  }
}

describe('checkpoints survive SIGKILL', () => {
  it('killed at random moments and rerun, training ends bit-identical to an uninterrupted run (js, wasm, 2 threads, worker)', async () => {
    const [js, wasm, ...runs] = await Promise.all([
      runChild(['js', '1', '-', 'fit'], null),
      runChild(['wasm', '1', '-', 'fit'], null),
      killAndResume('js', 'js', 1, 'fit', 3),
      killAndResume('wasm', 'wasm', 1, 'fit', 3),
      killAndResume('threads', 'wasm', 2, 'fit', 3),
      killAndResume('worker', 'wasm', 1, 'worker', 2),
    ]);
    expect(wasm.result!.kernel).toBe('wasm-simd'); // the children run the build a plain Node gets
    const references = [js, wasm, wasm, wasm];
    runs.forEach((run, i) => {
      const reference = references[i].result!;
      expect(run.killed).toBeGreaterThan(0);
      expect(run.starts[0]).toBe('fresh');
      expect(run.result.history).toEqual(reference.history);
      expect(run.result.parameters).toEqual(reference.parameters); // numbers from float32: equal means the same bits
      expect(run.left).toEqual([]); // the finished run removed its checkpoint and any temporary file a kill left
    });
    // Every kill is armed once a save exists (every second batch), so reruns resume; not all of them: on a
    // starved machine a kill can land after a fit has finished and removed its checkpoint, and that rerun
    // starts afresh (and still ends the same).
    expect(runs.flatMap((r) => r.starts).filter((s) => s === 'resuming').length).toBeGreaterThan(3);
  }, 120_000);
});
