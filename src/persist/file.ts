// save/load in Node. node:fs is imported only when called, so a browser bundle of the
// library never pulls it in; in a browser the calls say what to use instead.
import { describe } from '../samples.js';
import { oneOf, parseBackend, plainObject, rejectUnknownKeys, type BackendChoice } from '../options.js';

/** Node built-ins are imported when called and through a variable, so a browser bundle never pulls them in. */
const nodeBuiltin = (name: string): Promise<unknown> => import(/* @vite-ignore */ name);

export type SaveFormat = 'json' | 'binary';

export interface SaveOptions {
  /** 'json' (toJSON, readable) or 'binary' (toBuffer, compact). Default: 'json' for a path ending in .json, else 'binary'. */
  format?: SaveFormat;
}

const FORMATS: readonly SaveFormat[] = ['json', 'binary'];

type Fs = typeof import('node:fs/promises');

function isNode(): boolean {
  return typeof process === 'object' && process !== null && typeof process.versions?.node === 'string';
}

async function nodeFs(label: string, instead: string): Promise<Fs> {
  if (!isNode()) {
    throw new Error(`${label}: files need Node's file system, which this runtime does not have; ${instead}`);
  }
  return (await nodeBuiltin('node:fs/promises')) as Fs;
}

function checkPath(path: unknown, label: string): string {
  if (typeof path !== 'string' || path.length === 0) throw new TypeError(`${label}: path: expected a non-empty string, got ${describe(path)}`);
  return path;
}

/** The format a save writes: the option if given, else by the path's extension. */
export function parseSaveOptions(path: unknown, options: unknown, label: string): { path: string; format: SaveFormat } {
  const p = checkPath(path, label);
  const o = plainObject(options, `${label}: options`);
  rejectUnknownKeys(o, ['format'], `${label}: options`);
  const format = o.format === undefined ? (/\.json$/i.test(p) ? 'json' : 'binary') : oneOf(o.format, FORMATS, `${label}: format`);
  return { path: p, format };
}

/**
 * Write through a temporary file and rename it over the target, so a crash midway never
 * leaves a half-written model where a good one was.
 */
export async function writeFileAtomic(path: string, data: Uint8Array | string, label: string): Promise<void> {
  const fs = await nodeFs(label, 'in a browser use net.toJSON() or net.toBuffer() and store the result yourself (a download, IndexedDB)');
  const temporary = `${path}.${process.pid}.${Date.now().toString(36)}.tmp`;
  try {
    await fs.writeFile(temporary, data);
    await fs.rename(temporary, path);
  } catch (e) {
    await fs.rm(temporary, { force: true }).catch(() => {});
    throw new Error(`${label}: cannot write ${JSON.stringify(path)}: ${(e as Error).message}`);
  }
}

export async function readFileBytes(path: unknown, label: string): Promise<{ path: string; bytes: Uint8Array }> {
  const p = checkPath(path, label);
  const fs = await nodeFs(label, 'in a browser fetch the bytes yourself and use Network.fromJSON or Network.fromBuffer');
  try {
    return { path: p, bytes: await fs.readFile(p) };
  } catch (e) {
    throw new Error(`${label}: cannot read ${JSON.stringify(p)}: ${(e as Error).message}`);
  }
}

/** fromBuffer and load take only { backend }. */
export function parseLoadOptions(options: unknown, label: string): BackendChoice {
  const o = plainObject(options, `${label}: options`);
  rejectUnknownKeys(o, ['backend'], `${label}: options`);
  return parseBackend(o.backend, label);
}

export function utf8(bytes: Uint8Array, label: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new TypeError(`${label}: neither a backprop binary network (no magic bytes) nor UTF-8 JSON text`);
  }
}
