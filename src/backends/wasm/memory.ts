export const PAGE_BYTES = 65536;
/** wasm32 addresses 4 GiB: 65536 pages. */
export const MAX_PAGES = 65536;
/**
 * Shared memories are reserved up front up to their maximum: 1 GiB keeps that modest. The shared
 * builds declare the same maximumMemory in asconfig.json (test/kernels/table.spec.ts checks).
 */
export const MAX_SHARED_PAGES = 16384;

/**
 * Instantiate a kernel module, over its own memory or over the shared one it imports. Plainly,
 * not through @assemblyscript/loader, whose exports wrap every function in a rest-and-spread
 * closure: the calls would pay for it millions of times in online training.
 */
export function instantiate(module: WebAssembly.Module, memory?: WebAssembly.Memory): WebAssembly.Exports {
  // With noAssert no build imports abort today; a kernel that called abort() would need it.
  const abort = (_message: number, _file: number, line: number, column: number) => {
    throw new Error(`wasm kernel aborted at ${line}:${column}`);
  };
  return new WebAssembly.Instance(module, { env: memory ? { memory, abort } : { abort } }).exports;
}

/** What a reserve() beyond the limit says: the one-thread backend's memory, or the threads' shared one. */
const LIMITS = {
  own: { pages: MAX_PAGES, memory: 'Wasm memory', allowedBy: 'this runtime allows', beyond: 'the 4 GiB of wasm32' },
  shared: { pages: MAX_SHARED_PAGES, memory: 'shared Wasm memory', allowedBy: 'allowed', beyond: `the ${MAX_SHARED_PAGES / 16384} GiB a threaded network may use` },
};

/**
 * A backend's arena in one Wasm linear memory, above the module's own data. Both Wasm backends
 * are one: the arena grows by memory.grow, which detaches every view, so f32 is re-derived.
 */
export class WasmArena {
  /** First float offset the network may use: everything below the memory's first end may be the module's data. */
  readonly base: number;
  private view: Float32Array;
  private readonly limit: (typeof LIMITS)['own'];

  constructor(
    protected memory: WebAssembly.Memory,
    shared: boolean,
  ) {
    this.view = new Float32Array(memory.buffer);
    this.base = memory.buffer.byteLength / 4;
    this.limit = shared ? LIMITS.shared : LIMITS.own;
  }

  /** The arena as floats; re-derived whenever memory.grow has replaced the buffer (a shared one hands out a longer one). */
  get f32(): Float32Array {
    if (this.view.length * 4 !== this.memory.buffer.byteLength) this.view = new Float32Array(this.memory.buffer);
    return this.view;
  }

  reserve(floats: number): void {
    const have = this.memory.buffer.byteLength;
    const need = floats * 4;
    if (need <= have) return;
    const { pages: max, memory, allowedBy, beyond } = this.limit;
    const havePages = have / PAGE_BYTES;
    const needPages = Math.ceil(need / PAGE_BYTES);
    // Grow by at least a quarter so a run of slightly larger batches does not grow every time.
    const pages = Math.min(max, Math.max(needPages, Math.ceil(havePages * 1.25)));
    try {
      if (needPages > max) throw new RangeError(`beyond ${beyond}`);
      this.memory.grow(pages - havePages);
    } catch (e) {
      throw new RangeError(`network needs ${(need / 2 ** 20).toFixed(1)} MB of ${memory}, more than ${allowedBy} (${(e as Error).message})`);
    }
  }

  /** Let go of the memory: f32 becomes empty. */
  protected release(): void {
    this.memory = new WebAssembly.Memory({ initial: 0 });
    this.view = new Float32Array(0);
  }
}
