import { kernelBuilds } from './kernels.generated.js';

export type KernelBuild = (typeof kernelBuilds)[number]['name'];

const bytes = new Map<KernelBuild, Uint8Array<ArrayBuffer>>();
const modules = new Map<KernelBuild, WebAssembly.Module>();
const valid = new Map<KernelBuild, boolean>();

/** Every build this package ships, best first. */
export const KERNEL_BUILDS: readonly KernelBuild[] = kernelBuilds.map((b) => b.name);

function buildBytes(name: KernelBuild): Uint8Array<ArrayBuffer> {
  let b = bytes.get(name);
  if (!b) {
    const entry = kernelBuilds.find((k) => k.name === name);
    if (!entry) throw new Error(`unknown kernel build '${name}'`);
    bytes.set(name, (b = base64Bytes(entry.base64)));
  }
  return b;
}

/**
 * Whether this runtime can run a build: it validates the very module we would run. Relaxed
 * SIMD validates only where the engine ships it (behind a flag in Node 20); we never set flags.
 */
export function buildSupported(name: KernelBuild): boolean {
  let ok = valid.get(name);
  if (ok === undefined) {
    ok = typeof WebAssembly === 'object' && typeof WebAssembly.validate === 'function' && WebAssembly.validate(buildBytes(name));
    valid.set(name, ok);
  }
  return ok;
}

/** The best build this runtime validates, or null when it has no Wasm SIMD at all. */
export function bestBuild(): KernelBuild | null {
  return KERNEL_BUILDS.find(buildSupported) ?? null;
}

export function wasmSimdSupported(): boolean {
  return bestBuild() !== null;
}

/** A build's compiled module, shared by every network (each gets its own instance and memory). */
export function kernelsModule(name: KernelBuild): WebAssembly.Module {
  let m = modules.get(name);
  // Compiled synchronously: the module is small enough that browsers allow it on the main thread.
  if (!m) modules.set(name, (m = new WebAssembly.Module(buildBytes(name))));
  return m;
}

function base64Bytes(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}
