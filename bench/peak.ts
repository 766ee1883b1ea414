// The Wasm arithmetic peak of this machine, measured: independent multiply-add chains on 128-bit
// vectors, in registers, with no memory traffic. Compiled here with AssemblyScript as each kernel
// build is (separate f32x4.mul and f32x4.add in wasm-simd, one fused f32x4.relaxed_madd in
// wasm-relaxed-simd), so each product's GFLOP/s is shown beside the limit its build has.
import asc from 'assemblyscript/asc';
import type { KernelBuild } from '../src/backends/wasm/module.js';

/** Chains per pass: enough to cover an add's or an FMA's latency on two or three ports, few enough to stay in 16 registers. */
const CHAINS = 12;
const chains = Array.from({ length: CHAINS }, (_, i) => i);

const SOURCE = `
@inline function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}
/** ${CHAINS} independent chains a = a·m + c, passes times; returns a lane so nothing is dead code. */
export function chains(passes: i32, seed: f32): f32 {
  const m = f32x4.splat(0.999), c = f32x4.splat(seed);
  ${chains.map((i) => `let a${i} = f32x4.splat(seed * ${i + 1});`).join(' ')}
  for (let p = 0; p < passes; p++) {
    ${chains.map((i) => `a${i} = madd(a${i}, m, c);`).join(' ')}
  }
  let s = ${chains.map((i) => `a${i}`).reduce((acc, a) => `f32x4.add(${acc}, ${a})`)};
  return f32x4.extract_lane(s, 0);
}`;

/** Flops of one pass: each chain's multiply and add on 4 lanes. */
const FLOPS_PER_PASS = CHAINS * 4 * 2;

async function probeModule(build: KernelBuild): Promise<(passes: number, seed: number) => number> {
  const { binary, error, stderr } = await asc.compileString(SOURCE, {
    optimizeLevel: 3,
    runtime: 'stub',
    noAssert: true,
    enable: build === 'wasm-relaxed-simd' ? ['simd', 'relaxed-simd'] : ['simd'],
  });
  if (error || !binary) throw new Error(`peak probe for ${build} did not compile: ${error?.message ?? ''} ${stderr.toString()}`);
  const instance = new WebAssembly.Instance(new WebAssembly.Module(new Uint8Array(binary)), { env: { abort() {} } });
  return instance.exports.chains as (passes: number, seed: number) => number;
}

/**
 * The probe's GFLOP/s for a build on this thread: the best of many short runs, so that on a
 * shared machine some run has the core to itself.
 */
export async function measurePeak(build: KernelBuild, rounds = 60, timeMs = 4): Promise<number> {
  const run = await probeModule(build);
  // V8 runs new Wasm code in its baseline tier while it optimises in the background: call it
  // and yield until the optimised code is in (the timing stops improving).
  let last = Infinity;
  for (let i = 0; i < 20; i++) {
    const t = time(run, 1 << 16);
    if (t > 0.9 * last && i >= 3) break;
    last = Math.min(last, t);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  let passes = 1 << 12;
  while (time(run, passes) < timeMs) passes *= 2;
  // Several sweeps, apart: the same code has measured 2× slower for a while on a loaded machine.
  let best = Infinity;
  for (let sweep = 0; sweep < 4; sweep++) {
    for (let r = 0; r < rounds; r++) best = Math.min(best, time(run, passes));
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return (passes * FLOPS_PER_PASS) / (best * 1e6);
}

function time(run: (passes: number, seed: number) => number, passes: number): number {
  const t = performance.now();
  run(passes, 1e-3);
  return performance.now() - t;
}
