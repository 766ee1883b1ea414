// Activations and losses added from TypeScript: registerActivation / registerLoss put an entry
// in their registry, and the passes call the per-element loops below instead of a kernel. They
// run over the arena Float32Array of the JS backend; a network that uses one never runs on Wasm
// (src/network.ts falls back to JS and says why), so the built-in kernels stay untouched.
import type { Backend } from './backends/backend.js';
import type { Kernels } from './kernels.js';
import { activations, customActivations, type ActivationName, type CustomActivationEntry } from './registry/activations.js';
import { losses, customLosses, type CustomLossEntry } from './registry/losses.js';
import { describe } from './samples.js';
import { plainObject, rejectUnknownKeys, type NetworkSpec } from './options.js';

export interface CustomActivation {
  /** a = f(z) for one element. */
  forward: (z: number) => number;
  /** f'(z) for one element, given z and a = f(z) (use whichever is cheaper, as a(1 − a) for sigmoid). */
  derivative: (z: number, a: number) => number;
}

const NAME = /^[A-Za-z][\w.-]{0,63}$/;

/**
 * Add an activation usable in Network.create layers by `name`. Registering a name again
 * replaces it for networks created afterwards; networks already built keep the one they had.
 * Networks using it run on the JS backend.
 */
export function registerActivation(name: string, activation: CustomActivation): void {
  const label = 'registerActivation';
  const o = checkRegistration(name, activation, Object.hasOwn(activations, name), ['forward', 'derivative'], label, 'activation');
  const forward = o.forward as CustomActivation['forward'];
  const derivative = o.derivative as CustomActivation['derivative'];
  const entry: CustomActivationEntry = {
    name,
    custom: { forward, derivative },
    outputOnly: false,
    derivative: `${name}'(z)`,
    slope: derivative,
  };
  customActivations.set(name, entry);
}

export interface CustomLoss {
  /** The loss of one output a against its target y; a sample's loss is the sum over its outputs. */
  value: (a: number, y: number) => number;
  /** ∂loss/∂a for one output. */
  derivative: (a: number, y: number) => number;
}

/**
 * Add a loss usable as Network.create's `loss` by `name`: elementwise, summed over a sample's
 * outputs and averaged over the batch, as the built-in quadratic loss. Its delta is
 * derivative(a, y)·f'(z), so it pairs with any elementwise output activation (not softmax,
 * whose units are coupled). Registering a name again replaces it for networks created
 * afterwards. Networks using it run on the JS backend.
 */
export function registerLoss(name: string, loss: CustomLoss): void {
  const label = 'registerLoss';
  const o = checkRegistration(name, loss, Object.hasOwn(losses, name), ['value', 'derivative'], label, 'loss');
  const custom = { value: o.value as CustomLoss['value'], derivative: o.derivative as CustomLoss['derivative'] };
  customLosses.set(name, { name, custom, fusedWith: null });
}

/** Check a registration's name and that its object holds exactly the named functions. */
function checkRegistration(name: unknown, value: unknown, builtin: boolean, keys: readonly string[], label: string, kind: string): Record<string, unknown> {
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw new TypeError(`${label}: name: expected a name of letters, digits, '-', '_' or '.', starting with a letter (at most 64), got ${describe(name)}`);
  }
  if (builtin) throw new TypeError(`${label}: name: '${name}' is a built-in ${kind} and cannot be replaced`);
  const o = plainObject(value, `${label}: ${kind}`);
  rejectUnknownKeys(o, keys, `${label}: ${kind}`);
  for (const key of keys) {
    if (typeof o[key] !== 'function') throw new TypeError(`${label}: ${key}: expected a function, got ${describe(o[key])}`);
  }
  return o;
}

/** Whether `name` is a registered custom loss (not a built-in). */
export function isCustomLoss(name: string): boolean {
  return !Object.hasOwn(losses, name) && customLosses.has(name);
}

/** Whether `name` is a registered custom activation (not a built-in). */
export function isCustomActivation(name: string): boolean {
  return !Object.hasOwn(activations, name as ActivationName) && customActivations.has(name);
}

/** The arena behind each JS backend's kernels, so the loops below can reach it from the passes. */
const arenas = new WeakMap<Kernels, Pick<Backend, 'f32'>>();

export function bindArena(backend: Backend): void {
  arenas.set(backend.kernels, backend);
}

function arena(k: Kernels, name: string): Float32Array {
  const b = arenas.get(k);
  if (!b) throw new Error(`custom '${name}': no arena bound to these kernels (it runs on the JS backend only)`);
  return b.f32; // read at call time: a reserve() may have replaced the buffer
}

/** a[i] = f(z[i]) over rows × cols. */
export function customForward(k: Kernels, entry: CustomActivationEntry, z: number, a: number, rows: number, cols: number): void {
  const m = arena(k, entry.name);
  const f = entry.custom.forward;
  const count = rows * cols;
  for (let i = 0; i < count; i++) m[a + i] = f(m[z + i]);
}

/** delta[i] *= f'(z[i]) in place: dE/da into dE/dz, as the built-in backward kernels. */
export function customBackward(k: Kernels, entry: CustomActivationEntry, z: number, a: number, delta: number, rows: number, cols: number): void {
  const m = arena(k, entry.name);
  const fPrime = entry.custom.derivative;
  const count = rows * cols;
  for (let i = 0; i < count; i++) m[delta + i] *= fPrime(m[z + i], m[a + i]);
}

/** The batch's loss: Σ over samples and outputs of value(a, y), divided by the batch size. */
export function customLossValue(k: Kernels, entry: CustomLossEntry, a: number, y: number, rows: number, cols: number): number {
  const m = arena(k, entry.name);
  const f = entry.custom.value;
  let sum = 0;
  for (let i = 0; i < rows * cols; i++) sum += f(m[a + i], m[y + i]);
  return sum / rows;
}

/** delta[i] = ∂loss/∂a[i]: dE/da at the output, before the activation's derivative. */
export function customOutputDelta(k: Kernels, entry: CustomLossEntry, a: number, y: number, delta: number, count: number): void {
  const m = arena(k, entry.name);
  const d = entry.custom.derivative;
  for (let i = 0; i < count; i++) m[delta + i] = d(m[a + i], m[y + i]);
}

/** Why a network of this spec can run only on the JS backend (a custom activation or loss), or null. */
export function jsOnlyReason(spec: NetworkSpec): string | null {
  const i = spec.layers.findIndex((l) => isCustomActivation(l.activation));
  if (i >= 0) return `layers[${i + 1}] uses the custom activation '${spec.layers[i].activation}', which runs only on the JS backend`;
  if (isCustomLoss(spec.loss)) return `the custom loss '${spec.loss}' runs only on the JS backend`;
  return null;
}
