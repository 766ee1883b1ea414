// save/load in Node. node:fs is imported only when called, so a browser bundle of the
// library never pulls it in; in a browser the calls say what to use instead.
import { isNode, nodeBuiltin } from '../platform.js';
import { parsePath } from '../validate/call-options.js';
import { decodeNetwork, hasMagic } from './binary.js';
import { parseNetworkJSON, type SavedNetwork } from './json.js';

type Fs = typeof import('node:fs/promises');

/** node:fs/promises, or an error that says what to do instead in a runtime without it. */
export async function nodeFs(label: string, instead: string): Promise<Fs> {
  if (!isNode()) {
    throw new Error(`${label}: files need Node's file system, which this runtime does not have; ${instead}`);
  }
  return (await nodeBuiltin('node:fs/promises')) as Fs;
}

/**
 * Write through a temporary file and rename it over the target, so a crash midway never
 * leaves a half-written model where a good one was.
 */
export async function writeFileAtomic(path: string, data: Uint8Array | string, label: string): Promise<void> {
  const fs = await nodeFs(label, 'in a browser use net.toJSON() or net.toBuffer() and store the result yourself (a download, IndexedDB)');
  const temporary = `${path}.${process.pid}.${Date.now().toString(36)}.tmp`;
  try {
    const file = await fs.open(temporary, 'w');
    try {
      await file.writeFile(data);
      await file.sync(); // on disk before the rename makes it the file: a power cut cannot leave the new name on old blocks
    } finally {
      await file.close();
    }
    await fs.rename(temporary, path);
  } catch (e) {
    await fs.rm(temporary, { force: true }).catch(() => {});
    throw new Error(`${label}: cannot write ${JSON.stringify(path)}: ${(e as Error).message}`);
  }
}

async function readFileBytes(path: unknown, label: string): Promise<{ path: string; bytes: Uint8Array }> {
  const p = parsePath(path, label);
  const fs = await nodeFs(label, 'in a browser fetch the bytes yourself and use Network.fromJSON or Network.fromBuffer');
  try {
    return { path: p, bytes: await fs.readFile(p) };
  } catch (e) {
    throw new Error(`${label}: cannot read ${JSON.stringify(p)}: ${(e as Error).message}`);
  }
}

/** A network written by save, in either form (told apart by its first bytes, not the extension); `where` names the file for later errors. */
export async function readNetworkFile(path: unknown, label: string): Promise<{ saved: SavedNetwork; where: string }> {
  const { path: file, bytes } = await readFileBytes(path, label);
  const where = `${label}: ${JSON.stringify(file)}`;
  return { saved: hasMagic(bytes) ? decodeNetwork(bytes, where) : parseNetworkJSON(utf8(bytes, where), where), where };
}

function utf8(bytes: Uint8Array, label: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new TypeError(`${label}: neither a backprop binary network (no magic bytes) nor UTF-8 JSON text`);
  }
}
