// ONNX export, checked against the real engine: onnxruntime-web (its Wasm build, in Node)
// runs the bytes and predicts what we predict, for one row and for a batch; the graph is read
// back with the onnx.proto decoder onnxruntime-web ships, not with our own writer.
import { beforeAll, describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-web';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Network, Random, registerActivation, registerLoss, type NetworkOptions } from '../src/index.js';
import { toOnnx } from '../src/exchange/index.js';
import { ROWS, describeRows, worstMismatch } from './backends.js';

interface DecodedModel {
  irVersion: { toNumber(): number } | number;
  opsetImport: Array<{ domain: string; version: { toNumber(): number } | number }>;
  graph: {
    node: Array<{ opType: string; input: string[]; output: string[]; attribute: Array<{ name: string; type: number; f: number; i: { toNumber(): number } | number }> }>;
    initializer: Array<{ name: string; dims: Array<{ toNumber(): number } | number>; dataType: number; rawData: Uint8Array }>;
    input: Array<{ name: string; type: { tensorType: { shape: { dim: Array<{ dimValue?: unknown; dimParam?: string }> } } } }>;
  };
}
// Not in the package's exports map, so it is required by its path.
const require = createRequire(import.meta.url);
const { onnx } = require(fileURLToPath(new URL('../node_modules/onnxruntime-web/lib/onnxjs/ort-schema/protobuf/onnx.js', import.meta.url))) as { onnx: { ModelProto: { decode(bytes: Uint8Array): DecodedModel } } };
const num = (v: { toNumber(): number } | number) => (typeof v === 'number' ? v : v.toNumber());

beforeAll(() => {
  ort.env.wasm.numThreads = 1;
});

function samples(rng: Random, n: number, width: number): number[][] {
  return Array.from({ length: n }, () => Array.from({ length: width }, () => rng.normal()));
}

/** The model's output for these rows, as onnxruntime computes it. */
async function ortPredict(bytes: Uint8Array, x: number[][]): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const input = new ort.Tensor('float32', Float32Array.from(x.flat()), [x.length, x[0].length]);
    const { output } = await session.run({ input });
    return output.data as Float32Array;
  } finally {
    await session.release();
  }
}

const architectures: Array<{ name: string; options: NetworkOptions; targets: (x: number[][]) => number[][] }> = [
  {
    name: 'tanh → relu → leaky-relu → sigmoid → softmax',
    options: {
      layers: [4, { units: 6, activation: 'tanh' }, { units: 5, activation: 'relu' }, { units: 5, activation: 'leaky-relu' }, { units: 4, activation: 'sigmoid' }, { units: 3, activation: 'softmax' }],
      loss: 'categorical-cross-entropy',
    },
    targets: (x) => x.map((r) => { const c = r[0] + r[1] > 0 ? 0 : r[2] > 0 ? 1 : 2; return [0, 1, 2].map((j) => (j === c ? 1 : 0)); }),
  },
  {
    name: 'no biases, leaky-relu → identity',
    options: { layers: [4, { units: 7, activation: 'leaky-relu' }, { units: 2, activation: 'identity' }], loss: 'mse', bias: false },
    targets: (x) => x.map((r) => [r[0] * r[1], r[2] - r[3]]),
  },
  {
    // Dropout acts only while training: the exported graph has none and still computes predict.
    name: 'relu with dropout 0.3 → sigmoid',
    options: { layers: [4, { units: 8, activation: 'relu', dropout: 0.3 }, { units: 2, activation: 'sigmoid' }], loss: 'binary-cross-entropy' },
    targets: (x) => x.map((r) => [r[0] > 0 ? 1 : 0, r[1] + r[2] > 0 ? 1 : 0]),
  },
];

describeRows(ROWS)('toOnnx: a network trained here, run by onnxruntime-web (%s)', ({ create }) => {
  it.each(architectures)('$name predicts the same within 1e-5, batch 1 and batch 6', async ({ options, targets }) => {
    const x = samples(new Random(41), 48, 4);
    const net = await create({ ...options, seed: 7 });
    const before = net.getParameters();
    await net.fit(x, targets(x), { epochs: 15, batchSize: 8, learningRate: 0.1 });
    expect(worstMismatch(before, net.getParameters(), 1e-3)).not.toBeNull();
    const bytes = toOnnx(net);
    const probe = samples(new Random(42), 6, 4);
    for (const rows of [probe.slice(0, 1), probe]) {
      const theirs = await ortPredict(bytes, rows);
      expect(theirs.length).toBe(rows.length * net.outputs);
      expect(worstMismatch(theirs, net.predictBatch(rows), 1e-5)).toBeNull();
    }
  });
});

describe('toOnnx: the graph', () => {
  it('is Gemm (transB = 1, our units × inputs weights as they are) then the activation, per layer', async () => {
    const net = await Network.create({ layers: [2, { units: 3, activation: 'leaky-relu' }, { units: 2, activation: 'softmax' }], seed: 3, backend: 'js' });
    net.setWeights(0, [[1, 2], [3, 4], [5, 6]], [0.5, -0.5, 0.25]);
    const model = onnx.ModelProto.decode(toOnnx(net));
    expect([num(model.irVersion), model.opsetImport.map((o) => [o.domain, num(o.version)])]).toEqual([7, [['', 13]]]);
    const nodes = model.graph.node.map((n) => [n.opType, n.input, n.output, n.attribute.map((a) => [a.name, a.type === 1 ? a.f : num(a.i)])]);
    expect(nodes).toEqual([
      ['Gemm', ['input', 'layer0.weights', 'layer0.bias'], ['layer0.z'], [['transB', 1]]],
      ['LeakyRelu', ['layer0.z'], ['layer0.a'], [['alpha', Math.fround(0.01)]]],
      ['Gemm', ['layer0.a', 'layer1.weights', 'layer1.bias'], ['layer1.z'], [['transB', 1]]],
      ['Softmax', ['layer1.z'], ['output'], [['axis', -1]]],
    ]);
    const w = model.graph.initializer[0];
    expect([w.name, w.dims.map(num), w.dataType]).toEqual(['layer0.weights', [3, 2], 1]);
    expect(Array.from(new Float32Array(Uint8Array.from(w.rawData).buffer))).toEqual([1, 2, 3, 4, 5, 6]);
    expect(model.graph.input[0].type.tensorType.shape.dim.map((d) => d.dimParam || num(d.dimValue as number))).toEqual(['N', 2]);
    // The set weights make layer 0 all-negative here ([−0.5, −1.5, −0.75]), so the leaky slope is what runs.
    const out = await ortPredict(toOnnx(net), [[1, -1]]);
    expect(worstMismatch(out, net.predict([1, -1]), 1e-5)).toBeNull();
  });

  it.each([11, 13, 17, 21])('opset %i runs in onnxruntime-web and declares its IR version', async (opsetVersion) => {
    const net = await Network.create({ layers: [3, { units: 4, activation: 'sigmoid' }, { units: 3, activation: 'softmax' }], loss: 'categorical-cross-entropy', seed: 5, backend: 'wasm' });
    const bytes = toOnnx(net, { opsetVersion });
    const model = onnx.ModelProto.decode(bytes);
    expect(num(model.opsetImport[0].version)).toBe(opsetVersion);
    expect(num(model.irVersion)).toBe({ 11: 6, 13: 7, 17: 8, 21: 10 }[opsetVersion]);
    const x = samples(new Random(opsetVersion), 3, 3);
    expect(worstMismatch(await ortPredict(bytes, x), net.predictBatch(x), 1e-5)).toBeNull();
  });

  it('an identity output layer is the Gemm alone, named output', async () => {
    const net = await Network.create({ layers: [2, { units: 2, activation: 'identity' }], seed: 1, bias: false, backend: 'js' });
    net.setWeights(0, [[2, 0], [1, -1]]);
    const model = onnx.ModelProto.decode(toOnnx(net));
    expect(model.graph.node.map((n) => [n.opType, n.input, n.output])).toEqual([['Gemm', ['input', 'layer0.weights'], ['output']]]);
    // [2·3 + 0·4, 1·3 − 1·4] by hand.
    expect(Array.from(await ortPredict(toOnnx(net), [[3, 4]]))).toEqual([6, -1]);
  });
});

describe('toOnnx: what cannot be mapped is named', () => {
  it('a custom activation, an opset outside 11..21, an unknown option; the network is unchanged', async () => {
    registerActivation('cube-onnx', { forward: (z) => z ** 3, derivative: (z) => 3 * z * z });
    const custom = await Network.create({ layers: [2, 2, { units: 1, activation: 'cube-onnx' }], seed: 1 });
    expect(() => toOnnx(custom)).toThrow(/toOnnx: layers\[2\] uses the custom activation 'cube-onnx', which ONNX cannot represent/);
    const net = await Network.create({ layers: [2, 2, 1], seed: 1, backend: 'wasm' });
    const before = net.getParameters();
    expect(() => toOnnx(net, { opsetVersion: 10 })).toThrow(RangeError);
    expect(() => toOnnx(net, { opsetVersion: 10 })).toThrow(/toOnnx: opsetVersion: expected a whole number from 11 to 21, got number 10/);
    expect(() => toOnnx(net, { opset: 13 } as object)).toThrow(/toOnnx: options: unknown option "opset"; known options are opsetVersion/);
    expect(net.getParameters()).toEqual(before);
  });
});

/**
 * Weights from a formula of their own (integer arithmetic, one division, powers of two: the
 * same floats on every engine), not from the library's Random, so a change to weight
 * initialisation cannot move these bytes. The first four are a negative zero, a float32
 * subnormal, the largest float32 and the smallest subnormal, whose bits must travel as they are.
 */
function formulaNetwork(net: Network): Network {
  for (let i = 0; i < net.spec.layers.length; i++) {
    const { units, inputs } = net.getWeights(i);
    const w = Array.from({ length: units * inputs }, (_, k) => (((k * 7919 + i * 104729) % 2001) - 1000) / 3 * 4 ** ((k % 7) - 3));
    w.splice(0, 4, ...[-0, 1e-40, 3.4028234663852886e38, -1.401298464324817e-45].slice(0, w.length));
    net.setWeights(i, w, net.spec.bias ? Array.from({ length: units }, (_, j) => (j - i) / 3) : undefined);
  }
  return net;
}

registerLoss('half-abs.onnx-bytes', { value: (y, t) => Math.abs(y - t) / 2, derivative: (y, t) => Math.sign(y - t) / 2 });

/**
 * SHA-256 of the bytes protobufjs 7.6.6 wrote for these networks, recorded before our own writer
 * (src/exchange/protobuf.ts) replaced it: the writer must keep every byte, field order and
 * packed dims included. The large one has a 2.2 MB weight tensor, so lengths take 4-byte varints.
 */
const recordedBytes: Array<{ name: string; options: NetworkOptions; opsetVersion?: number; sha256: string }> = [
  ...[11, 12, 13, 15, 19, 21].map((opsetVersion) => ({
    name: `leaky-relu → softmax, opset ${opsetVersion}`,
    options: { layers: [2, { units: 3, activation: 'leaky-relu' }, { units: 2, activation: 'softmax' }], loss: 'categorical-cross-entropy' } as NetworkOptions,
    opsetVersion,
    sha256: ({
      11: 'b8fab6c4a233f6b8b08459eb07a63cfb3975a2dfafe7bfaffa4537014eb8dd41',
      12: 'e1655a026d6593e62f14d46847e6b0f9fbea9bded4f2bfc1000340273ba2bd2e',
      13: 'd777c1ef0efcaf781f54ee71985378ea426e099f51921c2355a57b43e6ea523e',
      15: '3df0f9230d51519e53526b29eb4f85df8c65fbe4af0adf28686cc5e1826821fa',
      19: '258fa8622bad0f4aff818b40803bf0b1306784f2aa92f726d768eb84701c6524',
      21: '41fbef921379827d3bb120b6f83ed4780e980cbd87b98992bfda9d6299d051a7',
    } as Record<number, string>)[opsetVersion],
  })),
  {
    name: 'tanh → relu → leaky-relu → sigmoid → softmax',
    options: architectures[0].options,
    sha256: '418e9d8ef739d11acf92fa7f5da7b988b6cb5588c00527d4b9a9207e2c6ea91f',
  },
  {
    name: 'no biases, leaky-relu → identity',
    options: architectures[1].options,
    sha256: 'afded88e74117fe8e5f9bc87cf2571acb2c12fc606235b01c3cdb06e6bdde2b3',
  },
  {
    name: 'an identity hidden layer, a custom loss in the metadata',
    options: { layers: [1, { units: 2, activation: 'identity' }, { units: 1, activation: 'sigmoid' }], loss: 'half-abs.onnx-bytes' },
    sha256: 'bf73853d4a4a81644159e12fab6a915b2a5dcfbbb22171f98874b818ae1e0389',
  },
  {
    name: '1100 → 512 relu → 10 softmax',
    options: { layers: [1100, { units: 512, activation: 'relu' }, { units: 10, activation: 'softmax' }], loss: 'categorical-cross-entropy' },
    sha256: '21d3b8eeacddbb0448561b67cddab9f410cb10ff4a83adce750d68c409cc0862',
  },
];

describe('toOnnx: the bytes', () => {
  it.each(recordedBytes)('$name: the bytes recorded from protobufjs', async ({ options, opsetVersion, sha256 }) => {
    const net = formulaNetwork(await Network.create({ ...options, seed: 1, backend: 'js' }));
    const bytes = toOnnx(net, opsetVersion === undefined ? {} : { opsetVersion });
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(sha256);
  });
});
