// The CLI's side of the encoding (src/model/encoding.ts): predictions as CSV columns, and an
// encoding for a bare network JSON, which kept none.
import { columnIndex, type CsvTable } from '../data/csv.js';
import { Encoding } from '../model/encoding.js';
import { UsageError } from './args.js';

/** Network outputs as CSV columns: the prediction in the target's own terms, then the raw outputs. */
export function describeOutputs(encoding: Encoding, outputs: Float32Array, rows: number): { header: string[]; rows: string[][] } {
  const t = encoding.target;
  const K = encoding.outputWidth;
  const predictions = encoding.decode(outputs, rows);
  const out = predictions.map((p, r) => [t.kind === 'number' ? round(p[t.column] as number) : String(p[t.column]),
    ...(t.kind === 'number' ? [] : Array.from(outputs.subarray(r * K, (r + 1) * K), round))]);
  const header = t.kind === 'classes' ? [t.column, ...t.categories.map((c) => `p_${c}`)] : t.kind === 'binary' ? [t.column, `p_${t.column}`] : [t.column];
  return { header, rows: out };
}

const round = (v: number) => String(Number(v.toPrecision(6)));

/**
 * For a bare network JSON (no encoding kept): every column but the target is a number input,
 * as it is; with several outputs the target holds the class index 0…K−1.
 */
export function plainEncoding(table: CsvTable, net: { inputs: number; outputs: number; spec: { layers: Array<{ activation: string }> } }, target: string | undefined, source: string): Encoding {
  if (target !== undefined) columnIndex(table, target, source);
  const columns = table.columns.filter((c) => c !== target);
  if (columns.length !== net.inputs) {
    throw new UsageError(`${source}: the network takes ${net.inputs} inputs but the file has ${columns.length} input columns (${columns.join(', ')})`);
  }
  const column = target ?? 'prediction';
  const output = net.spec.layers[net.spec.layers.length - 1].activation;
  const inputs = columns.map((c) => ({ column: c, kind: 'number' as const, scaler: null }));
  if (net.outputs > 1) return new Encoding(inputs, { column, kind: 'classes', categories: Array.from({ length: net.outputs }, (_, k) => String(k)) });
  return new Encoding(inputs, output === 'sigmoid' ? { column, kind: 'binary' } : { column, kind: 'number', scaler: null });
}
