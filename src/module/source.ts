// A trained network as the source text of a standalone module: no dependency, the parameters
// embedded as base64 float32, and a forward pass that is src/backends/js/'s kernel for kernel
// (float32 stores where the arena stores, the same sums in the same order), so its outputs equal
// predict on the JS backend bit for bit. brain.js's toFunction is the anchor; its users report
// results that differ from run(), which is what the bit-for-bit test here rules out.
import { LEAKY_RELU_SLOPE } from '../kernels.js';
import { activations, type ActivationName } from '../registry/activations.js';
import { floatsToBase64 } from '../persist/json.js';
import type { NetworkSpec } from '../validate/network-options.js';
import { oneOf, optionsObject } from '../validate/values.js';

/** Options of toModule. */
export interface ModuleOptions {
  /** 'esm' (the default): `export { predict, predictBatch }`; 'cjs': `module.exports = { … }` for require(). */
  format?: ModuleFormat;
}

/** The module system of toModule's text. */
export type ModuleFormat = 'esm' | 'cjs';

export function parseModuleOptions(options: unknown, label: string): ModuleFormat {
  const o = optionsObject(options, ['format'], `${label}: options`);
  return o.format === undefined ? 'esm' : oneOf(o.format, ['esm', 'cjs'] as const, `${label}: format`);
}

/**
 * Each activation as the JS backend's loop over z in place (src/backends/js/activations.ts);
 * softmax stores each exp as float32 but sums it unrounded, as the kernel does.
 */
const ACTIVATION_SOURCE: Record<ActivationName, string> = {
  sigmoid: 'z=>{for(let i=0;i<z.length;i++)z[i]=1/(1+Math.exp(-z[i]))}',
  tanh: 'z=>{for(let i=0;i<z.length;i++)z[i]=Math.tanh(z[i])}',
  relu: 'z=>{for(let i=0;i<z.length;i++)z[i]=z[i]>0?z[i]:0}',
  'leaky-relu': `z=>{for(let i=0;i<z.length;i++)z[i]=z[i]>0?z[i]:${LEAKY_RELU_SLOPE}*z[i]}`,
  identity: '()=>{}',
  softmax: `(z,n,K)=>{for(let r=0;r<n*K;r+=K){let m=-Infinity,s=0,k
for(k=0;k<K;k++)if(z[r+k]>m)m=z[r+k]
for(k=0;k<K;k++){const e=Math.exp(z[r+k]-m);z[r+k]=e;s+=e}
const v=1/s;for(k=0;k<K;k++)z[r+k]*=v}}`,
};

/**
 * The constants and `run(x, n)`: x is n × inputs as a Float32Array, the result n × outputs.
 * Rows in whole groups of four take the four-row kernel's plain sums; the rest take the one-row
 * kernel's, which adds inputs in pairs for units in whole groups of four (src/backends/js/matmul.ts).
 */
export function forwardSource(spec: NetworkSpec, parameters: Float32Array, label: string): string {
  const used = [...new Set(spec.layers.map((l) => l.activation))];
  for (const name of used) {
    if (!Object.hasOwn(activations, name)) {
      throw new TypeError(`${label}: the activation ${JSON.stringify(name)} was registered in code (registerActivation); a standalone module holds only the built-in activations`);
    }
  }
  let inputs = spec.inputs;
  const layers = spec.layers.map((l) => {
    const layer = [inputs, l.units, l.activation];
    inputs = l.units;
    return layer;
  });
  const table = used.map((name) => `${JSON.stringify(name)}:${ACTIVATION_SOURCE[name as ActivationName]}`).join(',\n');
  return `const P=f32(${JSON.stringify(floatsToBase64(parameters))}),L=${JSON.stringify(layers)},B=${spec.bias ? 1 : 0},I=${spec.inputs}
function f32(s){const b=atob(s),u=new Uint8Array(b.length);for(let i=0;i<b.length;i++)u[i]=b.charCodeAt(i);return new Float32Array(u.buffer)}
const A={${table}}
function run(x,n){let p=0
for(const[N,U,f]of L){const z=new Float32Array(n*U),n4=n&~3,u4=U&~3,b=p+N*U
for(let r=0;r<n;r++)for(let j=0;j<U;j++){const o=r*N,w=p+j*N;let s=0,k=0
if(r>=n4&&j<u4)for(;k+1<N;k+=2)s+=x[o+k]*P[w+k]+x[o+k+1]*P[w+k+1]
for(;k<N;k++)s+=x[o+k]*P[w+k]
z[r*U+j]=B?s+P[b+j]:s}
p=b+B*U;A[f](z,n,U);x=z}
return x}
`;
}

/** The source text of a module exporting predict(input) and predictBatch(inputs) for this network. */
export function networkModule(spec: NetworkSpec, parameters: Float32Array, format: ModuleFormat, label: string): string {
  const shape = [spec.inputs, ...spec.layers.map((l) => `${l.units} ${l.activation}`)].join(' → ');
  return `// backprop network ${shape}: predict(input) and predictBatch(inputs), standalone (no dependencies).
${forwardSource(spec, parameters, label)}function predict(input){if(input==null||input.length!==I)throw new RangeError("predict: expected "+I+" inputs, got "+(input==null?input:input.length))
return run(Float32Array.from(input),1)}
function predictBatch(inputs){const flat=typeof inputs[0]=="number",n=flat?inputs.length/I:inputs.length
if(!Number.isInteger(n))throw new RangeError("predictBatch: "+inputs.length+" numbers are not whole rows of "+I)
const x=new Float32Array(n*I)
if(flat)x.set(inputs);else for(let r=0;r<n;r++){if(inputs[r].length!==I)throw new RangeError("predictBatch: row "+r+" has "+inputs[r].length+" inputs, expected "+I);x.set(inputs[r],r*I)}
return run(x,n)}
${exportsOf(['predict', 'predictBatch'], format)}`;
}

/** The module's export statement in the chosen format. */
export function exportsOf(names: readonly string[], format: ModuleFormat): string {
  return format === 'esm' ? `export{${names.join(',')}}\n` : `module.exports={${names.join(',')}}\n`;
}
