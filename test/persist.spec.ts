// Saving and loading: the JSON and binary forms round-trip bit for bit on every backend row
// and across backends, the binary layout is the documented one, and every malformed input (each
// truncation, each damaged byte, wrong sizes, versions, fields) is refused with a message
// that says what is wrong. save/load write and read files in either form.
import { mkdtempSync, readFileSync, readdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { Network, Random } from '../src/index.js';
import { crc32 } from '../src/persist/binary.js';
import { ROWS, describeRows, worstMismatch, type Row } from './backends.js';

const dir = mkdtempSync(join(tmpdir(), 'backprop-persist-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The float32 bit patterns, so -0 and 0 (and every last bit) count as different. */
const bits = (f: Float32Array) => new Uint32Array(f.buffer.slice(f.byteOffset, f.byteOffset + f.byteLength));

/** Values a careless encoder loses: -0, the smallest subnormal, the largest float32, non-representable decimals. */
const AWKWARD = [-0, 1.4e-45, -3.4028234663852886e38, 0.1, 1 / 3, -2.5, 1e-38, 7];

async function classifier(row: Row, seed = 5) {
  return row.create({
    layers: [4, { units: 5, activation: 'leaky-relu' }, { units: 3, activation: 'softmax' }],
    loss: 'categorical-cross-entropy',
    seed,
  });
}

function inputs(seed: number, rows: number): number[][] {
  const rng = new Random(seed);
  return Array.from({ length: rows }, () => Array.from({ length: 4 }, () => 2 * rng.normal()));
}

/** The documented layout, written independently of the library's encoder. */
function craft(header: unknown, params: ArrayLike<number>, { version = 1, count = params.length } = {}): Uint8Array<ArrayBuffer> {
  const text = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const at = (16 + text.length + 3) & ~3;
  const out = new Uint8Array(at + 4 * params.length + 4);
  const view = new DataView(out.buffer);
  out.set([0x89, 0x42, 0x50, 0x4e]);
  view.setUint32(4, version, true);
  view.setUint32(8, text.length, true);
  view.setUint32(12, count, true);
  out.set(text, 16);
  for (let i = 0; i < params.length; i++) view.setFloat32(at + 4 * i, params[i], true);
  view.setUint32(out.length - 4, crc32(out, 0, out.length - 4), true);
  return out;
}

const HEADER_2_3_1 = { layers: [2, { units: 3, activation: 'sigmoid' }, { units: 1, activation: 'sigmoid' }], loss: 'quadratic', bias: true, init: 'normal', seed: 1 };

describe('binary layout', () => {
  it('CRC-32 gives the standard check value for "123456789" (0xcbf43926)', () => {
    expect(crc32(new TextEncoder().encode('123456789'), 0, 9)).toBe(0xcbf43926);
  });

  it('a 1-1 network without bias is magic, version, lengths, header, padding, one float, checksum', async () => {
    const net = await Network.create({ layers: [1, 1], bias: false, seed: 3, backend: 'js' });
    net.setWeights(0, [[0.5]]);
    const bytes = net.toBuffer();
    const header = '{"layers":[1,{"units":1,"activation":"sigmoid"}],"loss":"quadratic","bias":false,"init":"normal","seed":3}';
    const at = (16 + header.length + 3) & ~3;
    expect(bytes.length).toBe(at + 4 + 4);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
    expect([...bytes.subarray(0, 4)]).toEqual([0x89, 0x42, 0x50, 0x4e]);
    expect(view.getUint32(4, true)).toBe(1);
    expect(view.getUint32(8, true)).toBe(header.length);
    expect(view.getUint32(12, true)).toBe(1);
    expect(new TextDecoder().decode(bytes.subarray(16, 16 + header.length))).toBe(header);
    expect([...bytes.subarray(16 + header.length, at)]).toEqual(new Array(at - 16 - header.length).fill(0));
    expect([...bytes.subarray(at, at + 4)]).toEqual([0x00, 0x00, 0x00, 0x3f]); // 0.5 = 0x3f000000, little-endian
    expect(view.getUint32(at + 4, true)).toBe(crc32(bytes, 0, at + 4));
    expect(bytes).toEqual(craft(JSON.parse(header), [0.5]));
  });

  it('reads a buffer written by the documented layout, from any byte offset', () => {
    const params = [0.25, -1, 2, 0.5, 0, 3, -0.75, 1, -2, 0.125, 4, -3, 1.5];
    const inner = craft(HEADER_2_3_1, params);
    const shifted = new Uint8Array(inner.length + 3);
    shifted.set(inner, 3); // a Node Buffer from the pool can start anywhere
    for (const bytes of [inner, shifted.subarray(3), inner.buffer]) {
      const net = Network.fromBuffer(bytes, { backend: 'js' });
      expect(net.getWeights(0).weights).toEqual(Float32Array.from(params.slice(0, 6)));
      // weights then bias, layer after layer: 6 weights, 3 biases, 3 weights, 1 bias
      expect(net.getWeights(0).bias).toEqual(Float32Array.from([-0.75, 1, -2]));
      expect(net.getWeights(1).weights).toEqual(Float32Array.from([0.125, 4, -3]));
      expect(net.getWeights(1).bias).toEqual(Float32Array.from([1.5]));
      expect(net.seed).toBe(1);
    }
  });
});

describe('round trips of random architectures and bit patterns', () => {
  // Sizes around the SIMD width (1, 3, 4, 5, 17) and any finite float32 bit pattern.
  const architecture = fc.record({
    inputs: fc.constantFrom(1, 3, 4, 5, 17),
    hidden: fc.array(fc.constantFrom(1, 3, 4, 5, 17), { maxLength: 2 }),
    bias: fc.boolean(),
    seed: fc.nat({ max: 0xffffffff }),
  });

  it('bytes → network → bytes is the identity, through either backend and through JSON', () => {
    fc.assert(
      fc.property(architecture, fc.infiniteStream(fc.nat({ max: 0xffffffff })), ({ inputs, hidden, bias, seed }, words) => {
        const layers = [inputs, ...hidden.map((units) => ({ units, activation: 'tanh' })), { units: 3, activation: 'sigmoid' }];
        let count = 0;
        [inputs, ...hidden, 3].reduce((fanIn, units) => ((count += units * fanIn + (bias ? units : 0)), units));
        const raw = new Uint32Array(count);
        const it = words[Symbol.iterator]();
        for (let i = 0; i < count; i++) {
          const w = it.next().value as number;
          raw[i] = (w & 0x7f800000) === 0x7f800000 ? w & 0x807fffff : w; // clear an all-ones exponent: no NaN or Infinity
        }
        const bytes = craft({ layers, loss: 'quadratic', bias, init: 'normal', seed }, new Float32Array(raw.buffer));
        const js = Network.fromBuffer(bytes, { backend: 'js' });
        const wasm = Network.fromBuffer(js.toBuffer(), { backend: 'wasm' });
        const viaJson = Network.fromJSON(JSON.stringify(wasm.toJSON()), { backend: 'js' });
        expect(js.toBuffer()).toEqual(bytes);
        expect(wasm.toBuffer()).toEqual(bytes);
        expect(viaJson.toBuffer()).toEqual(bytes);
        expect(bits(viaJson.getParameters())).toEqual(raw);
        for (const net of [js, wasm, viaJson]) net.dispose();
      }),
      { numRuns: 60, seed: 4 },
    );
  });
});

describeRows(ROWS)('round trips (%s)', (row) => {
  // Loading always builds a one-thread network: the threaded row's loads run its build on one thread.
  const { backend } = row;
  const other = backend === 'js' ? 'wasm' : 'js';

  it('toJSON and toBuffer round-trip bit-identical parameters, -0 and subnormals included', async () => {
    const net = await classifier(row);
    net.setWeights(0, Float32Array.from({ length: 20 }, (_, i) => AWKWARD[i % AWKWARD.length]), AWKWARD.slice(0, 5));
    const want = bits(net.getParameters());
    for (const to of [backend, other] as const) {
      const viaJson = Network.fromJSON(JSON.stringify(net.toJSON()), { backend: to });
      const viaBytes = Network.fromBuffer(net.toBuffer(), { backend: to });
      expect(viaJson.backend).toBe(to);
      expect(bits(viaJson.getParameters())).toEqual(want);
      expect(bits(viaBytes.getParameters())).toEqual(want);
      expect(viaBytes.toBuffer()).toEqual(net.toBuffer());
      expect(viaBytes.toJSON()).toEqual(net.toJSON());
    }
  });

  it(`a trained network saved on ${row} predicts the same when loaded on ${other}`, async () => {
    const net = await classifier(row, 9);
    const X = inputs(2, 40);
    const Y = X.map((x) => [x[0] > 0 ? 1 : 0, x[0] <= 0 && x[1] > 0 ? 1 : 0, x[0] <= 0 && x[1] <= 0 ? 1 : 0]);
    await net.fit(X, Y, { epochs: 5, batchSize: 8, learningRate: 0.1 });
    const here = net.predictBatch(X);
    const same = Network.fromBuffer(net.toBuffer(), { backend });
    expect(same.predictBatch(X)).toEqual(here);
    const there = Network.fromBuffer(net.toBuffer(), { backend: other });
    expect(there.backend).toBe(other);
    expect(worstMismatch(there.predictBatch(X), here, 1e-5)).toBeNull();
    expect(there.evaluate(X, Y).loss).toBeCloseTo(net.evaluate(X, Y).loss, 5);
  });

  it('save/load: .json writes JSON, anything else binary, format overrides; load tells them apart by content', async () => {
    const net = await classifier(row, 11);
    const want = bits(net.getParameters());
    const cases = [
      { file: 'model.json', options: {}, json: true },
      { file: 'model.bpn', options: {}, json: false },
      { file: 'model', options: {}, json: false },
      { file: 'binary.json', options: { format: 'binary' as const }, json: false },
      { file: 'text.bin', options: { format: 'json' as const }, json: true },
    ];
    for (const c of cases) {
      const path = join(dir, `${backend}-${c.file}`);
      await net.save(path, c.options);
      const raw = readFileSync(path);
      if (c.json) expect(JSON.parse(raw.toString('utf8'))).toEqual(net.toJSON());
      else expect(new Uint8Array(raw)).toEqual(net.toBuffer());
      for (const to of [backend, other] as const) {
        const loaded = await Network.load(path, { backend: to });
        expect(loaded.backend).toBe(to);
        expect(bits(loaded.getParameters())).toEqual(want);
      }
    }
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});

describe('fromJSON refuses malformed models, naming the problem', () => {
  const good = async () => (await Network.create({ layers: [2, 3, 1], seed: 1, backend: 'js' })).toJSON();
  const b64 = (values: number[]) => Buffer.from(Float32Array.from(values).buffer).toString('base64');

  it('wrong format, version, sizes, values', async () => {
    const json = await good();
    const load = (patch: object) => () => Network.fromJSON({ ...json, ...patch });
    expect(load({ version: 2 })).toThrow(RangeError);
    expect(load({ version: 2 })).toThrow(/Network.fromJSON: version: this library reads version 1, got number 2/);
    expect(load({ version: '1' })).toThrow(/version: this library reads version 1, got the string "1"/);
    expect(load({ format: 'keras' })).toThrow(/Network.fromJSON: format: expected 'backprop-network', got the string "keras"/);
    expect(load({ parameters: b64(new Array(12).fill(0)) })).toThrow(/parameters: expected 13 numbers for this architecture, got 12 \(layers 2 → 3 → 1 with biases\)/);
    expect(load({ layers: [2, 4, 1] })).toThrow(/parameters: expected 17 numbers for this architecture, got 13/);
    expect(load({ bias: false })).toThrow(/parameters: expected 9 numbers for this architecture, got 13 \(layers 2 → 3 → 1 without biases\)/);
    expect(load({ parameters: b64([0, 1, 2, 3, Infinity, 0, 0, 0, 0, 0, 0, 0, 0]) })).toThrow(/parameters: value 4 is Infinity, expected a finite number/);
    expect(load({ parameters: b64([NaN, 1, 2, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0]) })).toThrow(/parameters: value 0 is NaN/);
    expect(load({ parameters: '%%%' })).toThrow(/parameters: not valid base64/);
    expect(load({ parameters: 42 })).toThrow(/parameters: expected a base64 string, got number 42/);
    expect(load({ loss: 'hinge' })).toThrow(/Network.fromJSON: loss: expected one of 'quadratic'/);
    expect(load({ seed: -1 })).toThrow(/Network.fromJSON: seed: expected a whole number from 0 to 4294967295, got number -1/);
    expect(load({ layers: [2, { units: 3, activation: 'sigmoid', extra: 1 }, 1] })).toThrow(/layers\[1\]: unknown option "extra"/);
  });

  it('each missing field, extra fields and a __proto__ key', async () => {
    const json = await good();
    for (const key of ['layers', 'loss', 'bias', 'init', 'seed', 'parameters']) {
      const copy: Record<string, unknown> = { ...json };
      delete copy[key];
      expect(() => Network.fromJSON(copy), key).toThrow(new TypeError(`Network.fromJSON: missing field '${key}'`));
    }
    expect(() => Network.fromJSON({ ...json, weights: [] })).toThrow(/Network.fromJSON: unknown field "weights"; expected only format, version, layers/);
    const text = JSON.stringify(json).replace('{', '{"__proto__":{"polluted":true},');
    expect(() => Network.fromJSON(text)).toThrow(/Network.fromJSON: unknown field "__proto__"/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const inherited = Object.assign(Object.create({ loss: 'quadratic' }), { ...json, loss: undefined });
    delete inherited.loss;
    expect(() => Network.fromJSON(inherited)).toThrow(/missing field 'loss'/);
    expect(() => Network.fromJSON('{"format": ')).toThrow(/Network.fromJSON: not valid JSON/);
    expect(() => Network.fromJSON(null)).toThrow(TypeError);
  });
});

describe('fromBuffer refuses malformed bytes, naming the problem', () => {
  // 212 bytes: the 16-byte preamble, a 140-byte header (already a multiple of 4), 13 floats, the checksum
  const good = craft(HEADER_2_3_1, Array.from({ length: 13 }, (_, i) => i / 4 - 1));
  const from = (bytes: unknown) => () => Network.fromBuffer(bytes as Uint8Array, { backend: 'js' });

  it('the crafted buffer itself loads', () => {
    expect(Network.fromBuffer(good, { backend: 'js' }).getParameters()).toEqual(Float32Array.from({ length: 13 }, (_, i) => i / 4 - 1));
  });

  it('every truncation throws a clear RangeError or TypeError (never crashes, never loads)', () => {
    for (let n = 0; n < good.length; n++) {
      let error: unknown = null;
      try {
        Network.fromBuffer(good.slice(0, n), { backend: 'js' });
      } catch (e) {
        error = e;
      }
      expect(error, `length ${n}`).toBeInstanceOf(RangeError);
      expect((error as Error).message, `length ${n}`).toMatch(
        n < 20 ? /^Network.fromBuffer: truncated: got \d+ bytes, expected at least 20/ : new RegExp(`^Network.fromBuffer: truncated: expected ${good.length} bytes \\(a 140-byte header and 13 parameters\\), got ${n}$`),
      );
    }
  });

  it('extra bytes after the end are refused', () => {
    const longer = new Uint8Array(good.length + 5);
    longer.set(good);
    expect(from(longer)).toThrow(new RangeError(`Network.fromBuffer: 5 unexpected bytes after the end: expected ${good.length} bytes (a 140-byte header and 13 parameters), got ${good.length + 5}`));
  });

  it('every single damaged byte is caught', () => {
    for (let i = 0; i < good.length; i++) {
      for (const mask of [0x01, 0x80]) {
        const bad = good.slice();
        bad[i] ^= mask;
        expect(from(bad), `byte ${i} ^ ${mask}`).toThrow(/^Network.fromBuffer: (not a backprop network|version|header length|truncated|\d+ unexpected bytes|checksum)/);
      }
    }
    const bad = good.slice();
    bad[200] ^= 1;
    expect(from(bad)).toThrow(new RangeError(`Network.fromBuffer: checksum: stored 0x${new DataView(good.buffer).getUint32(good.length - 4, true).toString(16).padStart(8, '0')}, computed 0x${crc32(bad, 0, bad.length - 4).toString(16).padStart(8, '0')}; the bytes are corrupt`));
  });

  it('wrong magic, version, counts, values and header fields, each with a valid checksum', () => {
    const params13 = new Array(13).fill(0.5);
    expect(from(new TextEncoder().encode(JSON.stringify({ format: 'backprop-network' })))).toThrow(
      /not a backprop network: expected the magic bytes 89 42 50 4e, got 7b 22 66 6f \(it looks like JSON: use Network.fromJSON\)/,
    );
    expect(from(craft(HEADER_2_3_1, params13, { version: 2 }))).toThrow(new RangeError('Network.fromBuffer: version: this library reads version 1, got 2'));
    expect(from(craft(HEADER_2_3_1, new Array(12).fill(0.5)))).toThrow(
      new RangeError('Network.fromBuffer: parameters: expected 13 numbers for this architecture, got 12 (layers 2 → 3 → 1 with biases)'),
    );
    expect(from(craft(HEADER_2_3_1, [...params13, 0.5]))).toThrow(/expected 13 numbers for this architecture, got 14/);
    const nan = params13.slice();
    nan[7] = NaN;
    expect(from(craft(HEADER_2_3_1, nan))).toThrow(new RangeError('Network.fromBuffer: parameters: value 7 is NaN, expected a finite number'));
    expect(from(craft({ ...HEADER_2_3_1, version: 1 }, params13))).toThrow(/Network.fromBuffer: header: unknown field "version"/);
    expect(from(craft(JSON.stringify(HEADER_2_3_1).replace('{', '{"__proto__":{},'), params13))).toThrow(/header: unknown field "__proto__"/);
    const { seed: _seed, ...noSeed } = HEADER_2_3_1;
    expect(from(craft(noSeed, params13))).toThrow(new TypeError("Network.fromBuffer: header: missing field 'seed'"));
    expect(from(craft('{"layers": [2', params13))).toThrow(/Network.fromBuffer: header: not valid UTF-8 JSON/);
    expect(from(craft('[1, 2]', params13))).toThrow(/Network.fromBuffer: header: expected an options object, got an array of length 2/);
    expect(from(craft({ ...HEADER_2_3_1, init: 'zeros' }, params13))).toThrow(/Network.fromBuffer: header: init: expected one of/);
    const huge = craft(HEADER_2_3_1, params13);
    new DataView(huge.buffer).setUint32(8, 0xffffffff, true);
    expect(from(huge)).toThrow(/header length: 4294967295 bytes is over the 1048576-byte limit/);
    expect(from([0x89, 0x42])).toThrow(new TypeError('Network.fromBuffer: bytes: expected a Uint8Array or an ArrayBuffer, got an array of length 2'));
    expect(() => Network.fromBuffer(good, { backend: 'gpu' } as never)).toThrow(/Network.fromBuffer: backend: expected one of 'auto', 'js', 'wasm'/);
    expect(() => Network.fromBuffer(good, { seed: 1 } as never)).toThrow(/Network.fromBuffer: options: unknown option "seed"/);
  });
});

describe('save and load errors', () => {
  it('load names the file and what is wrong with it', async () => {
    const missing = join(dir, 'nope.bin');
    await expect(Network.load(missing)).rejects.toThrow(`Network.load: cannot read ${JSON.stringify(missing)}: ENOENT`);
    const garbage = join(dir, 'garbage.bin');
    writeFileSync(garbage, Uint8Array.of(0xff, 0xfe, 0x00, 0x81));
    await expect(Network.load(garbage)).rejects.toThrow(new TypeError(`Network.load: ${JSON.stringify(garbage)}: neither a backprop binary network (no magic bytes) nor UTF-8 JSON text`));
    const text = join(dir, 'broken.json');
    writeFileSync(text, '{"format": "backprop-network", ');
    await expect(Network.load(text)).rejects.toThrow(`Network.load: ${JSON.stringify(text)}: not valid JSON`);
    const net = await Network.create({ layers: [2, 3, 1], seed: 1, backend: 'js' });
    const cut = join(dir, 'cut.bin');
    writeFileSync(cut, net.toBuffer().subarray(0, 100));
    await expect(Network.load(cut)).rejects.toThrow(new RangeError(`Network.load: ${JSON.stringify(cut)}: truncated: expected ${net.toBuffer().length} bytes (a 140-byte header and 13 parameters), got 100`));
    await expect(Network.load(cut, { backend: 'tpu' } as never)).rejects.toThrow(/Network.load: backend: expected one of/);
    await expect(Network.load(42 as never)).rejects.toThrow(new TypeError('Network.load: path: expected a non-empty string, got number 42'));
  });

  it('a failed save throws, leaves no temporary file and the network unchanged', async () => {
    const net = await Network.create({ layers: [2, 3, 1], seed: 1, backend: 'js' });
    const before = bits(net.getParameters());
    const nowhere = join(dir, 'no-such-dir', 'model.json');
    await expect(net.save(nowhere)).rejects.toThrow(`save: cannot write ${JSON.stringify(nowhere)}: ENOENT`);
    await expect(net.save(join(dir, 'x.bin'), { format: 'onnx' } as never)).rejects.toThrow(/save: format: expected one of 'json', 'binary', got the string "onnx"/);
    await expect(net.save('')).rejects.toThrow(/save: path: expected a non-empty string/);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(bits(net.getParameters())).toEqual(before);
    net.dispose();
    await expect(net.save(join(dir, 'gone.bin'))).rejects.toThrow(/save: this network has been disposed/);
    expect(() => net.toBuffer()).toThrow(/toBuffer: this network has been disposed/);
  });

  it('without Node (a browser), save and load say to use toJSON/toBuffer instead', async () => {
    const net = await Network.create({ layers: [2, 1], seed: 1, backend: 'js' });
    const real = globalThis.process;
    let saving: Promise<void>;
    let loading: Promise<Network>;
    // The runtime check happens synchronously at the call, so the stub lasts only for the calls.
    Object.defineProperty(globalThis, 'process', { value: undefined, configurable: true, writable: true });
    try {
      saving = net.save('model.bin');
      loading = Network.load('model.bin');
    } finally {
      Object.defineProperty(globalThis, 'process', { value: real, configurable: true, writable: true });
    }
    await expect(saving).rejects.toThrow(/^save: files need Node's file system, which this runtime does not have; in a browser use net.toJSON\(\) or net.toBuffer\(\)/);
    await expect(loading).rejects.toThrow(/^Network.load: files need Node's file system.*use Network.fromJSON or Network.fromBuffer/);
  });
});
