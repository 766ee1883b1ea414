// What each built-in activation is called in the formats we exchange with: one table that
// toTfjs, toOnnx and (through its reverse, below) fromTfjs all read, so the mappings cannot drift apart.
import { activations, type ActivationName } from '../registry/activations.js';
import type { NetworkSpec } from '../validate/network-options.js';

export interface ExchangeName {
  /** The Keras/TF.js `activation` string of a Dense layer; null when it needs a layer of its own. */
  readonly keras: string | null;
  /** The ONNX operator after the Gemm; null when no node is needed. */
  readonly onnx: string | null;
}

export const exchangeNames: Readonly<Record<ActivationName, ExchangeName>> = {
  sigmoid: { keras: 'sigmoid', onnx: 'Sigmoid' },
  tanh: { keras: 'tanh', onnx: 'Tanh' },
  relu: { keras: 'relu', onnx: 'Relu' },
  // Keras has no leaky-relu activation string in TF.js: a linear Dense, then a LeakyReLU layer.
  'leaky-relu': { keras: null, onnx: 'LeakyRelu' },
  identity: { keras: 'linear', onnx: null },
  softmax: { keras: 'softmax', onnx: 'Softmax' },
};

/** Keras activation strings back to ours: the table above read the other way. */
export const activationFromKeras: ReadonlyMap<string, ActivationName> = new Map(
  (Object.entries(exchangeNames) as Array<[ActivationName, ExchangeName]>).flatMap(([name, n]) => (n.keras === null ? [] : [[n.keras, name] as const])),
);

/** Layer i's activation as a built-in name; a custom activation has no meaning outside this library. */
export function builtinActivation(spec: NetworkSpec, i: number, label: string, format: string): ActivationName {
  const name = spec.layers[i].activation;
  if (!Object.hasOwn(activations, name)) {
    throw new TypeError(`${label}: layers[${i + 1}] uses the custom activation '${name}', which ${format} cannot represent; only built-in activations export`);
  }
  return name as ActivationName;
}
