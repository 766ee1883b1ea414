// The `backprop` command owns its Node process, so it may do what the library never does: turn on Wasm
// relaxed SIMD where the engine has it behind a flag (Node 20's --experimental-wasm-relaxed-simd; on by
// default from Node 22). The kernels then use fused multiply-add and relaxed lane ops (~1.5× the peak of
// plain SIMD here). It runs before any kernel is compiled (main.ts imports it first); V8's flags are the
// process's. BACKPROP_RELAXED_SIMD=0 leaves the flag unset (plain SIMD where relaxed is not on by default).
import { setFlagsFromString } from 'node:v8';
import { buildBytes } from '../backends/wasm/module.js';

const FLAG = '--experimental-wasm-relaxed-simd';

/** Whether this engine validates our relaxed-SIMD build as it stands (asked afresh: the library caches its answer). */
const relaxedValidates = (): boolean => typeof WebAssembly === 'object' && WebAssembly.validate(buildBytes('wasm-relaxed-simd', false));

if (process.env.BACKPROP_RELAXED_SIMD !== '0' && !relaxedValidates()) {
  setFlagsFromString(FLAG);
  // An engine without the flag ignores it: then the library picks plain SIMD as before.
}
