// The protobuf writer behind toOnnx, against the byte strings of the wire format guide
// (protobuf.dev/programming-guides/encoding, "the guide" below) and a varint decoder written
// here from the same guide. What toOnnx writes with it is pinned in exchange-onnx.spec.ts.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ProtoWriter } from '../src/exchange/protobuf.js';

const hex = (w: ProtoWriter) => Buffer.from(w.finish()).toString('hex');

/** One varint record's tag and value, as the guide reads them: 7 bits at a time, low first. */
function readVarintRecord(bytes: Uint8Array): { tag: bigint; value: bigint; end: number } {
  let at = 0;
  const varint = () => {
    let v = 0n;
    for (let shift = 0n; ; shift += 7n) {
      const b = bytes[at++];
      v |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return v;
    }
  };
  const tag = varint();
  return { tag, value: varint(), end: at };
}

describe('ProtoWriter: the guide\'s examples', () => {
  it('Test1: a = 150 is 08 96 01', () => {
    expect(hex(new ProtoWriter().int(1, 150))).toBe('089601');
  });

  it('Test2: b = "testing" is 12 07 then the UTF-8', () => {
    expect(hex(new ProtoWriter().string(2, 'testing'))).toBe('120774657374696e67');
  });

  it('Test3: an embedded Test1 is 1a 03 08 96 01', () => {
    expect(hex(new ProtoWriter().message(3, new ProtoWriter().int(1, 150)))).toBe('1a03089601');
  });

  it('Test4: d = "hello", e = 1, 2, 3 unpacked is one record per element', () => {
    const w = new ProtoWriter().string(4, 'hello');
    for (const e of [1, 2, 3]) w.int(5, e);
    expect(hex(w)).toBe('220568656c6c6f280128022803');
  });

  it('Test5: f = 3, 270, 86942 packed is 32 06 03 8e 02 9e a7 05', () => {
    expect(hex(new ProtoWriter().packedInts(6, [3, 270, 86942]))).toBe('3206038e029ea705');
  });

  it('int32 -2 is its 64-bit two\'s complement, all ten bytes', () => {
    expect(hex(new ProtoWriter().int(1, -2))).toBe('08feffffffffffffffff01');
  });
});

describe('ProtoWriter: the rest of what toOnnx needs', () => {
  it('a varint is 7 bits a byte, low first, up to 2^53 − 1 and down to −(2^53 − 1)', () => {
    const cases: Array<[number, string]> = [
      [0, '00'], [127, '7f'], [128, '8001'], [16383, 'ff7f'], [16384, '808001'],
      [2 ** 21, '80808001'], [Number.MAX_SAFE_INTEGER, 'ffffffffffffff0f'], [-1, 'ffffffffffffffffff01'],
    ];
    for (const [value, bytes] of cases) expect(hex(new ProtoWriter().int(1, value)), String(value)).toBe(`08${bytes}`);
    fc.assert(fc.property(fc.maxSafeInteger(), (value) => {
      const bytes = new ProtoWriter().int(1, value).finish();
      const { tag, value: read, end } = readVarintRecord(bytes);
      expect([tag, read, end]).toEqual([8n, BigInt.asUintN(64, BigInt(value)), bytes.length]);
    }), { seed: 11 });
  });

  it('a field number of 16 or more takes a two-byte tag (AttributeProto.type is field 20)', () => {
    expect(hex(new ProtoWriter().int(20, 2))).toBe('a00102');
  });

  it('a float is I32, little-endian single: 1 is 00 00 80 3f, −0 keeps its sign, 0.01 is rounded to float32', () => {
    expect(hex(new ProtoWriter().float(2, 1))).toBe('150000803f');
    expect(hex(new ProtoWriter().float(2, -0))).toBe('1500000080');
    const bytes = new ProtoWriter().float(2, 0.01).finish();
    expect(new DataView(bytes.buffer).getFloat32(1, true)).toBe(Math.fround(0.01));
  });

  it('strings are UTF-8, and an empty one is still written (presence, as ONNX\'s default domain needs)', () => {
    expect(hex(new ProtoWriter().string(1, '→'))).toBe('0a03e28692');
    expect(hex(new ProtoWriter().string(1, '').int(2, 13))).toBe('0a00100d');
  });

  it('bytes go as they are, behind their length; a length of 2^21 takes four bytes', () => {
    expect(hex(new ProtoWriter().bytes(9, Uint8Array.of(0, 255, 128)))).toBe('4a0300ff80');
    const big = new ProtoWriter().bytes(9, new Uint8Array(2 ** 21)).finish();
    expect([big.length, Buffer.from(big.subarray(0, 5)).toString('hex')]).toEqual([2 ** 21 + 5, '4a80808001']);
  });

  it('records come out in the order they are written, nested messages included', () => {
    const inner = new ProtoWriter().int(2, 1).string(1, 'x');
    expect(hex(new ProtoWriter().message(7, inner).int(1, 7))).toBe('3a0510010a01780807');
  });

  it('a varint that is not a whole number within ±2^53 is refused, not rounded', () => {
    for (const bad of [1.5, NaN, Infinity, 2 ** 53]) {
      expect(() => new ProtoWriter().int(1, bad)).toThrow(/protobuf: a varint must be a whole number within ±2\^53/);
    }
  });
});
