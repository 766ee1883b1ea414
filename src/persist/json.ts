import { parseSpec, parseSeed, type NetworkSpec } from '../validate/network-options.js';
import { describe, plainObject } from '../validate/values.js';
import type { SavedNetwork } from '../engine/engine.js';

/** The saved form of a network. Bump FORMAT_VERSION when its meaning changes. */
export interface NetworkJSON {
  /** Always 'backprop-network': tells this form from other JSON. */
  format: 'backprop-network';
  /** The format version (1); a loader refuses versions it does not know. */
  version: number;
  /** The input width, then each weighted layer. */
  layers: Array<
    | number
    | {
        /** The layer's width. */
        units: number;
        /** Its activation's name (a built-in or a registerActivation name). */
        activation: string;
      }
  >;
  /** The loss's name (a built-in or a registerLoss name). */
  loss: string;
  /** Whether the layers have biases. */
  bias: boolean;
  /** The initialiser the network was created with. */
  init: string;
  /** The seed it was created with. */
  seed: number;
  /** All parameters (weights then bias, layer after layer) as little-endian float32, base64. */
  parameters: string;
}

export type { SavedNetwork };

/** The architecture fields: the JSON form stores them at the top level, the binary form in its header. */
export type ArchitectureJSON = Pick<NetworkJSON, 'layers' | 'loss' | 'bias' | 'init' | 'seed'>;

export const FORMAT = 'backprop-network';
export const FORMAT_VERSION = 1;
const ARCHITECTURE_KEYS = ['layers', 'loss', 'bias', 'init', 'seed'];
const JSON_KEYS = ['format', 'version', ...ARCHITECTURE_KEYS, 'parameters'];

export function architectureJSON(spec: NetworkSpec, seed: number): ArchitectureJSON {
  return {
    layers: [spec.inputs, ...spec.layers.map((l) => ({ units: l.units, activation: l.activation }))],
    loss: spec.loss,
    bias: spec.bias,
    init: spec.init,
    seed,
  };
}

export function networkToJSON(spec: NetworkSpec, seed: number, parameters: Float32Array): NetworkJSON {
  return { format: FORMAT, version: FORMAT_VERSION, ...architectureJSON(spec, seed), parameters: floatsToBase64(parameters) };
}

export function parseNetworkJSON(json: unknown, label: string): SavedNetwork {
  const o = jsonObject(json, label);
  if (o.format === 'backprop-model') throw new TypeError(`${label}: this is a model file (a network with its encoding, as backprop train writes): load it with Model.load or Model.fromJSON`);
  if (o.format !== FORMAT) throw new TypeError(`${label}: format: expected '${FORMAT}', got ${describe(o.format)}`);
  if (o.version !== FORMAT_VERSION) {
    throw new RangeError(`${label}: version: this library reads version ${FORMAT_VERSION}, got ${describe(o.version)}`);
  }
  checkKeys(o, JSON_KEYS, label);
  const { spec, seed } = parseArchitecture(o, label);
  if (typeof o.parameters !== 'string') throw new TypeError(`${label}: parameters: expected a base64 string, got ${describe(o.parameters)}`);
  const parameters = base64ToFloats(o.parameters, label);
  checkParameters(spec, parameters, label);
  return { spec, seed, parameters };
}

/** A saved form given as an object or as its JSON text: the object. */
export function jsonObject(json: unknown, label: string): Record<string, unknown> {
  let value = json;
  if (typeof json === 'string') {
    try {
      value = JSON.parse(json);
    } catch (e) {
      throw new SyntaxError(`${label}: not valid JSON: ${(e as Error).message}`);
    }
  }
  return plainObject(value, label);
}

/** Every field present as the object's own, and nothing else (a `__proto__` key included). */
export function checkKeys(o: Record<string, unknown>, keys: readonly string[], label: string): void {
  for (const key of keys) if (!Object.hasOwn(o, key)) throw new TypeError(`${label}: missing field '${key}'`);
  for (const key of Object.keys(o)) {
    if (!keys.includes(key)) throw new TypeError(`${label}: unknown field ${JSON.stringify(key)}; expected only ${keys.join(', ')}`);
  }
}

export function parseArchitecture(o: Record<string, unknown>, label: string): { spec: NetworkSpec; seed: number } {
  const spec = parseSpec({ layers: o.layers, loss: o.loss, bias: o.bias, init: o.init }, label);
  const seed = parseSeed(o.seed, label) ?? 0;
  return { spec, seed };
}

/** How many numbers the flat parameter vector of this architecture holds. */
export function parameterCount(spec: NetworkSpec): number {
  let count = 0;
  let inputs = spec.inputs;
  for (const l of spec.layers) {
    count += l.units * inputs + (spec.bias ? l.units : 0);
    inputs = l.units;
  }
  return count;
}

/** The layers as a reader writes them: '2 → 3 → 1 with biases'. */
export function describeArchitecture(spec: NetworkSpec): string {
  return `${[spec.inputs, ...spec.layers.map((l) => l.units)].join(' → ')} ${spec.bias ? 'with' : 'without'} biases`;
}

/** The right count for the architecture, and every value finite; checked before any backend is built. */
export function checkParameters(spec: NetworkSpec, parameters: Float32Array, label: string): void {
  const expected = parameterCount(spec);
  if (parameters.length !== expected) {
    throw new RangeError(
      `${label}: parameters: expected ${expected} numbers for this architecture, got ${parameters.length} (layers ${describeArchitecture(spec)})`,
    );
  }
  for (let i = 0; i < parameters.length; i++) {
    if (!Number.isFinite(parameters[i])) throw new RangeError(`${label}: parameters: value ${i} is ${parameters[i]}, expected a finite number`);
  }
}

export function floatsToBase64(values: Float32Array): string {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i], true);
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

export function base64ToFloats(text: string, label: string): Float32Array {
  let binary: string;
  try {
    binary = atob(text);
  } catch {
    throw new TypeError(`${label}: parameters: not valid base64`);
  }
  if (binary.length % 4 !== 0) throw new RangeError(`${label}: parameters: ${binary.length} bytes is not a whole number of float32 values`);
  const view = new DataView(new ArrayBuffer(binary.length));
  for (let i = 0; i < binary.length; i++) view.setUint8(i, binary.charCodeAt(i));
  const out = new Float32Array(binary.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}
