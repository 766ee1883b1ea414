import type { Backend, BackendName } from '../backend.js';
import { JsBackend } from './js/index.js';
import { WasmBackend } from './wasm/index.js';
import { wasmSimdSupported, type KernelBuild } from './wasm/module.js';

/** Whether the Wasm backend can run here (the runtime validates our SIMD module). */
export function wasmAvailable(): boolean {
  return wasmSimdSupported();
}

/** 'auto' is Wasm where Wasm SIMD validates, else JS; asking for Wasm where it cannot run is an error. */
export function resolveBackendName(requested: 'js' | 'wasm' | 'auto'): BackendName {
  if (requested === 'js') return 'js';
  if (wasmSimdSupported()) return 'wasm';
  if (requested === 'wasm') {
    throw new Error("backend 'wasm': this runtime does not support WebAssembly SIMD; use backend 'js' or 'auto'");
  }
  return 'js';
}

/** A fresh backend with room for `floats` floats above its base; `build` pins a Wasm kernel build. */
export function createBackend(name: BackendName, floats = 0, build?: KernelBuild): Backend {
  return name === 'wasm' ? new WasmBackend(floats, build) : new JsBackend(floats);
}
