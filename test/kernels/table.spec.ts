// The kernel table (src/kernels.ts) against what implements it: every Wasm build exports each
// kernel with the table's arguments, and nothing the table does not know; the splits name
// the right kinds of arguments; the shared builds' memory limit is the runtime's.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { KERNELS, type KernelSpec } from '../../src/kernels.js';
import { KERNEL_BUILDS, buildBytes, kernelsModule } from '../../src/backends/wasm/module.js';
import { MAX_SHARED_PAGES, instantiate } from '../../src/backends/wasm/memory.js';
import { ARG_STRIDE } from '../../src/backends/wasm/threads.js';

const ENTRIES = Object.entries(KERNELS) as Array<[string, KernelSpec]>;

describe('the kernel table', () => {
  it.each(ENTRIES)('%s: pointers first, and a split that cuts a size and moves pointers', (_, spec) => {
    const pointers = spec.args.slice(0, spec.pointers);
    const sizes = spec.args.slice(spec.pointers);
    expect(new Set(spec.args).size, 'argument names are distinct').toBe(spec.args.length);
    expect(spec.pointers).toBeGreaterThan(0);
    expect(sizes.length).toBeGreaterThan(0);
    const split = spec.split;
    if (split === null) return;
    expect(sizes).toContain(split.cut);
    expect(split.work).toContain(split.cut);
    for (const size of split.work) expect(sizes).toContain(size);
    expect(split.align).toBeGreaterThanOrEqual(1);
    expect(split.least).toBeGreaterThanOrEqual(0);
    for (const [pointer, stride] of Object.entries(split.move ?? {})) {
      expect(pointers).toContain(pointer);
      if (stride !== 1) expect(sizes).toContain(stride);
    }
    // A worker's argument row holds the call's arguments, and from and to for a ranged export.
    expect(spec.args.length + (split.ranged ? 2 : 0)).toBeLessThanOrEqual(ARG_STRIDE);
  });

  it('keeps the measured thresholds and alignments (change them only with new measurements)', () => {
    const splits = Object.fromEntries(ENTRIES.map(([name, s]) => [name, s.split && `${s.split.cut}/${s.split.align}/${s.split.least}`]));
    expect(splits).toEqual({
      forward: 'units/8/131072', weightGradients: 'units/4/131072', propagateDelta: 'batch/4/131072',
      sigmoidForward: 'rows/4/8192', tanhForward: 'rows/4/8192', softmaxForward: 'rows/4/8192',
      reluForward: 'rows/4/65536', leakyReluForward: 'rows/4/65536', identityForward: 'rows/4/65536',
      sigmoidBackward: 'rows/4/65536', tanhBackward: 'rows/4/65536', reluBackward: 'rows/4/65536',
      leakyReluBackward: 'rows/4/65536', identityBackward: 'rows/4/65536', softmaxBackward: 'rows/4/65536',
      outputDelta: null, sumSquaredError: null, sigmoidCrossEntropy: null, softmaxCrossEntropy: null,
      sgdUpdate: 'count/4/16384', momentumUpdate: 'count/4/16384', outerMomentumUpdate: 'units/4/16384', nesterovUpdate: 'count/4/16384',
      adamUpdate: 'count/4/16384', rmspropUpdate: 'count/4/16384',
      gatherRows: 'rows/4/16384', countNonFinite: 'count/4/16384',
      dropout: 'count/4/32768', dropoutDelta: 'count/4/32768',
    });
  });
});

describe.each(KERNEL_BUILDS.flatMap((build) => [[build, false], [build, true]] as const))('the exports of %s (shared memory: %s)', (build, shared) => {
  const module = kernelsModule(build, shared);
  const memory = shared ? new WebAssembly.Memory({ initial: 1, maximum: MAX_SHARED_PAGES, shared: true }) : undefined;
  const exports = instantiate(module, memory);
  const arity = (name: string) => (exports[name] as (...args: number[]) => unknown).length;

  it.each(ENTRIES)('%s takes the arguments of the table', (name, spec) => {
    expect(typeof exports[name]).toBe('function');
    expect(arity(name)).toBe(spec.args.length);
    if (spec.split?.ranged) expect(arity(spec.split.ranged), spec.split.ranged).toBe(spec.args.length + 2);
  });

  it('exports no function the table does not name, and its memory', () => {
    const known = ENTRIES.flatMap(([name, spec]) => (spec.split?.ranged ? [name, spec.split.ranged] : [name]));
    const functions = WebAssembly.Module.exports(module).filter((e) => e.kind === 'function').map((e) => e.name);
    expect(functions.sort()).toEqual(known.sort());
    expect(WebAssembly.Module.exports(module).filter((e) => e.kind !== 'function')).toEqual([{ name: 'memory', kind: 'memory' }]);
  });
});

describe('asconfig.json', () => {
  it("declares the shared builds' maximum memory as the threaded backend creates it", () => {
    const config = JSON.parse(readFileSync(new URL('../../asconfig.json', import.meta.url), 'utf8')) as {
      targets: Record<string, { sharedMemory?: boolean; maximumMemory?: number }>;
    };
    const shared = Object.entries(config.targets).filter(([, t]) => t.sharedMemory);
    expect(shared.map(([name]) => name)).toEqual(['simd-shared', 'relaxed-shared']);
    for (const [name, target] of shared) expect(target.maximumMemory, name).toBe(MAX_SHARED_PAGES);
  });
});

describe('the embedded builds', () => {
  // They are stored as chunks shared between builds (scripts/build-wasm.mjs); joined, each must be the compiler's file.
  const FILES = { 'wasm-simd': 'simd', 'wasm-relaxed-simd': 'relaxed-simd' } as const;
  it.each(KERNEL_BUILDS.flatMap((name) => [[name, false], [name, true]] as const))('%s (shared memory: %s) joins into build/ byte for byte', (name, shared) => {
    const file = new URL(`../../build/kernels-${FILES[name]}${shared ? '-shared' : ''}.wasm`, import.meta.url);
    expect(Buffer.from(buildBytes(name, shared)).equals(readFileSync(file))).toBe(true);
  });
});
