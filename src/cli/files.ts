// Reading and writing the CLI's files: CSV tables and model files. A model file is the network's
// own JSON (Network.toJSON) wrapped with the preprocessing that turns CSV columns into its inputs;
// a bare network JSON is accepted too, fed the CSV's columns as they are.
import { readFileSync, writeFileSync } from 'node:fs';
import { parseCsv, type CsvTable } from '../data/csv.js';
import { Network } from '../network.js';
import type { BackendChoice } from '../validate/network-options.js';
import type { NetworkJSON } from '../persist/json.js';
import { UsageError } from './args.js';
import { parsePreprocessing, inputWidth, type Preprocessing } from './features.js';

export const MODEL_FORMAT = 'backprop-model';
export const MODEL_VERSION = 1;

export interface ModelFile {
  format: typeof MODEL_FORMAT;
  version: number;
  preprocessing: Preprocessing;
  network: NetworkJSON;
}

export function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (e as Error).message;
    throw new UsageError(`cannot read the ${what} ${path}: ${why}`);
  }
}

export function writeText(path: string, text: string, what: string): void {
  try {
    writeFileSync(path, text);
  } catch (e) {
    throw new UsageError(`cannot write the ${what} ${path}: ${(e as Error).message}`);
  }
}

export function readTable(path: string): CsvTable {
  const table = parseCsv(readText(path, 'CSV file'), { source: path });
  if (table.rows.length === 0) throw new UsageError(`${path}: the file has a header but no rows`);
  return table;
}

export function writeModel(path: string, net: Network, preprocessing: Preprocessing): void {
  const file: ModelFile = { format: MODEL_FORMAT, version: MODEL_VERSION, preprocessing, network: net.toJSON() };
  writeText(path, JSON.stringify(file, null, 1) + '\n', 'model file');
}

/** The network in a model file (or a bare network JSON), and its preprocessing when it has one. */
export function readModel(path: string, backend: BackendChoice = 'auto'): { net: Network; preprocessing: Preprocessing | null } {
  let json: unknown;
  try {
    json = JSON.parse(readText(path, 'model file'));
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`${path}: not a model file: the JSON does not parse (${(e as Error).message})`);
  }
  const o = json as Partial<ModelFile> | null;
  if (o?.format !== MODEL_FORMAT) return { net: Network.fromJSON(json, { backend }), preprocessing: null };
  if (o.version !== MODEL_VERSION) throw new UsageError(`${path}: model file version ${String(o.version)}; this backprop reads version ${MODEL_VERSION}`);
  const preprocessing = parsePreprocessing(o.preprocessing, path);
  const net = Network.fromJSON(o.network, { backend });
  if (inputWidth(preprocessing) !== net.inputs) {
    net.dispose();
    throw new UsageError(`${path}: the preprocessing makes ${inputWidth(preprocessing)} inputs but the network takes ${net.inputs}`);
  }
  return { net, preprocessing };
}
