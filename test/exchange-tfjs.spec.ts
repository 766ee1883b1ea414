// TensorFlow.js Layers exchange, checked against the real engine: our export loaded by
// tf.loadLayersModel predicts what we predict, a model trained in TF.js predicts the same here,
// the files round-trip, and what cannot be mapped is named in the error.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Network, Random, registerActivation, type NetworkOptions } from '../src/index.js';
import { toTfjs, fromTfjs, saveTfjs, loadTfjs, type TfjsArtifactsInput } from '../src/exchange/index.js';
import { ONE_THREAD_ROWS, ROWS, describeRows, worstMismatch } from './backends.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** n × width values from a seeded normal, as number[][]. */
function samples(rng: Random, n: number, width: number): number[][] {
  return Array.from({ length: n }, () => Array.from({ length: width }, () => rng.normal()));
}

/** One-hot targets of a fixed rule, so training has something to learn. */
function classes(x: number[][], k: number): number[][] {
  return x.map((row) => {
    const c = Math.abs(Math.floor(row.reduce((s, v) => s + v, 0) * 2)) % k;
    return Array.from({ length: k }, (_, j) => (j === c ? 1 : 0));
  });
}

async function tfjsPredict(artifacts: tf.io.ModelArtifacts, x: number[][]): Promise<Float32Array> {
  const model = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
  const out = model.predict(tf.tensor2d(x)) as tf.Tensor;
  const values = (await out.data()) as Float32Array;
  out.dispose();
  model.dispose();
  return values;
}

/** TF.js artifacts of a model, as model.save hands them to a save handler. */
async function saved(model: tf.LayersModel, includeOptimizer = false): Promise<tf.io.ModelArtifacts> {
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
    { includeOptimizer },
  );
  return artifacts!;
}

const architectures: Array<{ name: string; options: NetworkOptions; targets: (x: number[][]) => number[][] }> = [
  {
    name: 'tanh → relu → leaky-relu → sigmoid → softmax, categorical cross-entropy',
    options: {
      layers: [3, { units: 5, activation: 'tanh' }, { units: 4, activation: 'relu' }, { units: 4, activation: 'leaky-relu' }, { units: 3, activation: 'sigmoid' }, { units: 3, activation: 'softmax' }],
      loss: 'categorical-cross-entropy',
    },
    targets: (x) => classes(x, 3),
  },
  {
    name: 'no biases, leaky-relu → identity output, quadratic',
    options: { layers: [3, { units: 6, activation: 'leaky-relu' }, { units: 2, activation: 'identity' }], loss: 'quadratic', bias: false },
    targets: (x) => x.map((r) => [r[0] - r[1], 0.5 * r[2]]),
  },
  {
    name: 'relu → two sigmoid outputs, binary cross-entropy',
    options: { layers: [3, { units: 7, activation: 'relu' }, { units: 2, activation: 'sigmoid' }], loss: 'binary-cross-entropy' },
    targets: (x) => x.map((r) => [r[0] > 0 ? 1 : 0, r[1] * r[2] > 0 ? 1 : 0]),
  },
  {
    // Trained with dropout here; TF.js reads the Dropout layers and, predicting, leaves them out as we do.
    name: 'relu with dropout 0.3 → tanh with dropout 0.1 → softmax',
    options: { layers: [3, { units: 8, activation: 'relu', dropout: 0.3 }, { units: 6, activation: 'tanh', dropout: 0.1 }, { units: 3, activation: 'softmax' }], loss: 'categorical-cross-entropy' },
    targets: (x) => classes(x, 3),
  },
];

describeRows(ROWS)('toTfjs: a network trained here, loaded by tf.loadLayersModel (%s)', ({ create }) => {
  it.each(architectures)('$name predicts the same within 1e-5', async ({ options, targets }) => {
    const rng = new Random(11);
    const x = samples(rng, 40, 3);
    const net = await create({ ...options, seed: 5 });
    const before = net.getParameters();
    await net.fit(x, targets(x), { epochs: 20, batchSize: 8, learningRate: 0.1 });
    expect(worstMismatch(before, net.getParameters(), 1e-3)).not.toBeNull(); // training moved the weights
    const probe = samples(new Random(12), 7, 3);
    expect(worstMismatch(await tfjsPredict(toTfjs(net), probe), net.predictBatch(probe), 1e-5)).toBeNull();
  });

  it('writes Keras kernels as inputs × units: kernel[k][j] is our weights[j][k]', async () => {
    const net = await create({ layers: [2, { units: 3, activation: 'relu' }, 1], seed: 1 });
    net.setWeights(0, [[1, 2], [3, 4], [5, 6]], [0.5, -0.5, 0.25]);
    const a = toTfjs(net);
    expect(a.weightSpecs.map((s) => [s.name, s.shape])).toEqual([
      ['dense_1/kernel', [2, 3]],
      ['dense_1/bias', [3]],
      ['dense_2/kernel', [3, 1]],
      ['dense_2/bias', [1]],
    ]);
    expect(Array.from(new Float32Array(a.weightData as ArrayBuffer, 0, 9))).toEqual([1, 3, 5, 2, 4, 6, 0.5, -0.5, 0.25]);
    const model = await tf.loadLayersModel(tf.io.fromMemory(a));
    expect(Array.from(await model.layers[0].getWeights()[0].data())).toEqual([1, 3, 5, 2, 4, 6]);
  });

  it('a training config makes one TF.js SGD step move the weights as one step here (quadratic: rate × K/2)', async () => {
    const x = samples(new Random(21), 6, 3);
    const y = x.map((r) => [r[0], r[1] + r[2], -r[2]]);
    const net = await create({ layers: [3, { units: 4, activation: 'tanh' }, { units: 3, activation: 'identity' }], loss: 'quadratic', seed: 8 });
    const artifacts = toTfjs(net, { training: { learningRate: 0.2 } });
    const model = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
    await model.trainOnBatch(tf.tensor2d(x), tf.tensor2d(y));
    net.trainStep(x, y, { learningRate: 0.2 });
    const theirs = (await (model.predict(tf.tensor2d(x)) as tf.Tensor).data()) as Float32Array;
    expect(worstMismatch(theirs, net.predictBatch(x), 1e-5)).toBeNull();
    expect(artifacts.trainingConfig).toEqual({ loss: 'mean_squared_error', metrics: [], optimizer_config: { class_name: 'SGD', config: { learningRate: 0.2 * 1.5 } } });
  });

  it('binary cross-entropy with momentum: two TF.js steps match two steps here (rate × K)', async () => {
    const x = samples(new Random(22), 5, 2);
    const y = x.map((r) => [r[0] > 0 ? 1 : 0, r[1] > 0 ? 1 : 0]);
    const net = await create({ layers: [2, { units: 3, activation: 'relu' }, { units: 2, activation: 'sigmoid' }], loss: 'binary-cross-entropy', seed: 4 });
    const artifacts = toTfjs(net, { training: { optimizer: 'momentum', learningRate: 0.3, momentum: 0.5 } });
    const model = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
    for (let step = 0; step < 2; step++) {
      await model.trainOnBatch(tf.tensor2d(x), tf.tensor2d(y));
      net.trainStep(x, y, { learningRate: 0.3, optimizer: 'momentum', momentum: 0.5 });
    }
    const theirs = (await (model.predict(tf.tensor2d(x)) as tf.Tensor).data()) as Float32Array;
    expect(worstMismatch(theirs, net.predictBatch(x), 1e-5)).toBeNull();
    expect(artifacts.trainingConfig!.optimizer_config).toEqual({ class_name: 'Momentum', config: { learningRate: 0.6, momentum: 0.5, useNesterov: false } });
  });
});

// fromTfjs builds a one-thread network, as fromJSON: on the threaded row it would repeat the wasm-simd row.
describeRows(ONE_THREAD_ROWS)('fromTfjs: a model built and trained in TF.js (%s)', ({ backend, create }) => {
  it('Dense relu, Dropout, Dense tanh + LeakyReLU(0.01), Dense softmax: same predictions, loss from its training config', async () => {
    const rng = new Random(31);
    const x = samples(rng, 64, 4);
    const model = tf.sequential();
    model.add(tf.layers.dense({ units: 6, inputShape: [4], activation: 'relu' }));
    model.add(tf.layers.dropout({ rate: 0.2 }));
    model.add(tf.layers.dense({ units: 5, activation: 'tanh' }));
    model.add(tf.layers.dense({ units: 4 }));
    model.add(tf.layers.leakyReLU({ alpha: 0.01 }));
    model.add(tf.layers.dense({ units: 3, activation: 'softmax' }));
    model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy' });
    await model.fit(tf.tensor2d(x), tf.tensor2d(classes(x, 3)), { epochs: 3, batchSize: 16, verbose: 0 });
    const net = fromTfjs(await saved(model, true), { backend });
    expect(net.backend).toBe(backend);
    expect(net.spec.layers).toEqual([
      { units: 6, activation: 'relu', dropout: 0.2 },
      { units: 5, activation: 'tanh' },
      { units: 4, activation: 'leaky-relu' },
      { units: 3, activation: 'softmax' },
    ]);
    expect(net.spec.loss).toBe('categorical-cross-entropy');
    const probe = samples(new Random(32), 9, 4);
    const theirs = (await (model.predict(tf.tensor2d(probe)) as tf.Tensor).data()) as Float32Array;
    expect(worstMismatch(theirs, net.predictBatch(probe), 1e-5)).toBeNull();
  });

  it('use_bias false on every layer imports as bias: false; on some layers as zero biases', async () => {
    const rng = new Random(33);
    const x = samples(rng, 32, 3);
    const y = x.map((r) => [Math.sin(r[0]), r[1] * 0.5]);
    for (const secondBias of [false, true]) {
      const model = tf.sequential();
      model.add(tf.layers.dense({ units: 5, inputShape: [3], activation: 'sigmoid', useBias: false }));
      model.add(tf.layers.dense({ units: 2, useBias: secondBias }));
      model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
      await model.fit(tf.tensor2d(x), tf.tensor2d(y), { epochs: 2, batchSize: 8, verbose: 0 });
      const net = fromTfjs(await saved(model, true), { backend });
      expect(net.spec.bias).toBe(secondBias);
      expect(net.spec.loss).toBe('mse');
      if (secondBias) expect(Array.from(net.getWeights(0).bias!)).toEqual([0, 0, 0, 0, 0]);
      const theirs = (await (model.predict(tf.tensor2d(x)) as tf.Tensor).data()) as Float32Array;
      expect(worstMismatch(theirs, net.predictBatch(x), 1e-5)).toBeNull();
    }
  });

  it('Flatten of a [2, 3] input imports as 6 row-major inputs; an Activation layer folds into its Dense', async () => {
    const model = tf.sequential();
    model.add(tf.layers.flatten({ inputShape: [2, 3] }));
    model.add(tf.layers.dense({ units: 4 }));
    model.add(tf.layers.activation({ activation: 'tanh' }));
    model.add(tf.layers.dense({ units: 2, activation: 'sigmoid' }));
    const net = fromTfjs(await saved(model), { backend });
    expect([net.inputs, net.spec.layers[0].activation, net.spec.loss]).toEqual([6, 'tanh', 'mse']);
    const flat = samples(new Random(34), 5, 6);
    const theirs = (await (model.predict(tf.tensor3d(flat.map((r) => [r.slice(0, 3), r.slice(3)]))) as tf.Tensor).data()) as Float32Array;
    expect(worstMismatch(theirs, net.predictBatch(flat), 1e-5)).toBeNull();
  });

  it('toTfjs then fromTfjs gives back the same parameters exactly, and our loss (quadratic) from the metadata', async () => {
    const net = await create({ layers: [4, { units: 3, activation: 'leaky-relu' }, { units: 2, activation: 'tanh' }], seed: 6 });
    const back = fromTfjs(toTfjs(net), { backend });
    expect(back.spec).toEqual(net.spec);
    expect(back.getParameters()).toEqual(net.getParameters());
  });
});

describe('saveTfjs / loadTfjs', () => {
  it('round-trips through model.json + weights.bin in a temp dir, and TF.js reads the same files', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'backprop-tfjs-'));
    try {
      const net = await Network.create({ layers: [3, { units: 4, activation: 'relu' }, { units: 3, activation: 'softmax' }], loss: 'categorical-cross-entropy', seed: 2, backend: 'js' });
      const paths = await saveTfjs(net, join(dir, 'model'));
      expect(paths).toEqual({ modelJson: join(dir, 'model', 'model.json'), weights: join(dir, 'model', 'weights.bin') });
      for (const path of [join(dir, 'model'), paths.modelJson]) {
        const back = await loadTfjs(path, { backend: 'wasm' });
        expect(back.spec).toEqual(net.spec);
        expect(back.getParameters()).toEqual(net.getParameters());
      }
      const modelJson = JSON.parse(await readFile(paths.modelJson, 'utf8'));
      expect(modelJson.format).toBe('layers-model');
      expect(modelJson.weightsManifest[0].paths).toEqual(['weights.bin']);
      const bin = await readFile(paths.weights);
      expect(bin.byteLength).toBe(net.parameterCount * 4);
      const artifacts = await tf.io.getModelArtifactsForJSON(modelJson, async () => [modelJson.weightsManifest[0].weights, bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength)]);
      const probe = samples(new Random(3), 4, 3);
      expect(worstMismatch(await tfjsPredict(artifacts, probe), net.predictBatch(probe), 1e-5)).toBeNull();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('reads a model.json laid out as tensorflowjs_converter writes a Keras model, with values worked by hand', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'backprop-keras-'));
    try {
      // Keras 2 through the converter: model_config and training_config inside modelTopology, an
      // InputLayer first, snake_case names, the weights in a group1-shard1of1.bin.
      const modelJson = {
        format: 'layers-model',
        generatedBy: 'keras v2.15.0',
        convertedBy: 'TensorFlow.js Converter v4.22.0',
        modelTopology: {
          keras_version: '2.15.0',
          backend: 'tensorflow',
          model_config: {
            class_name: 'Sequential',
            config: {
              name: 'sequential',
              layers: [
                { class_name: 'InputLayer', config: { batch_input_shape: [null, 2], dtype: 'float32', sparse: false, ragged: false, name: 'dense_input' } },
                { class_name: 'Dense', config: { name: 'dense', trainable: true, dtype: 'float32', units: 2, activation: 'relu', use_bias: true } },
                { class_name: 'Dense', config: { name: 'dense_1', trainable: true, dtype: 'float32', units: 1, activation: 'sigmoid', use_bias: true } },
              ],
            },
          },
          training_config: { loss: 'binary_crossentropy', metrics: ['accuracy'], optimizer_config: { class_name: 'Adam', config: { learning_rate: 0.001 } } },
        },
        weightsManifest: [{
          paths: ['group1-shard1of1.bin'],
          weights: [
            { name: 'dense/kernel', shape: [2, 2], dtype: 'float32' },
            { name: 'dense/bias', shape: [2], dtype: 'float32' },
            { name: 'dense_1/kernel', shape: [2, 1], dtype: 'float32' },
            { name: 'dense_1/bias', shape: [1], dtype: 'float32' },
          ],
        }],
      };
      const fs = await import('node:fs/promises');
      await fs.writeFile(join(dir, 'model.json'), JSON.stringify(modelJson));
      // kernel rows are inputs: kernel[k][j] connects input k to unit j.
      await fs.writeFile(join(dir, 'group1-shard1of1.bin'), new Uint8Array(new Float32Array([1, 2, 3, 4, 0.5, -1, 1, -1, 0]).buffer));
      const net = await loadTfjs(dir, { backend: 'js' });
      expect([net.spec.loss, net.spec.layers]).toEqual(['binary-cross-entropy', [{ units: 2, activation: 'relu' }, { units: 1, activation: 'sigmoid' }]]);
      expect(Array.from(net.getWeights(0).weights)).toEqual([1, 3, 2, 4]); // ours: row j = weights into unit j
      // x = [1, 1]: hidden z = [1 + 3 + 0.5, 2 + 4 − 1] = [4.5, 5], relu keeps it; output z = 4.5 − 5 = −0.5; σ(−0.5) = 0.37754066879814546.
      expect(net.predict([1, 1])[0]).toBeCloseTo(0.37754066879814546, 6);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses a weight path that leaves the model directory, and names a missing model.json', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'backprop-tfjs-'));
    try {
      const net = await Network.create({ layers: [2, 1], seed: 1, backend: 'js' });
      const { modelJson } = await saveTfjs(net, dir);
      const json = JSON.parse(await readFile(modelJson, 'utf8'));
      json.weightsManifest[0].paths = ['../weights.bin'];
      await (await import('node:fs/promises')).writeFile(modelJson, JSON.stringify(json));
      await expect(loadTfjs(dir)).rejects.toThrow(/weight path the string "..\/weights.bin" is outside the model's directory/);
      await expect(loadTfjs(join(dir, 'nothing'))).rejects.toThrow(/loadTfjs: could not read .*nothing\/model.json/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('TF.js exchange: what cannot be mapped is named', () => {
  const dense = (name: string, units: number, extra: object = {}) => ({ class_name: 'Dense', config: { name, units, activation: 'linear', use_bias: false, ...extra } });
  type Spec = { name: string; shape: number[]; dtype: string; quantization?: object };
  const artifacts = (layers: object[], weightSpecs: Spec[] = [{ name: 'd/kernel', shape: [2, 1], dtype: 'float32' }]): TfjsArtifactsInput => ({
    modelTopology: { class_name: 'Sequential', config: { name: 's', layers } },
    weightSpecs,
    weightData: new Float32Array(weightSpecs.reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1), 0)).buffer,
  });

  it('a layer class, an activation, a LeakyReLU slope, a model class', () => {
    expect(() => fromTfjs(artifacts([{ class_name: 'Conv2D', config: { name: 'conv', filters: 3 } }, dense('d', 1)]))).toThrow(
      /fromTfjs: layer 0 \(Conv2D 'conv'\): the layer class the string "Conv2D" has no equivalent/,
    );
    expect(() => fromTfjs(artifacts([dense('d', 1, { activation: 'elu', batch_input_shape: [null, 2] })]))).toThrow(
      /Dense 'd'\): activation: the string "elu" has no equivalent here \(supported: sigmoid, tanh, relu, linear, softmax\)/,
    );
    expect(() => fromTfjs(artifacts([dense('d', 1), { class_name: 'LeakyReLU', config: { name: 'lr', alpha: 0.3 } }]))).toThrow(
      /LeakyReLU 'lr'\): alpha: this library's leaky-relu has slope 0.01, got number 0.3/,
    );
    expect(() => fromTfjs({ ...artifacts([dense('d', 1)]), modelTopology: { class_name: 'Functional', config: {} } })).toThrow(
      /fromTfjs: modelTopology: expected a Sequential model, got the string "Functional"/,
    );
    expect(() => fromTfjs(artifacts([dense('d', 1, { activation: 'relu' }), { class_name: 'Activation', config: { name: 'a', activation: 'sigmoid' } }]))).toThrow(
      /Activation 'a'\): follows Dense 'd' which already applies 'relu'/,
    );
  });

  it('a weight that is missing, quantized or the wrong shape; a loss without an equivalent unless one is given', () => {
    expect(() => fromTfjs(artifacts([dense('e', 1)]))).toThrow(/Dense layer 'e': no weight named 'e\/kernel' in the weight specs \(found d\/kernel\)/);
    expect(() => fromTfjs(artifacts([dense('d', 1)], [{ name: 'd/kernel', shape: [2, 1], dtype: 'float32', quantization: { dtype: 'uint8' } }]))).toThrow(/quantized weights are not supported/);
    expect(() => fromTfjs(artifacts([dense('d', 3)]))).toThrow(/Dense layer 'd': kernel: expected shape \[inputs, 3\], got \[2, 1\]/);
    const withLoss = { ...artifacts([dense('d', 1)]), trainingConfig: { loss: 'mean_absolute_error', optimizer_config: { class_name: 'SGD', config: {} } } };
    expect(() => fromTfjs(withLoss)).toThrow(/trainingConfig.loss: 'mean_absolute_error' has no equivalent here .*pass \{ loss \}/);
    expect(fromTfjs(withLoss, { loss: 'quadratic', backend: 'js' }).spec.loss).toBe('quadratic');
  });

  it('export refuses a custom activation by name and a bad training option, leaving the network unchanged', async () => {
    registerActivation('softsign-exchange', { forward: (z) => z / (1 + Math.abs(z)), derivative: (z) => 1 / (1 + Math.abs(z)) ** 2 });
    const custom = await Network.create({ layers: [2, { units: 2, activation: 'softsign-exchange' }, 1], seed: 1 });
    expect(() => toTfjs(custom)).toThrow(/toTfjs: layers\[1\] uses the custom activation 'softsign-exchange', which TensorFlow.js cannot represent/);
    const net = await Network.create({ layers: [2, 2, 1], seed: 1, backend: 'wasm' });
    const before = net.getParameters();
    expect(() => toTfjs(net, { training: { learningRate: -1 } })).toThrow(/toTfjs: training.learningRate: expected a positive finite number, got number -1/);
    expect(() => toTfjs(net, { training: { learningRate: 0.1, optimizer: 'adam' as 'sgd' } })).toThrow(/training.optimizer: expected one of 'sgd', 'momentum', got the string "adam"/);
    expect(net.getParameters()).toEqual(before);
  });
});
