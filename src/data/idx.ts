// The IDX format (LeCun's, for MNIST, Fashion-MNIST, EMNIST): two zero bytes, a type code, the
// number of dimensions, each dimension as a big-endian uint32, then the values big-endian, row-major.
// decodeIdx works anywhere on the bytes; loadIdx reads a file in Node and unzips it when gzipped.
import { nodeBuiltin } from '../platform.js';
import { digitsOf, type Digits } from './mnist.js';

/** The element types IDX files declare, by their type code (0x08 … 0x0E; 0x0A is not defined). */
const TYPES: Record<number, { name: IdxType; size: number; make: (n: number) => IdxArray['data']; read: (v: DataView, at: number) => number } | undefined> = {
  0x08: { name: 'uint8', size: 1, make: (n: number) => new Uint8Array(n), read: (v: DataView, at: number) => v.getUint8(at) },
  0x09: { name: 'int8', size: 1, make: (n: number) => new Int8Array(n), read: (v: DataView, at: number) => v.getInt8(at) },
  0x0b: { name: 'int16', size: 2, make: (n: number) => new Int16Array(n), read: (v: DataView, at: number) => v.getInt16(at) },
  0x0c: { name: 'int32', size: 4, make: (n: number) => new Int32Array(n), read: (v: DataView, at: number) => v.getInt32(at) },
  0x0d: { name: 'float32', size: 4, make: (n: number) => new Float32Array(n), read: (v: DataView, at: number) => v.getFloat32(at) },
  0x0e: { name: 'float64', size: 8, make: (n: number) => new Float64Array(n), read: (v: DataView, at: number) => v.getFloat64(at) },
};

/** The element type of an IDX file. */
export type IdxType = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';

/** An array read from an IDX file. */
export interface IdxArray {
  /** The element type the file declares. */
  type: IdxType;
  /** The dimensions, outermost first: [count, rows, cols] for images, [count] for labels. */
  dims: number[];
  /** All values, row-major, in the typed array of the element type. */
  data: Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;
}

const isGzip = (bytes: Uint8Array): boolean => bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;

/** Parse the bytes of an (unzipped) IDX file; `label` names it in errors. */
export function decodeIdx(bytes: Uint8Array, label = 'IDX data'): IdxArray {
  if (isGzip(bytes)) throw new TypeError(`decodeIdx: ${label} is gzip-compressed: unzip it first (loadIdx does in Node; DecompressionStream('gzip') in browsers)`);
  if (bytes.length < 4) throw new RangeError(`decodeIdx: ${label}: expected a 4-byte header, got ${bytes.length} bytes`);
  const code = bytes[2];
  const type = TYPES[code];
  if (bytes[0] !== 0 || bytes[1] !== 0 || type === undefined) {
    const magic = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
    throw new TypeError(`decodeIdx: ${label} is not an IDX file (expected 00 00 then a type code 08, 09, 0b, 0c, 0d or 0e, got ${magic})`);
  }
  const rank = bytes[3];
  const header = 4 + 4 * rank;
  if (rank === 0) throw new RangeError(`decodeIdx: ${label}: expected at least 1 dimension, got 0`);
  if (bytes.length < header) throw new RangeError(`decodeIdx: ${label}: truncated header: ${rank} dimensions need ${header} bytes, got ${bytes.length}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i));
  const count = dims.reduce((a, b) => a * b, 1);
  const expected = header + count * type.size;
  if (bytes.length !== expected) {
    const what = bytes.length < expected ? 'truncated' : 'trailing bytes';
    throw new RangeError(`decodeIdx: ${label}: ${what}: expected ${expected} bytes for ${dims.join('×')} ${type.name}, got ${bytes.length}`);
  }
  if (code === 0x08) return { type: type.name, dims, data: new Uint8Array(bytes.subarray(header)) }; // a copy, and never a Node Buffer
  const data = type.make(count);
  for (let i = 0; i < count; i++) data[i] = type.read(view, header + i * type.size);
  return { type: type.name, dims, data };
}

/** Read an IDX file (Node), unzipping it when it is gzipped (as the files of the MNIST site are). */
export async function loadIdx(file: string | URL): Promise<IdxArray> {
  const { readFile } = (await nodeBuiltin('node:fs/promises')) as typeof import('node:fs/promises');
  const { gunzipSync } = (await nodeBuiltin('node:zlib')) as typeof import('node:zlib');
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (e) {
    throw new Error(`loadIdx: cannot read ${String(file)}: ${(e as Error).message}`);
  }
  return decodeIdx(isGzip(bytes) ? gunzipSync(bytes) : bytes, String(file));
}

/**
 * Pair an IDX image file (uint8, count × rows × cols) with its label file (uint8, count; 0–9) as
 * Digits: pixels scaled to [0, 1], one-hot targets. MNIST's and Fashion-MNIST's files are of this form.
 */
export function idxDigits(images: IdxArray, labels: IdxArray): Digits {
  if (images.type !== 'uint8' || images.dims.length !== 3) {
    throw new TypeError(`idxDigits: images: expected uint8 count × rows × cols, got ${images.type} ${images.dims.join('×')}`);
  }
  if (labels.type !== 'uint8' || labels.dims.length !== 1) {
    throw new TypeError(`idxDigits: labels: expected uint8 of 1 dimension, got ${labels.type} ${labels.dims.join('×')}`);
  }
  const [count, rows, cols] = images.dims;
  if (labels.dims[0] !== count) throw new RangeError(`idxDigits: expected ${count} labels (one per image), got ${labels.dims[0]}`);
  return digitsOf(images.data as Uint8Array, labels.data as Uint8Array, rows, cols, 'idxDigits');
}
