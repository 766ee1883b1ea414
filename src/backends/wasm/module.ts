import { kernelsWasmBase64 } from './kernels.generated.js';

let bytes: Uint8Array<ArrayBuffer> | null = null;
let compiled: WebAssembly.Module | null = null;
let supported: boolean | null = null;

/** The embedded kernel module's bytes (decoded once). */
export function kernelsBytes(): Uint8Array<ArrayBuffer> {
  if (!bytes) bytes = base64Bytes(kernelsWasmBase64);
  return bytes;
}

/** Whether this runtime can run our SIMD kernels: it validates the very module we would run. */
export function wasmSimdSupported(): boolean {
  if (supported === null) {
    supported = typeof WebAssembly === 'object' && typeof WebAssembly.validate === 'function' && WebAssembly.validate(kernelsBytes());
  }
  return supported;
}

/** The compiled module, shared by every network (each gets its own instance and memory). */
export function kernelsModule(): WebAssembly.Module {
  // Compiled synchronously: the module is small enough that browsers allow it on the main thread.
  if (!compiled) compiled = new WebAssembly.Module(kernelsBytes());
  return compiled;
}

function base64Bytes(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}
