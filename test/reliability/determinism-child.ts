// Run by isolation.spec.ts in a separate node process: prints the digest of a seeded fit's weights.
//   node --experimental-wasm-relaxed-simd --import tsx test/reliability/determinism-child.ts wasm
import { determinismDigest } from './helpers.js';

const backend = process.argv[2];
if (backend !== 'js' && backend !== 'wasm') throw new TypeError(`determinism-child: backend: expected 'js' or 'wasm', got ${backend}`);
console.log(await determinismDigest(backend));
