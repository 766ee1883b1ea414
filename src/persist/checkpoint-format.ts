// The checkpoint file's bytes: what a checkpointing fit (./checkpoint.ts) writes and reads back.
//
//   offset   size  field
//   0        4     magic 0x89 'B' 'P' 'K'
//   4        4     format version, uint32 LE (CHECKPOINT_VERSION)
//   8        4     header length H in bytes, uint32 LE
//   12       H     header: UTF-8 JSON (Header below), then zero bytes to a multiple of 4
//   A        4·n   float32 LE: parameters, optimizer vectors, best weights, row order (lengths in the header)
//   A + 4·n  8     checksum: hashWords over every word before it, two uint32 LE
import type { Engine } from '../engine/engine.js';
import type { FitState } from '../engine/fit.js';
import type { OptimizerState } from '../engine/step.js';
import type { OptimizerName } from '../registry/optimizers.js';

const MAGIC = [0x89, 0x42, 0x50, 0x4b];
export const CHECKPOINT_VERSION = 1;
const PREAMBLE = 12;
const CHECKSUM = 8;

/** What identifies a run: a checkpoint is resumed only by the fit it was written by. */
export interface RunIdentity {
  /** The architecture and seed, as the saved forms write them. */
  network: Record<string, unknown>;
  /** Fingerprint of the network as fit found it: parameters, optimizer state, generator. */
  start: string;
  /** fit's options that decide the numbers. */
  options: Record<string, unknown>;
  /** Fingerprints of the training and validation data. */
  data: Record<string, string>;
}

export interface Header {
  format: 'backprop-checkpoint';
  identity: RunIdentity;
  /** The kernel build it was written on: another one continues, but not to the same bits. */
  kernel: string;
  /** Written when the run was over (keep: true): fit returns its history without training. */
  finished: boolean;
  /** FitState without its arrays; best is null for Infinity, which JSON cannot hold. */
  state: Omit<FitState, 'bestParams' | 'source' | 'best'> & { best: number | null };
  rng: [number, number, number, number];
  optimizer: { name: OptimizerName | null; updates: number };
  /** Float counts of the arrays after the header, in order; null for an array that is absent. */
  lengths: { parameters: number; optimizer: number; best: number | null; order: number | null };
}

/** A checkpoint as read back. */
export interface Checkpoint {
  header: Header;
  parameters: Float32Array;
  optimizer: OptimizerState;
  state: FitState;
}

/** A fast hash of the words of some float arrays, as 16 hex digits and their total length. */
export function fingerprint(arrays: Float32Array[]): string {
  let h: [number, number] = [0x9747b28c, 0x2545f491];
  let length = 0;
  for (const a of arrays) {
    h = hashWords(new Uint32Array(a.buffer, a.byteOffset, a.length), h);
    length += a.length;
  }
  return `${hex(h[0])}${hex(h[1])}/${length}`;
}

/**
 * Two lanes of MurmurHash3's 32-bit body over words, continuing from `seed`: about a GB/s in
 * JS, enough for a fingerprint of the data at each fit call and a checksum of each checkpoint.
 */
function hashWords(words: Uint32Array, [a, b]: [number, number]): [number, number] {
  for (let i = 0; i < words.length; i++) {
    let k = Math.imul(words[i], 0xcc9e2d51);
    k = Math.imul((k << 15) | (k >>> 17), 0x1b873593);
    a ^= k;
    a = (Math.imul((a << 13) | (a >>> 19), 5) + 0xe6546b64) | 0;
    b = Math.imul(b ^ words[i] ^ (b >>> 15), 0x2c1b3c6d) + i;
    b = (b << 11) | (b >>> 21);
  }
  return [mix(a ^ words.length), mix(b ^ a)];
}

function mix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

const hex = (x: number) => x.toString(16).padStart(8, '0');
const align4 = (n: number) => (n + 3) & ~3;
const littleEndian = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

export function encodeCheckpoint(engine: Engine, w: { identity: RunIdentity; kernel: string; s: FitState; finished: boolean }): Uint8Array {
  const { bestParams, source, best, ...scalars } = w.s;
  const optimizer = engine.optimizerState();
  const arrays = [engine.parameters(), optimizer.vectors, bestParams, source.order];
  const header: Header = {
    format: 'backprop-checkpoint',
    identity: w.identity,
    kernel: w.kernel,
    finished: w.finished,
    state: { ...scalars, best: Number.isFinite(best) ? best : null },
    rng: engine.rng.state,
    optimizer: { name: optimizer.optimizer, updates: optimizer.updates },
    lengths: { parameters: arrays[0]!.length, optimizer: arrays[1]!.length, best: bestParams?.length ?? null, order: source.order?.length ?? null },
  };
  const text = new TextEncoder().encode(JSON.stringify(header));
  const at = align4(PREAMBLE + text.length);
  const floats = arrays.reduce((n, a) => n + (a?.length ?? 0), 0);
  const end = at + floats * 4;
  const bytes = new Uint8Array(end + CHECKSUM);
  const view = new DataView(bytes.buffer);
  bytes.set(MAGIC, 0);
  view.setUint32(4, CHECKPOINT_VERSION, true);
  view.setUint32(8, text.length, true);
  bytes.set(text, PREAMBLE);
  let p = at;
  for (const a of arrays) {
    if (!a) continue;
    if (littleEndian) bytes.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), p);
    else for (let i = 0; i < a.length; i++) view.setFloat32(p + i * 4, a[i], true);
    p += a.byteLength;
  }
  const [c0, c1] = hashWords(new Uint32Array(bytes.buffer, 0, end / 4), [0, 0]);
  view.setUint32(end, c0, true);
  view.setUint32(end + 4, c1, true);
  return bytes;
}

/** A checkpoint's bytes read back; TypeError when they are not a checkpoint at all (refused), RangeError when damaged (skipped for the one before). */
export function decodeCheckpoint(bytes: Uint8Array, label: string): Checkpoint {
  const n = bytes.length;
  if (MAGIC.some((b, i) => i < n && bytes[i] !== b)) throw new TypeError(`${label}: not a backprop checkpoint (its first bytes are not 89 42 50 4b)`);
  if (n < PREAMBLE + CHECKSUM) throw new RangeError(`${label}: truncated: ${n} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, n);
  const version = view.getUint32(4, true);
  if (version !== CHECKPOINT_VERSION) throw new TypeError(`${label}: version: this library reads checkpoint version ${CHECKPOINT_VERSION}, got ${version}`);
  const end = n - CHECKSUM;
  if (end % 4 !== 0) throw new RangeError(`${label}: truncated: ${n} bytes is not a whole checkpoint`);
  // Copied to an aligned buffer once: the checksum reads words, and the arrays come out as copies anyway.
  const own = bytes.byteOffset % 4 === 0 ? bytes : bytes.slice();
  const [c0, c1] = hashWords(new Uint32Array(own.buffer, own.byteOffset, end / 4), [0, 0]);
  if (view.getUint32(end, true) !== c0 || view.getUint32(end + 4, true) !== c1) throw new RangeError(`${label}: checksum does not match: the file is damaged or truncated`);
  const length = view.getUint32(8, true);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(PREAMBLE, PREAMBLE + length))) as Header;
  if (header.format !== 'backprop-checkpoint') throw new TypeError(`${label}: format: expected 'backprop-checkpoint', got ${JSON.stringify(header.format)}`);
  let p = align4(PREAMBLE + length);
  const take = (count: number | null): Float32Array | null => {
    if (count === null) return null;
    const out = new Float32Array(count);
    for (let i = 0; i < count; i++) out[i] = view.getFloat32(p + i * 4, true);
    p += count * 4;
    return out;
  };
  const { lengths, state } = header;
  const parameters = take(lengths.parameters)!;
  const vectors = take(lengths.optimizer)!;
  const bestParams = take(lengths.best);
  const order = take(lengths.order);
  if (p !== end) throw new RangeError(`${label}: the header's array lengths do not add up to the file's size`);
  return {
    header,
    parameters,
    optimizer: { optimizer: header.optimizer.name, updates: header.optimizer.updates, vectors },
    state: { ...state, best: state.best ?? Infinity, bestParams, source: { order } },
  };
}
