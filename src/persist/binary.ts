// The compact binary form of a saved network: the architecture as a small JSON header, then
// the parameters as raw little-endian float32, then a CRC-32 so a damaged file is caught
// rather than loaded with wrong weights.
//
//   offset           size  field
//   0                4     magic 0x89 'B' 'P' 'N' (the high byte keeps a text file from ever matching)
//   4                4     format version, uint32 LE (BINARY_VERSION)
//   8                4     header length H in bytes, uint32 LE
//   12               4     parameter count P, uint32 LE
//   16               H     header: UTF-8 JSON { layers, loss, bias, init, seed }, as in toJSON
//   16 + H           0–3   zero bytes, so the parameters start at a multiple of 4
//   A = align4(16+H) 4·P   parameters, float32 LE (weights then bias, layer after layer)
//   A + 4·P          4     CRC-32 (IEEE, as zip and PNG) of bytes [0, A + 4·P), uint32 LE
import type { NetworkSpec } from '../validate/network-options.js';
import { describe, plainObject } from '../validate/values.js';
import { architectureJSON, checkKeys, checkParameters, parseArchitecture, type SavedNetwork } from './json.js';

export const MAGIC = Uint8Array.of(0x89, 0x42, 0x50, 0x4e);
export const BINARY_VERSION = 1;
const PREAMBLE = 16;
const CHECKSUM = 4;
/** A header is a few hundred bytes; a length beyond this means the preamble is damaged. */
const MAX_HEADER = 1 << 20;
const HEADER_KEYS = ['layers', 'loss', 'bias', 'init', 'seed'];

const align4 = (n: number) => (n + 3) & ~3;

export function encodeNetwork(spec: NetworkSpec, seed: number, parameters: Float32Array): Uint8Array {
  const header = new TextEncoder().encode(JSON.stringify(architectureJSON(spec, seed)));
  const at = align4(PREAMBLE + header.length);
  const end = at + parameters.length * 4;
  const bytes = new Uint8Array(end + CHECKSUM);
  const view = new DataView(bytes.buffer);
  bytes.set(MAGIC, 0);
  view.setUint32(4, BINARY_VERSION, true);
  view.setUint32(8, header.length, true);
  view.setUint32(12, parameters.length, true);
  bytes.set(header, PREAMBLE);
  for (let i = 0; i < parameters.length; i++) view.setFloat32(at + i * 4, parameters[i], true);
  view.setUint32(end, crc32(bytes, 0, end), true);
  return bytes;
}

/** Whether bytes begin with the binary form's magic number (load uses it to tell the forms apart). */
export function hasMagic(bytes: Uint8Array): boolean {
  return bytes.length >= MAGIC.length && MAGIC.every((b, i) => bytes[i] === b);
}

export function decodeNetwork(input: unknown, label: string): SavedNetwork {
  const bytes = asBytes(input, label);
  const n = bytes.length;
  for (let i = 0; i < Math.min(n, MAGIC.length); i++) {
    if (bytes[i] !== MAGIC[i]) {
      const hint = bytes[0] === 0x7b ? ' (it looks like JSON: use Network.fromJSON)' : '';
      throw new TypeError(`${label}: not a backprop network: expected the magic bytes ${hex(MAGIC, 0, 4)}, got ${hex(bytes, 0, Math.min(n, 4))}${hint}`);
    }
  }
  if (n < PREAMBLE + CHECKSUM) {
    throw new RangeError(`${label}: truncated: got ${n} bytes, expected at least ${PREAMBLE + CHECKSUM} (the ${PREAMBLE}-byte preamble and the checksum)`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, n);
  const version = view.getUint32(4, true);
  if (version !== BINARY_VERSION) throw new RangeError(`${label}: version: this library reads version ${BINARY_VERSION}, got ${version}`);
  const headerLength = view.getUint32(8, true);
  if (headerLength > MAX_HEADER) {
    throw new RangeError(`${label}: header length: ${headerLength} bytes is over the ${MAX_HEADER}-byte limit; the preamble is corrupt`);
  }
  const count = view.getUint32(12, true);
  const at = align4(PREAMBLE + headerLength);
  const end = at + count * 4;
  const expected = end + CHECKSUM;
  if (n < expected) {
    throw new RangeError(`${label}: truncated: expected ${expected} bytes (a ${headerLength}-byte header and ${count} parameters), got ${n}`);
  }
  if (n > expected) {
    throw new RangeError(`${label}: ${n - expected} unexpected bytes after the end: expected ${expected} bytes (a ${headerLength}-byte header and ${count} parameters), got ${n}`);
  }
  const stored = view.getUint32(end, true);
  const computed = crc32(bytes, 0, end);
  if (stored !== computed) {
    throw new RangeError(`${label}: checksum: stored ${hex32(stored)}, computed ${hex32(computed)}; the bytes are corrupt`);
  }
  for (let i = PREAMBLE + headerLength; i < at; i++) {
    if (bytes[i] !== 0) throw new RangeError(`${label}: padding: byte ${i} is ${bytes[i]}, expected 0`);
  }
  const header = parseHeader(bytes.subarray(PREAMBLE, PREAMBLE + headerLength), label);
  const { spec, seed } = parseArchitecture(header, `${label}: header`);
  const parameters = new Float32Array(count);
  for (let i = 0; i < count; i++) parameters[i] = view.getFloat32(at + i * 4, true);
  checkParameters(spec, parameters, label);
  return { spec, seed, parameters };
}

function asBytes(input: unknown, label: string): Uint8Array {
  if (input instanceof Uint8Array) return input;
  if (input instanceof ArrayBuffer) return new Uint8Array(input);
  throw new TypeError(`${label}: bytes: expected a Uint8Array or an ArrayBuffer, got ${describe(input)}`);
}

function parseHeader(raw: Uint8Array, label: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(raw));
  } catch (e) {
    throw new SyntaxError(`${label}: header: not valid UTF-8 JSON: ${(e as Error).message}`);
  }
  const o = plainObject(value, `${label}: header`);
  checkKeys(o, HEADER_KEYS, `${label}: header`);
  return o;
}

const hex = (b: Uint8Array, from: number, to: number) =>
  Array.from(b.subarray(from, to), (x) => x.toString(16).padStart(2, '0')).join(' ') || 'nothing';
const hex32 = (x: number) => `0x${x.toString(16).padStart(8, '0')}`;

let crcTable: Uint32Array | null = null;

/** CRC-32 with the IEEE polynomial (reflected 0xedb88320), as zip, gzip and PNG use. */
export function crc32(bytes: Uint8Array, from: number, to: number): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let i = 0; i < 256; i++) {
      let c = i;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[i] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = from; i < to; i++) crc = crcTable[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
