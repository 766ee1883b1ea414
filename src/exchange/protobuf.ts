// A protobuf writer for the little ONNX export needs: varint, I32 (float) and LEN records,
// as the wire format guide describes them (protobuf.dev/programming-guides/encoding). We
// only ever write protobuf, never read it, so this replaces a runtime dependency.
// Records come out in the order they are written; the caller writes them in field-number
// order, as protobufjs did, so exports keep the bytes they had.

// Wire types (encoding guide, "Message Structure").
const VARINT = 0;
const LEN = 2;
const I32 = 5;

const utf8 = new TextEncoder();

/** One message being written. A repeated field that is not packed is one call per element. */
export class ProtoWriter {
  /** Written bytes in pieces, so an embedded message or a tensor is never copied until finish. */
  private readonly parts: Uint8Array[] = [];
  private size = 0;

  /** An int32, int64 or enum field. */
  int(field: number, value: number): this {
    return this.key(field, VARINT).varint(value);
  }

  /** A float field: 4 bytes, little-endian IEEE 754 single (rounded as Math.fround does). */
  float(field: number, value: number): this {
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setFloat32(0, value, true);
    return this.key(field, I32).push(bytes);
  }

  /** A string field, UTF-8. */
  string(field: number, value: string): this {
    return this.bytes(field, utf8.encode(value));
  }

  /** A bytes field, taken as it is (not copied: leave it unchanged until finish). */
  bytes(field: number, value: Uint8Array): this {
    return this.key(field, LEN).varint(value.length).push(value);
  }

  /** An embedded message field. */
  message(field: number, message: ProtoWriter): this {
    this.key(field, LEN).varint(message.size);
    for (const part of message.parts) this.push(part);
    return this;
  }

  /** A packed repeated int32/int64 field: one LEN record holding the varints back to back. */
  packedInts(field: number, values: readonly number[]): this {
    const run = new ProtoWriter();
    for (const v of values) run.varint(v);
    return this.message(field, run);
  }

  /** The message's bytes. */
  finish(): Uint8Array {
    const out = new Uint8Array(this.size);
    let at = 0;
    for (const part of this.parts) {
      out.set(part, at);
      at += part.length;
    }
    return out;
  }

  /** A record's tag: (field number << 3) | wire type, as a varint. */
  private key(field: number, wireType: number): this {
    return this.varint(field * 8 + wireType);
  }

  /**
   * A base-128 varint, low 7 bits first. A negative int32 or int64 goes as its 64-bit two's
   * complement, so it always takes ten bytes (encoding guide, "Signed Integers").
   */
  private varint(value: number): this {
    if (!Number.isSafeInteger(value)) throw new RangeError(`protobuf: a varint must be a whole number within ±2^53, got ${value}`);
    const bytes: number[] = [];
    for (let v = BigInt.asUintN(64, BigInt(value)); ; v >>= 7n) {
      if (v < 0x80n) {
        bytes.push(Number(v));
        return this.push(Uint8Array.from(bytes));
      }
      bytes.push(Number(v & 0x7fn) | 0x80);
    }
  }

  private push(bytes: Uint8Array): this {
    this.parts.push(bytes);
    this.size += bytes.length;
    return this;
  }
}
