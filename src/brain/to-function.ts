// brain.js's toFunction, backed by the standalone module (src/module/source.ts, what toModule
// writes), so it computes what the JS backend's run does, bit for bit, and no second copy of the
// forward pass exists to drift from it (brain.js #427, #435: toFunction NaN or unlike run). The
// function's source is one self-contained expression: `'module.exports = ' + fn.toString()` is a
// file that works without backprop, as brain.js users write them.
import { networkModule } from '../module/source.js';
import type { NetworkSpec } from '../validate/network-options.js';
import { describe } from '../validate/values.js';
import { lookupKeys, type Lookup } from './lookup.js';

/** What toFunction returns: run's answer for an input, without the network. */
export type StandaloneRun = (input: ArrayLike<number> | Record<string, number>) => Float32Array | Record<string, number>;

/**
 * The expression text of a function from an input (numbers by position, or by name when the
 * network has an input lookup; missing or non-number names read as 0) to the outputs (named when
 * it has an output lookup). `transform` sees and may rewrite that text, as brain.js's callback does.
 */
export function standaloneRun(spec: NetworkSpec, parameters: Float32Array, inputLookup: Lookup | null, outputLookup: Lookup | null, transform: ((source: string) => string) | undefined, label: string): StandaloneRun {
  if (transform !== undefined && typeof transform !== 'function') throw new TypeError(`${label}: expected a function rewriting the source, got ${describe(transform)}`);
  const inputs = inputLookup ? `const inKeys=${JSON.stringify(lookupKeys(inputLookup))}\n` : '';
  const outputs = outputLookup ? `const outKeys=${JSON.stringify(lookupKeys(outputLookup))}\n` : '';
  const toVector = inputLookup ? 'const x=new Float32Array(inKeys.length);for(let i=0;i<inKeys.length;i++){const v=input[inKeys[i]];x[i]=typeof v==="number"?v:0}' : 'const x=input';
  const fromVector = outputLookup ? 'const o={};for(let i=0;i<outKeys.length;i++)o[outKeys[i]]=y[i];return o' : 'return y';
  // The module's own predict is in scope; `module` only catches its exports line.
  const source = `(function(){const module={exports:{}}
${networkModule(spec, parameters, 'cjs', label)}${inputs}${outputs}return function run(input){${toVector};const y=predict(x);${fromVector}}})()`;
  const text = transform ? transform(source) : source;
  if (typeof text !== 'string') throw new TypeError(`${label}: the callback must return the source text, got ${describe(text)}`);
  const run = new Function(`return ${text}`)() as StandaloneRun;
  run.toString = () => text;
  return run;
}
