// Activations and losses added from TypeScript: registerActivation / registerLoss put an entry
// in their registry, and the passes call per-element loops (src/engine/custom-loops.ts) instead of
// a kernel. A network that uses one runs on the JS backend (src/backends/index.ts falls back to
// it and says why).
import { activations, customActivations, type ActivationName, type CustomActivationEntry } from './registry/activations.js';
import { losses, customLosses } from './registry/losses.js';
import { describe, optionsObject } from './validate/values.js';
import type { NetworkSpec } from './validate/network-options.js';

/** An activation for registerActivation: the function and its derivative, elementwise. */
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
    slope: derivative,
  };
  customActivations.set(name, entry);
}

/** A loss for registerLoss: one output's loss and its derivative, elementwise. */
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
  const o = optionsObject(value, keys, `${label}: ${kind}`);
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

/** Why a network of this spec can run only on the JS backend (a custom activation or loss), or null. */
export function jsOnlyReason(spec: NetworkSpec): string | null {
  const i = spec.layers.findIndex((l) => isCustomActivation(l.activation));
  if (i >= 0) return `layers[${i + 1}] uses the custom activation '${spec.layers[i].activation}', which runs only on the JS backend`;
  if (isCustomLoss(spec.loss)) return `the custom loss '${spec.loss}' runs only on the JS backend`;
  return null;
}
