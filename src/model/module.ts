// A model as a standalone module: the network's forward pass (src/module/source.ts) with the
// encoding in front and the decoding behind, the same arithmetic as Encoding's, so predict(record)
// answers what model.predict answers on the JS backend, bit for bit.
import { exportsOf, forwardSource, type ModuleFormat } from '../module/source.js';
import type { NetworkSpec } from '../validate/network-options.js';
import type { Encoding } from './encoding.js';

/** The source text of a module exporting predict(record) and predictBatch(records) in the target's terms. */
export function modelModule(encoding: Encoding, spec: NetworkSpec, parameters: Float32Array, format: ModuleFormat, label: string): string {
  // A number column is [name, 0, mean, std] (std 0: fed as it is), a category column [name, categories].
  const columns = encoding.inputs.map((f) => (f.kind === 'dummies' ? [f.column, f.categories] : [f.column, 0, f.scaler?.mean ?? 0, f.scaler?.std ?? 0]));
  const t = encoding.target;
  const C = JSON.stringify(t.column);
  const answer = t.kind === 'binary'
    ? `[[${C},o[0]>=.5?1:0],["probability",o[0]]]`
    : t.kind === 'number'
      ? `[[${C},${t.scaler ? `o[0]*${t.scaler.std}+${t.scaler.mean}` : 'o[0]'}]]`
      : `[[${C},N[b]],["probabilities",Object.fromEntries(N.map((c,k)=>[c,o[k]]))]]`;
  const best = t.kind === 'classes' ? `const N=${JSON.stringify(t.categories)};let b=0;for(let k=1;k<K;k++)if(o[k]>o[b])b=k\n` : '';
  return `// backprop model: predict(record) gives ${t.kind === 'number' ? `{ ${t.column} }` : `{ ${t.column}, ${t.kind === 'binary' ? 'probability' : 'probabilities'} }`}; predictBatch(records); standalone (no dependencies).
${forwardSource(spec, parameters, label)}const E=${JSON.stringify(columns)},K=${encoding.outputWidth}
function enc(rs){const x=new Float32Array(rs.length*I)
rs.forEach((r,i)=>{let o=i*I;const bad=(c,w)=>{throw new RangeError("predict: record "+i+": column "+JSON.stringify(c)+w)}
if(r===null||typeof r!="object")throw new TypeError("predict: record "+i+" is not an object")
for(const[c,a,m,s]of E){const v=Object.hasOwn(r,c)?r[c]:void 0
if(v==null||v==="")bad(c," is missing")
if(a){const k=a.indexOf(String(v).trim());if(k<0)bad(c,": unknown category "+JSON.stringify(v));x[o+k]=1;o+=a.length}
else{const n=typeof v=="string"?Number(v.trim()):v;if(typeof n!="number"||!isFinite(n))bad(c,": "+JSON.stringify(v)+" is not a number");x[o++]=s?(n-m)/s:n}}})
return x}
function dec(y,r){const o=y.subarray(r*K,r*K+K)
${best}return Object.fromEntries(${answer})}
function predict(record){return dec(run(enc([record]),1),0)}
function predictBatch(records){const y=run(enc(records),records.length);return records.map((_,r)=>dec(y,r))}
${exportsOf(['predict', 'predictBatch'], format)}`;
}
