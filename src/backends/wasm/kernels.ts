import { makeKernels, type Kernels } from '../../kernels.js';

/**
 * The table's kernels out of a kernel module's exports. The exports take float offsets, as
 * Kernels does, so they are the kernels themselves; the object is ours, so dispose can empty it.
 */
export function exportedKernels(exports: WebAssembly.Exports): Kernels {
  return makeKernels((name) => exports[name]);
}

/** The kernels hold the instance (and so the memory): replace every one with a throw. */
export function disableKernels(kernels: Kernels): void {
  const disposed = (): never => {
    throw new Error('this Wasm backend has been disposed');
  };
  Object.assign(kernels, makeKernels(() => disposed));
}
