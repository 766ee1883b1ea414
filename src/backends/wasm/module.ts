import { kernelBuilds, kernelChunks, sharedKernelBuilds } from './kernels.generated.js';

export type KernelBuild = (typeof kernelBuilds)[number]['name'];

/** Builds are keyed by name, and by whether they import a shared memory (for threads). */
type Key = `${KernelBuild}${'' | '+shared'}`;
const bytes = new Map<Key, Uint8Array<ArrayBuffer>>();
const modules = new Map<Key, WebAssembly.Module>();
const valid = new Map<Key, boolean>();
const key = (name: KernelBuild, shared: boolean): Key => (shared ? `${name}+shared` : name);

/** Every build this package ships, best first. */
export const KERNEL_BUILDS: readonly KernelBuild[] = kernelBuilds.map((b) => b.name);

/** A build's Wasm bytes (exported for the spec that holds them to the compiler's output). */
export function buildBytes(name: KernelBuild, shared: boolean): Uint8Array<ArrayBuffer> {
  let b = bytes.get(key(name, shared));
  if (!b) {
    const entry = (shared ? sharedKernelBuilds : kernelBuilds).find((k) => k.name === name);
    if (!entry) throw new Error(`unknown kernel build '${name}'`);
    bytes.set(key(name, shared), (b = joinChunks(entry.chunks)));
  }
  return b;
}

let chunkTable: { bytes: Uint8Array<ArrayBuffer>; starts: number[] } | null = null;

/** A build's bytes from the chunk table the builds share (scripts/build-wasm.mjs cuts them). */
function joinChunks(ids: readonly number[]): Uint8Array<ArrayBuffer> {
  if (!chunkTable) {
    const starts = [0];
    for (const length of kernelChunks.lengths) starts.push(starts[starts.length - 1] + length);
    // The string opens with a marker ending in its first colon (scripts/build-wasm.mjs); the bytes follow.
    chunkTable = { bytes: stringBytes(kernelChunks.bytes, kernelChunks.bytes.indexOf(':') + 1), starts };
  }
  const { bytes: table, starts } = chunkTable;
  const out = new Uint8Array(ids.reduce((n, id) => n + starts[id + 1] - starts[id], 0));
  let at = 0;
  for (const id of ids) {
    out.set(table.subarray(starts[id], starts[id + 1]), at);
    at += starts[id + 1] - starts[id];
  }
  return out;
}

/**
 * Whether this runtime can run a build: it validates the very module we would run. Relaxed
 * SIMD validates only where the engine ships it (behind a flag in Node 20); we never set flags.
 */
export function buildSupported(name: KernelBuild, shared = false): boolean {
  let ok = valid.get(key(name, shared));
  if (ok === undefined) {
    ok = typeof WebAssembly === 'object' && typeof WebAssembly.validate === 'function' && WebAssembly.validate(buildBytes(name, shared));
    valid.set(key(name, shared), ok);
  }
  return ok;
}

/** The best build this runtime validates (with a shared memory, for threads), or null. */
export function bestBuild(shared = false): KernelBuild | null {
  return KERNEL_BUILDS.find((name) => buildSupported(name, shared)) ?? null;
}

export function wasmSimdSupported(): boolean {
  return bestBuild() !== null;
}

/** A build's compiled module, shared by every network (each gets its own instance and memory). */
export function kernelsModule(name: KernelBuild, shared = false): WebAssembly.Module {
  let m = modules.get(key(name, shared));
  // Compiled synchronously: the module is small enough that browsers allow it on the main thread.
  if (!m) modules.set(key(name, shared), (m = new WebAssembly.Module(buildBytes(name, shared))));
  return m;
}

/** The table's string (one character per byte) after the marker, as bytes. */
function stringBytes(text: string, from: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(text.length - from);
  for (let i = 0; i < out.length; i++) out[i] = text.charCodeAt(from + i);
  return out;
}
