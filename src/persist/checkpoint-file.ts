// Where checkpoints are kept on Node: the newest at `path`, the one before it at `path.prev`. A
// new one is written whole to `path.next` (temporary file, fsync, rename: writeFileAtomic), then
// the two renames shift it in, so a crash at any moment leaves at least one whole checkpoint.
import { nodeBuiltin } from '../platform.js';
import { nodeFs, writeFileAtomic } from './file.js';

/** Where a checkpointing fit reads and writes: a file pair (Node) or the caller's store. */
export interface CheckpointTarget {
  /** The newest readable checkpoint, decoded; null when there is none. */
  load<T>(decode: (bytes: Uint8Array, label: string) => T, warn: (message: string) => void): Promise<T | null>;
  save(bytes: Uint8Array): Promise<void>;
  /** Forget the checkpoints (the run is over); undefined when the store cannot. */
  remove: (() => Promise<void>) | undefined;
}

export async function checkpointFile(path: string, where: string): Promise<CheckpointTarget> {
  const fs = await nodeFs(where, 'in a browser give checkpoint: { save(bytes), load() } (IndexedDB, say) instead of a path');
  const { basename, dirname } = (await nodeBuiltin('node:path')) as typeof import('node:path');
  const prev = `${path}.prev`;
  const next = `${path}.next`;
  const read = async (file: string): Promise<Uint8Array | null> => {
    try {
      return await fs.readFile(file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw new Error(`${where}: cannot read ${JSON.stringify(file)}: ${(e as Error).message}`);
    }
  };
  /** Temporary files of writes a kill cut short (writeFileAtomic names them `<next>.<pid>.<time>.tmp`). */
  const sweep = async () => {
    const dir = dirname(next);
    const stem = `${basename(next)}.`;
    const names = await fs.readdir(dir).catch(() => [] as string[]);
    await Promise.all(names.filter((n) => n.startsWith(stem) && n.endsWith('.tmp')).map((n) => fs.rm(`${dir}/${n}`, { force: true })));
  };
  return {
    async load(decode, warn) {
      await sweep();
      let damaged: string | null = null;
      for (const file of [path, prev]) {
        const bytes = await read(file);
        if (bytes === null) continue;
        try {
          const found = decode(bytes, `${where}: ${JSON.stringify(file)}`);
          if (damaged) warn(`${damaged}; resuming from the checkpoint before it, ${JSON.stringify(file)}`);
          return found;
        } catch (e) {
          if (!(e instanceof RangeError)) throw e; // not a checkpoint at all: refused, not skipped
          damaged ??= (e as Error).message;
        }
      }
      if (damaged) throw new Error(`${damaged}, and there is no whole checkpoint before it; nothing was changed (remove it to start afresh)`);
      return null;
    },
    async save(bytes) {
      try {
        await writeFileAtomic(next, bytes, where);
      } catch (e) {
        throw new Error(`${(e as Error).message}; training stopped, the last checkpoint is intact`);
      }
      await fs.rename(path, prev).catch((e: NodeJS.ErrnoException) => {
        if (e.code !== 'ENOENT') throw new Error(`${where}: cannot rename ${JSON.stringify(path)}: ${e.message}; training stopped`);
      });
      await fs.rename(next, path);
    },
    async remove() {
      await Promise.all([path, prev, next].map((f) => fs.rm(f, { force: true })));
    },
  };
}
