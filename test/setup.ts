// Node 20 ships relaxed SIMD behind a V8 flag. The tests turn it on (before any Wasm module is
// validated) so the relaxed-SIMD kernel build is exercised too; the library itself never sets
// V8 flags, it only detects what validates.
import { setFlagsFromString } from 'node:v8';

setFlagsFromString('--experimental-wasm-relaxed-simd');
