// Reading numeric CSV, MB/s on one core, side by side in alternating rounds: csvDataset end to
// end (bytes → float32 batches, the encoding given), the streamed reader with the byte number
// parser alone, the existing parseCsv + Number() per field, and split + parseFloat; a bare byte
// scan gives the machine's ceiling at the time (a loaded machine moves every row together).
import { Bench } from 'tinybench';
import { csvDataset, Encoding, parseCsv, Random } from '../src/index.js';
import { CsvRowReader } from '../src/data/csv-stream.js';
import { parseDecimal } from '../src/data/number-parser.js';
import { machineLines, markdownTable, writeSection } from './report.js';

const COLUMNS = 20;
const ROWS = Number(process.env.BENCH_CSV_ROWS ?? 200_000);
const ROUNDS = 5;

/** A numeric table as bench/RESULTS.md describes it: 20 columns of values like -12.3456 and 0.001234, a 0/1 target. */
function numericCsv(): Uint8Array {
  const rng = new Random(11);
  const names = Array.from({ length: COLUMNS }, (_, i) => `x${i}`);
  const lines = [[...names, 'y'].join(',')];
  for (let r = 0; r < ROWS; r++) {
    const fields = names.map((_, i) => (i % 3 === 0 ? (rng.normal() * 100).toFixed(4) : i % 3 === 1 ? rng.uniform().toPrecision(4) : String(rng.below(1000))));
    lines.push([...fields, String(rng.below(2))].join(','));
  }
  return new TextEncoder().encode(lines.join('\n') + '\n');
}

const bytes = numericCsv();
const text = new TextDecoder().decode(bytes);
const MB = bytes.length / 1e6;
const encoding = new Encoding(
  Array.from({ length: COLUMNS }, (_, i) => ({ column: `x${i}`, kind: 'number' as const, scaler: null })),
  { column: 'y', kind: 'binary' },
);
let sink = 0;

const tasks: Record<string, () => Promise<void> | void> = {
  // The ceiling on this machine now: one pass counting delimiters, no fields, no numbers.
  'byte scan only (ceiling)': () => {
    let commas = 0;
    for (let i = 0; i < bytes.length; i++) if (bytes[i] === 44) commas++;
    sink += commas;
  },
  'csvDataset (Blob → float32 batches)': async () => {
    const data = await csvDataset(new Blob([bytes as Uint8Array<ArrayBuffer>]), { encoding });
    for await (const batch of data() as AsyncIterable<{ x: Float32Array }>) sink += batch.x[0];
  },
  'streamed reader + byte number parser': () => {
    const out = new Float32Array(COLUMNS + 1);
    const reader = new CsvRowReader('bench', ',', (r) => {
      for (let i = 0; i < r.count; i++) out[i] = parseDecimal(r.bytes, r.starts[i], r.ends[i]);
      sink += out[0];
    });
    for (let at = 0; at < bytes.length; at += 1 << 20) reader.push(bytes.subarray(at, at + (1 << 20)));
    reader.end();
  },
  'parseCsv + Number() per field': () => {
    const table = parseCsv(text);
    const out = new Float32Array(COLUMNS + 1);
    for (const row of table.rows) {
      for (let i = 0; i < row.length; i++) out[i] = Number(row[i]);
      sink += out[0];
    }
  },
  'split + parseFloat (no quotes, no checks)': () => {
    const out = new Float32Array(COLUMNS + 1);
    const lines = text.split('\n');
    for (let l = 1; l < lines.length; l++) {
      if (lines[l] === '') continue;
      const fields = lines[l].split(',');
      for (let i = 0; i < fields.length; i++) out[i] = parseFloat(fields[i]);
      sink += out[0];
    }
  },
};

const seconds: Record<string, number[]> = Object.fromEntries(Object.keys(tasks).map((k) => [k, []]));
for (let round = 0; round < ROUNDS; round++) {
  const bench = new Bench({ iterations: 2, time: 0, warmup: round === 0 });
  for (const [name, run] of Object.entries(tasks)) bench.add(name, run);
  await bench.run();
  for (const name of Object.keys(tasks)) {
    const r = bench.getTask(name)?.result;
    if (!r || !('period' in r)) throw new Error(`benchmark ${name} did not complete`);
    seconds[name].push(r.period / 1000);
  }
}
const median = (a: number[]) => [...a].sort((p, q) => p - q)[Math.floor(a.length / 2)];
const base = median(seconds['parseCsv + Number() per field']);
const rows = Object.keys(tasks).map((name) => {
  const s = median(seconds[name]);
  const mbs = seconds[name].map((t) => MB / t).sort((p, q) => p - q);
  return [name, (MB / s).toFixed(0), `${mbs[0].toFixed(0)}–${mbs[mbs.length - 1].toFixed(0)}`, `${(base / s).toFixed(2)}×`];
});
const table = markdownTable(['reader', 'MB/s (median round)', 'range over rounds', 'vs parseCsv + Number()'], rows);
console.log(table.join('\n'));
if (sink === 42) console.log(''); // keeps the results live
writeSection(new URL('./RESULTS.md', import.meta.url).pathname, 'csv', [
  '## Reading numeric CSV (`npx tsx bench/csv.bench.ts`)',
  '',
  ...machineLines(['tinybench']),
  `- ${ROWS.toLocaleString('en-US')} rows × ${COLUMNS + 1} numeric columns (-12.3456, 0.1234, 617; a 0/1 target), ${MB.toFixed(1)} MB in memory; one thread`,
  `- ${ROUNDS} alternating rounds of 2 runs per reader; MB/s of the median round; every reader ends in a float32 per field`,
  '',
  ...table,
]);
