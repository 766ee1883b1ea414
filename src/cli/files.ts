// Reading and writing the CLI's files: CSV tables and model files (Model.toJSON: the network's
// JSON with the encoding that turns CSV columns into its inputs); a bare network JSON is accepted
// too, fed the CSV's columns as they are.
import { accessSync, constants, readFileSync, statSync, writeFileSync, type Stats } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseCsv, type CsvTable } from '../data/csv.js';
import { Network } from '../network.js';
import type { BackendChoice } from '../validate/network-options.js';
import { UsageError } from './args.js';
import { notText, looksLikeJson } from './sniff.js';
import type { Encoding } from '../model/encoding.js';
import { MODEL_FORMAT, modelText, parseModel as parseModelJSON, type Model } from '../model/model.js';

export function readText(path: string, what: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (e as Error).message;
    throw new UsageError(`cannot read the ${what} ${path}: ${why}`);
  }
  // Say what the file seems to be rather than let a parser quote its bytes back.
  const why = notText(bytes);
  if (why) throw new UsageError(`${path}: does not look like a ${what}: ${why}`);
  return bytes.toString('utf8');
}

export function writeText(path: string, text: string, what: string): void {
  try {
    writeFileSync(path, text);
  } catch (e) {
    throw new UsageError(`cannot write the ${what} ${path}: ${(e as Error).message}`);
  }
}

/**
 * Fail now if `path` could not be written later: a long training run should not end in
 * "cannot write". Nothing is created; `inputs` are files it must not overwrite.
 */
export function checkWritable(path: string, what: string, inputs: string[] = []): void {
  const fail = (why: string) => new UsageError(`cannot write the ${what} ${path}: ${why}`);
  if (inputs.some((input) => resolve(input) === resolve(path))) throw fail('it is an input file of this command');
  const file = statOrNull(path);
  if (file?.isDirectory() || /[\\/]$/.test(path)) throw fail('it is a directory');
  const dir = dirname(path);
  const parent = statOrNull(dir);
  if (!parent) throw fail(`no directory ${dir}`);
  if (!parent.isDirectory()) throw fail(`${dir} is not a directory`);
  try {
    accessSync(file ? path : dir, constants.W_OK);
  } catch {
    throw fail(file ? 'the file is read-only' : `no permission to write in ${dir}`);
  }
}

function statOrNull(path: string): Stats | null {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}

export function readTable(path: string): CsvTable {
  return parseTable(readText(path, 'CSV file'), path);
}

function parseTable(text: string, path: string): CsvTable {
  if (looksLikeJson(text)) throw new UsageError(`${path}: does not look like a CSV file: it is JSON (a model file?)`);
  const table = parseCsv(text, { source: path });
  if (table.rows.length === 0) throw new UsageError(`${path}: the file has a header but no rows`);
  return table;
}

export function writeModel(path: string, model: Model): void {
  writeText(path, modelText(model), 'model file');
}

/** The network in a model file (or a bare network JSON), and its preprocessing when it has one. */
export function readModel(path: string, backend: BackendChoice = 'auto'): LoadedModel {
  return parseModel(readText(path, 'model file'), path, backend);
}

/**
 * predict's and evaluate's two files, model first. Users often give them the other way round,
 * so a CSV where the model belongs and JSON where the CSV belongs is said as such.
 */
export function readModelAndTable(command: string, modelPath: string, csvPath: string, backend: BackendChoice): LoadedModel & { table: CsvTable } {
  const modelSource = readText(modelPath, 'model file');
  const csvText = readText(csvPath, 'CSV file');
  if (!looksLikeJson(modelSource) && looksLikeJson(csvText)) {
    throw new UsageError(`${command}: the arguments look swapped (${csvPath} is a model file, ${modelPath} is not); the model comes first: backprop ${command} ${csvPath} ${modelPath}`);
  }
  const table = parseTable(csvText, csvPath);
  return { ...parseModel(modelSource, modelPath, backend), table };
}

interface LoadedModel {
  net: Network;
  encoding: Encoding | null;
}

function parseModel(text: string, path: string, backend: BackendChoice): LoadedModel {
  if (!looksLikeJson(text)) {
    const csv = /^[^\n]*,/.test(text) ? '; it looks like a CSV' : '';
    throw new UsageError(`${path}: not a model file: a model file is JSON and starts with "{"${csv}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${path}: not a model file: the JSON does not parse (${(e as Error).message})`);
  }
  if ((json as { format?: unknown } | null)?.format !== MODEL_FORMAT) return { net: Network.fromJSON(json, { backend }), encoding: null };
  try {
    const model = parseModelJSON(json, backend, path);
    return { net: model.network, encoding: model.encoding };
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}
