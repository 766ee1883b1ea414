// Where streamed bytes come from: a file path (Node), a ReadableStream, a Blob or File, a
// Response, or a function giving a fresh one of these each time (a stream is read once). The
// file reader keeps one read in flight while the last chunk is parsed, so the disk and the
// parser overlap; memory is two chunks whatever the file's size.
import { isNode, nodeBuiltin } from '../platform.js';
import { describe } from '../validate/values.js';

/** A source of bytes itself: a file path (Node), a ReadableStream of bytes, a Blob or File, a Response. */
export type ByteSourceOnce = string | ReadableStream<Uint8Array> | Blob | Response;

/** What csvDataset reads: a source of bytes, or a function returning one (called for each pass, so a stream can be made anew). */
export type ByteSource = ByteSourceOnce | (() => ByteSourceOnce | Promise<ByteSourceOnce>);

/** Bytes per file read: large enough that a read costs little per byte, small beside the 300 MB a big file may use. */
const CHUNK_BYTES = 1 << 20;

interface FileHandle {
  read(buffer: Uint8Array, offset: number, length: number, position: number | null): Promise<{ bytesRead: number }>;
  stat(): Promise<{ size: number }>;
  close(): Promise<void>;
}

/** Whether `source` can be read only once (a stream, a Response), so a second pass needs a function that makes a new one. */
export function readOnce(source: ByteSource): boolean {
  return typeof source !== 'function' && typeof source !== 'string' && !isBlob(source);
}

/** A name for the source in error messages: the file path, a File's name, else what it is. */
export function sourceName(source: ByteSource): string {
  if (typeof source === 'string') return source;
  if (typeof File !== 'undefined' && source instanceof File) return source.name;
  if (typeof Response !== 'undefined' && source instanceof Response) return source.url || 'response';
  return 'csv';
}

/** Check a source's kind now, before any pass: the error names the argument. */
export function checkByteSource(source: unknown, label: string): ByteSource {
  if (typeof source === 'function' || isByteSourceOnce(source)) {
    if (typeof source === 'string' && !isNode()) throw new TypeError(`${label}: a file path is read on Node only; in a browser pass a File, Blob, Response or ReadableStream`);
    return source as ByteSource;
  }
  throw new TypeError(`${label}: expected a file path, a ReadableStream, a Blob or File, a Response, or a function returning one, got ${describe(source)}`);
}

/** The bytes of one pass over the source, in chunks; the total size too where it is known (a file, a Blob). */
export async function openBytes(source: ByteSource, label: string): Promise<{ chunks: AsyncIterable<Uint8Array>; size: number | null }> {
  const once = typeof source === 'function' ? await source() : source;
  if (!isByteSourceOnce(once)) throw new TypeError(`${label}: the source function returned ${describe(once)}; expected a file path, a ReadableStream, a Blob or File, or a Response`);
  if (typeof once === 'string') return openFile(once, label);
  if (isBlob(once)) return { chunks: streamChunks(once.stream(), label), size: once.size };
  if (typeof Response !== 'undefined' && once instanceof Response) {
    if (once.bodyUsed) throw new TypeError(`${label}: the Response's body has been read already; pass a function that fetches it again, e.g. () => fetch(url)`);
    if (once.body === null) return { chunks: streamChunks(new Blob([]).stream(), label), size: 0 };
    const length = Number(once.headers.get('content-length'));
    return { chunks: streamChunks(once.body, label), size: length > 0 ? length : null };
  }
  const stream = once as ReadableStream<Uint8Array>;
  if (stream.locked) throw new TypeError(`${label}: the ReadableStream is locked (read already?); pass a function returning a fresh stream`);
  return { chunks: streamChunks(stream, label), size: null };
}

async function openFile(path: string, label: string): Promise<{ chunks: AsyncIterable<Uint8Array>; size: number }> {
  const fs = (await nodeBuiltin('node:fs/promises')) as { open(path: string, flags: string): Promise<FileHandle> };
  let file: FileHandle;
  try {
    file = await fs.open(path, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (e as Error).message;
    throw new Error(`${label}: cannot read ${path}: ${why}`);
  }
  const { size } = await file.stat();
  return { chunks: fileChunks(file), size };
}

/** A file's bytes, one read ahead: the chunk handed out is parsed while the next is read into the other buffer. */
async function* fileChunks(file: FileHandle): AsyncGenerator<Uint8Array> {
  const buffers = [new Uint8Array(CHUNK_BYTES), new Uint8Array(CHUNK_BYTES)];
  try {
    let which = 0;
    let reading = file.read(buffers[0], 0, CHUNK_BYTES, null);
    for (;;) {
      const { bytesRead } = await reading;
      if (bytesRead === 0) return;
      const chunk = buffers[which].subarray(0, bytesRead);
      which ^= 1;
      reading = file.read(buffers[which], 0, CHUNK_BYTES, null);
      yield chunk;
    }
  } finally {
    await file.close();
  }
}

/** A ReadableStream's chunks; stopping early (return()) cancels the stream, so a fetch stops downloading. */
async function* streamChunks(stream: ReadableStream<Uint8Array>, label: string): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  let done = false;
  try {
    for (;;) {
      const next = await reader.read();
      if (next.done) {
        done = true;
        return;
      }
      if (!(next.value instanceof Uint8Array)) throw new TypeError(`${label}: the stream gave ${describe(next.value)}; expected bytes (Uint8Array chunks)`);
      yield next.value;
    }
  } finally {
    if (!done) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}

function isBlob(v: unknown): v is Blob {
  return typeof Blob !== 'undefined' && v instanceof Blob;
}

function isByteSourceOnce(v: unknown): v is ByteSourceOnce {
  return typeof v === 'string' || isBlob(v) || (typeof Response !== 'undefined' && v instanceof Response) || (typeof ReadableStream !== 'undefined' && v instanceof ReadableStream);
}
