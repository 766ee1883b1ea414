// Backend choice, in one place: which backend a network runs on (js, wasm, wasm on several
// threads), which kernel build, and why when that is not what was asked.
import type { Backend, BackendChoice, BackendName } from './backend.js';
import { JsBackend } from './js/index.js';
import { WasmBackend } from './wasm/index.js';
import { ThreadedWasmBackend } from './wasm/threaded.js';
import { availableThreads } from './wasm/threads.js';
import { bestBuild, type KernelBuild } from './wasm/module.js';

export interface BackendRequest {
  choice: BackendChoice;
  /** A count, or 'auto' for every core (settling for one where threads cannot run). */
  threads: number | 'auto';
  /** Why the network can only run on the JS backend (a custom activation or loss), or null. */
  jsOnly: string | null;
  /** A Wasm kernel build to run rather than the best one (a training worker runs its caller's). */
  build?: KernelBuild;
}

export interface OpenedBackend {
  backend: Backend;
  /** Why the backend is not what was asked, or not Wasm under 'auto'; null when nothing was forced. */
  reason: string | null;
}

/** Whether the Wasm backend can run here (the runtime validates our SIMD module). */
export function wasmAvailable(): boolean {
  return bestBuild() !== null;
}

let pinned: KernelBuild | null = null;

/**
 * @internal For the test matrix only: while set, every Wasm backend opened without an explicit
 * build runs this one, so a whole spec runs on 'wasm-simd' even where relaxed SIMD validates.
 */
export function pinKernelBuild(build: KernelBuild | null): void {
  pinned = build;
}

/**
 * 'auto' is Wasm where Wasm SIMD validates, else JS; asking for Wasm where it cannot run is a bad
 * call, so a TypeError as the README promises for bad calls.
 */
function resolve(request: BackendRequest, label: string): { name: BackendName; reason: string | null } {
  const { choice, threads, jsOnly } = request;
  if (jsOnly !== null) {
    if (choice === 'wasm') throw new TypeError(`${label}: backend 'wasm': ${jsOnly}; use backend 'js' or 'auto'`);
    if (typeof threads === 'number' && threads > 1) throw new TypeError(`${label}: threads: ${jsOnly}, and threads need the wasm backend`);
    return { name: 'js', reason: choice === 'auto' ? jsOnly : null };
  }
  if (choice === 'js') return { name: 'js', reason: null };
  if (wasmAvailable()) return { name: 'wasm', reason: null };
  if (choice === 'wasm') {
    throw new TypeError(`${label}: backend 'wasm': this runtime does not support WebAssembly SIMD; use backend 'js' or 'auto'`);
  }
  return { name: 'js', reason: 'this runtime does not support WebAssembly SIMD' };
}

/** A one-thread backend, at once (restoring a saved network, a training worker's copy). */
export function openBackendNow(request: BackendRequest, label: string): OpenedBackend {
  const { name, reason } = resolve(request, label);
  return { backend: start(name, request.build ?? pinned ?? undefined, label), reason };
}

/** The backend a new network runs on: threaded Wasm when threads are asked for and can be had. */
export async function openBackend(request: BackendRequest, label: string): Promise<OpenedBackend> {
  const { name, reason } = resolve(request, label);
  const requested = request.threads;
  const build = request.build ?? pinned ?? undefined;
  const threads = requested === 'auto' ? await availableThreads() : requested;
  if (threads === 1 || (name !== 'wasm' && requested === 'auto')) return { backend: start(name, build, label), reason };
  if (name !== 'wasm') throw new TypeError(`${label}: threads: multi-threaded training needs the wasm backend, but the backend is 'js'`);
  try {
    return { backend: await ThreadedWasmBackend.create(threads, 0, build ?? bestBuild(true)), reason };
  } catch (e) {
    // 'auto' settles for one thread where workers or shared memory are missing; an explicit count says why not.
    if (requested === 'auto') return { backend: start(name, build, label), reason };
    throw new Error(`${label}: threads: could not start ${threads} threads: ${(e as Error).message}`);
  }
}

function start(name: BackendName, build: KernelBuild | undefined, label: string): Backend {
  try {
    return name === 'wasm' ? new WasmBackend(0, build) : new JsBackend(0);
  } catch (e) {
    throw new Error(`${label}: could not start the ${name} backend: ${(e as Error).message}`);
  }
}

/** A fresh backend with room for `floats` floats above its base; `build` pins a Wasm kernel build. */
export function createBackend(name: BackendName, floats = 0, build?: KernelBuild): Backend {
  return name === 'wasm' ? new WasmBackend(floats, build) : new JsBackend(floats);
}
