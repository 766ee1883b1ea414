// The rows every network-level spec runs on: the JS backend, each Wasm kernel build, and the
// threaded backend. Node 20 users get 'wasm-simd' (relaxed SIMD is behind a V8 flag, which
// test/setup.ts turns on for the suite), so each build is pinned for its rows rather than left to
// whichever validates best here. If this runtime cannot run a build, its rows fail loudly.
import { afterAll, afterEach, beforeAll, describe } from 'vitest';
import { Network, type BackendName, type NetworkOptions } from '../src/index.js';
import { pinKernelBuild } from '../src/backends/index.js';

type KernelBuild = NonNullable<Parameters<typeof pinKernelBuild>[0]>;
/** Network.create's options without the two a row decides. */
export type RowOptions = Omit<NetworkOptions, 'backend' | 'threads'>;

export interface Row {
  /** What `net.kernel` reports on this row; %s in a test title shows it. */
  readonly name: string;
  /** What `net.backend` reports, and what Network.fromJSON, fromBuffer and load take. */
  readonly backend: BackendName;
  /** The Wasm build every Wasm backend opened during the row's tests runs; null on the JS row. */
  readonly build: KernelBuild | null;
  readonly threads: number;
  /** What the row merges into Network.create's options. */
  readonly options: { backend: BackendName; threads: number };
  /**
   * Network.create on this row, in a test (not in beforeAll): a threaded network owns a worker
   * thread, so it is kept until the test ends and describeRows disposes it then.
   */
  readonly create: (options: RowOptions) => Promise<Network>;
  /** The name, so a title's %s shows it. */
  toString(): string;
}

/** Threaded networks made by `create`, disposed after the test that made them. */
const threaded = new Set<Network>();

function row(backend: BackendName, build: KernelBuild | null, threads = 1): Row {
  const name = backend === 'js' ? 'js' : threads > 1 ? `${build} × ${threads} threads` : build!;
  const r: Row = {
    name, backend, build, threads,
    toString: () => name,
    options: { backend, threads },
    create: async (options) => {
      const net = await Network.create({ ...options, ...r.options });
      if (net.threads > 1) threaded.add(net);
      // A row that silently ran another build would test the wrong kernels: outside describeRows, say.
      if (net.kernel !== name) throw new Error(`row ${name}: the network runs ${net.kernel}; create it inside describeRows`);
      return net;
    },
  };
  return r;
}

export const JS = row('js', null);

/** A threaded network computes the same bits as one thread of its build; relaxed and plain SIMD agree within the parity tolerances. */
export const ROWS: readonly Row[] = [JS, row('wasm', 'wasm-simd'), row('wasm', 'wasm-relaxed-simd'), row('wasm', 'wasm-simd', 2)];
/** The rows to hold against JS in parity specs. */
export const WASM_ROWS: readonly Row[] = ROWS.filter((r) => r.backend === 'wasm');
/** For specs whose networks are one-thread whatever they ask (fromTfjs, the examples): the threaded row would repeat wasm-simd. */
export const ONE_THREAD_ROWS: readonly Row[] = ROWS.filter((r) => r.threads === 1);

/**
 * describe.each for rows: `describeRows(ROWS)('training (%s)', (row) => …)`. Each row's build is
 * pinned while its tests run, and the threaded networks its `create` made are disposed after each test.
 */
export function describeRows(rows: readonly Row[]) {
  return (title: string, body: (row: Row) => void): void =>
    describe.each(rows)(title, (r) => {
      beforeAll(() => pinKernelBuild(r.build));
      afterAll(() => pinKernelBuild(null));
      afterEach(() => {
        for (const net of threaded) net.dispose();
        threaded.clear();
      });
      body(r);
    });
}

/** |a − b| ≤ tol · max(1, |a|, |b|): relative for large values, absolute near zero. */
export function close(a: number, b: number, tol: number): boolean {
  return Math.abs(a - b) <= tol * Math.max(1, Math.abs(a), Math.abs(b));
}

/** Index and values of the worst pair, for a failure message that says where. */
export function worstMismatch(a: ArrayLike<number>, b: ArrayLike<number>, tol: number): string | null {
  if (a.length !== b.length) return `lengths differ: ${a.length} vs ${b.length}`;
  let worst = -1;
  let worstErr = 0;
  for (let i = 0; i < a.length; i++) {
    const err = Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(a[i]), Math.abs(b[i]));
    if (!(err <= worstErr)) {
      worstErr = err;
      worst = i;
    }
  }
  return worstErr > tol || Number.isNaN(worstErr) ? `index ${worst}: ${a[worst]} vs ${b[worst]} (error ${worstErr})` : null;
}
