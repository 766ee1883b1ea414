// Streaming soak: does `backprop train` keep memory flat on a CSV far larger than it should
// hold? Writes a CSV of numeric and categorical columns (2 GB by default), trains one epoch on
// it through the command line (streamed: the file is over 256 MB), and reports the process's
// peak RSS (GNU time's maximum resident set size); the bar is 300 MB.
//
//   npm run build && node --import tsx scripts/soak-stream.ts              (2 GB, in the OS temp dir)
//   node --import tsx scripts/soak-stream.ts --gb 0.3 --dir /some/disk    (smaller, elsewhere)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, rmSync, statSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Random } from '../src/random.js';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const GB = Number(arg('gb', '2'));
const dir = mkdtempSync(join(arg('dir', tmpdir()), 'backprop-soak-stream-'));
const root = fileURLToPath(new URL('..', import.meta.url));
const csv = join(dir, 'big.csv');
const model = join(dir, 'model.json');

/** Rows of 8 numbers, a colour (5 categories), a city (20) and a 0/1 target that depends on them. */
function writeCsv(path: string, bytes: number): number {
  const rng = new Random(7);
  const colors = ['red', 'green', 'blue', 'amber', 'violet'];
  const cities = Array.from({ length: 20 }, (_, i) => `city${i}`);
  const fd = openSync(path, 'w');
  let written = 0;
  let rows = 0;
  let block: string[] = ['x0,x1,x2,x3,x4,x5,x6,x7,color,city,y'];
  let blockBytes = 0;
  while (written + blockBytes < bytes) {
    let s = 0;
    const fields: string[] = [];
    for (let k = 0; k < 8; k++) {
      const v = rng.normal();
      s += k < 3 ? v : 0;
      fields.push(k % 2 ? v.toFixed(5) : (v * 100).toFixed(2));
    }
    const color = rng.below(5);
    const line = `${fields.join(',')},${colors[color]},${cities[rng.below(20)]},${s + color / 4 > 0.5 ? 1 : 0}`;
    block.push(line);
    blockBytes += line.length + 1;
    rows++;
    if (blockBytes > 1 << 23) {
      written += writeSync(fd, block.join('\n') + '\n');
      block = [];
      blockBytes = 0;
    }
  }
  if (block.length) written += writeSync(fd, block.join('\n') + '\n');
  closeSync(fd);
  return rows;
}

try {
  let started = performance.now();
  const rows = writeCsv(csv, GB * 1e9);
  const size = statSync(csv).size;
  console.log(`wrote ${csv}: ${(size / 1e9).toFixed(2)} GB, ${rows.toLocaleString('en-US')} rows in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  // The built command when there is one (what users run); else the sources through tsx, whose loader adds its own memory.
  const built = join(root, 'dist/cli/main.js');
  const command = existsSync(built) ? [built] : ['--import', 'tsx', join(root, 'src/cli/main.ts')];
  const args = [...command, 'train', csv, '--target', 'y', '--categorical', 'color,city', '--standardize', 'x0,x1,x2,x3,x4,x5,x6,x7', '--stream', 'on',
    '--layers', '16', '--epochs', '1', '--batch-size', '64', '--validation', '0.02', '--out', model];
  console.log(`/usr/bin/time -v node ${args.join(' ')}`);
  started = performance.now();
  const run = spawnSync('/usr/bin/time', ['-v', process.execPath, ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, CI: 'true' }, maxBuffer: 1 << 26 });
  const seconds = (performance.now() - started) / 1000;
  process.stdout.write(run.stdout);
  const timeLines = run.stderr.split('\n');
  const peak = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(run.stderr)?.[1] ?? NaN);
  process.stdout.write(timeLines.filter((l) => !/^\t/.test(l)).slice(-12).join('\n') + '\n');
  if (run.status !== 0) throw new Error(`backprop train exited with ${run.status}:\n${run.stderr}`);
  const mb = peak / 1024;
  console.log(`one epoch (with the encoding's pass and validation) in ${seconds.toFixed(0)} s; peak RSS ${mb.toFixed(0)} MB (bar: 300 MB): ${mb < 300 ? 'pass' : 'FAIL'}`);
  if (!(mb < 300)) process.exitCode = 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
