// Run by isolation.spec.ts in a separate node process: prints the kernel and the digest of a seeded fit's weights.
//   node --experimental-wasm-relaxed-simd --import tsx test/reliability/determinism-child.ts wasm 2 wasm-simd
import { pinKernelBuild } from '../../src/backends/index.js';
import { determinismDigest } from './helpers.js';

const [backend, threads, build] = process.argv.slice(2);
if (backend !== 'js' && backend !== 'wasm') throw new TypeError(`determinism-child: backend: expected 'js' or 'wasm', got ${backend}`);
if (build !== undefined) pinKernelBuild(build as Parameters<typeof pinKernelBuild>[0]);
console.log(await determinismDigest({ backend, threads: Number(threads) }));
