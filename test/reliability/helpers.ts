// Shared by the reliability specs: random architectures for fast-check, bit-exact snapshots of
// a network's parameters, and seeded data that fits a loss.
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { Network, Random, type NetworkOptions } from '../../src/index.js';
import type { ActivationName } from '../../src/registry/activations.js';
import type { LossName } from '../../src/registry/losses.js';

/** One seed for every property, so a CI failure replays exactly (fast-check prints the path). */
export const FC_SEED = 20261130;

export const HIDDEN: ActivationName[] = ['sigmoid', 'tanh', 'relu', 'leaky-relu', 'identity'];

/** Output activation and loss pairs that make sense together (cross-entropies need their own activation). */
export const HEADS: Array<{ activation: ActivationName; loss: LossName }> = [
  ...HIDDEN.flatMap((activation) => (['quadratic', 'mse'] as const).map((loss) => ({ activation, loss }))),
  { activation: 'sigmoid', loss: 'binary-cross-entropy' },
  { activation: 'softmax', loss: 'categorical-cross-entropy' },
];

export interface Arch {
  options: NetworkOptions;
  inputs: number;
  outputs: number;
  loss: LossName;
}

/** 1–4 weighted layers of 1–20 units, any hidden activation, a head that fits its loss, bias on or off, any init and seed. */
export const archArb: fc.Arbitrary<Arch> = fc
  .record({
    inputs: fc.integer({ min: 1, max: 20 }),
    hidden: fc.array(fc.record({ units: fc.integer({ min: 1, max: 20 }), activation: fc.constantFrom(...HIDDEN) }), { maxLength: 3 }),
    head: fc.constantFrom(...HEADS),
    outputs: fc.integer({ min: 1, max: 20 }),
    bias: fc.boolean(),
    init: fc.constantFrom('normal', 'xavier', 'he', 'uniform' as const),
    seed: fc.nat(),
  })
  .map(({ inputs, hidden, head, outputs, bias, init, seed }) => {
    const units = head.activation === 'softmax' ? Math.max(2, outputs) : outputs;
    return {
      options: { layers: [inputs, ...hidden, { units, activation: head.activation }], loss: head.loss, bias, init, seed },
      inputs,
      outputs: units,
      loss: head.loss,
    };
  });

/** Inputs in [−2, 2]; targets a loss accepts: probabilities for cross-entropy (one-hot rows for softmax), else [−1, 1]. */
export function dataFor(arch: Arch, rows: number, seed: number): { x: Float32Array; y: Float32Array } {
  const rng = new Random(seed);
  const x = Float32Array.from({ length: rows * arch.inputs }, () => 4 * rng.uniform() - 2);
  const y = new Float32Array(rows * arch.outputs);
  for (let r = 0; r < rows; r++) {
    if (arch.loss === 'categorical-cross-entropy') y[r * arch.outputs + rng.below(arch.outputs)] = 1;
    else for (let k = 0; k < arch.outputs; k++) y[r * arch.outputs + k] = arch.loss === 'binary-cross-entropy' ? rng.uniform() : 2 * rng.uniform() - 1;
  }
  return { x, y };
}

/** Every parameter's bits (so −0, subnormals and NaN payloads count): equal snapshots mean an unchanged network. */
export function bits(net: Network): number[] {
  return Array.from(new Uint32Array(net.getParameters().buffer));
}

/** Bits of a Float32Array, for exact comparisons that tell −0 from 0. */
export function bitsOf(values: Float32Array): number[] {
  return Array.from(new Uint32Array(values.buffer, values.byteOffset, values.length));
}

/** Every layer's getWeights, bit for bit: what the fuzz spec compares before and after a bad call. */
export function weightSnapshot(net: Network): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < net.layerCount; i++) {
    const { weights, bias } = net.getWeights(i);
    out.push(bitsOf(weights), bias ? bitsOf(bias) : []);
  }
  return out;
}

/** The first element where |a − b| > rtol·max(1, |a|, |b|) (absolute below 1), or null. */
export function mismatch(a: ArrayLike<number>, b: ArrayLike<number>, rtol: number): string | null {
  if (a.length !== b.length) return `lengths ${a.length} and ${b.length}`;
  for (let i = 0; i < a.length; i++) {
    if (!(Math.abs(a[i] - b[i]) <= rtol * Math.max(1, Math.abs(a[i]), Math.abs(b[i])))) return `index ${i}: ${a[i]} vs ${b[i]}`;
  }
  return null;
}

/** The Wasm backend's memory in 64 KiB pages; a private field, read for measuring only (0 on JS). */
export function wasmPages(net: Network): number {
  const memory = (net as unknown as { engine: { backend: { memory?: WebAssembly.Memory } } }).engine.backend.memory;
  return memory ? memory.buffer.byteLength / 65536 : 0;
}

/** The kernel and a digest of the weights after a seeded fit with momentum: isolation.spec.ts compares them across processes. */
export async function determinismDigest(on: Pick<NetworkOptions, 'backend' | 'threads'>): Promise<string> {
  const arch: Arch = {
    options: { layers: [5, { units: 8, activation: 'leaky-relu' }, { units: 4, activation: 'sigmoid' }, { units: 2, activation: 'identity' }], loss: 'quadratic', seed: 4 },
    inputs: 5,
    outputs: 2,
    loss: 'quadratic',
  };
  const net = await Network.create({ ...arch.options, ...on });
  try {
    const { x, y } = dataFor(arch, 64, 11);
    await net.fit(x, y, { epochs: 25, batchSize: 5, learningRate: 0.05, optimizer: 'momentum' });
    return `${net.kernel} ${createHash('sha256').update(net.getParameters()).digest('hex')}`;
  } finally {
    net.dispose();
  }
}
