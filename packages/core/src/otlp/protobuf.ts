/**
 * A small protobuf binary reader driven by declared message tables: protobufjs's generated
 * decoders use `new Function`, which workerd refuses. Only what OTLP's messages use: varints,
 * fixed64, doubles, length-delimited strings, bytes and sub-messages. Unknown fields are skipped.
 */

export class ProtobufError extends Error {}

/** How a declared field is read. int64s are kept as decimal text (exact beyond 2^53). */
export type FieldKind =
  | "string"
  | "bytes"
  | "bool"
  | "int64"
  | "uint32"
  | "fixed32"
  | "fixed64"
  | "double"
  | "enum"
  | { message: MessageTable };

export interface FieldSpec {
  name: string;
  kind: FieldKind;
  repeated?: boolean;
}

/** Field number → field; a field may be declared after use so tables can be recursive. */
export type MessageTable = Record<number, FieldSpec>;

export type Decoded = Record<string, unknown>;

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LENGTH = 2;
const WIRE_FIXED32 = 5;

// ignoreBOM: a string that starts with U+FEFF keeps it (by default TextDecoder strips it).
const utf8 = new TextDecoder("utf-8", { fatal: false, ignoreBOM: true });
/** Nesting bound: AnyValue recursion is unbounded in the schema but not in our stack. */
const MAX_DEPTH = 64;

class Reader {
  pos = 0;
  constructor(
    readonly bytes: Uint8Array,
    readonly end = bytes.length,
  ) {}

  varint(): bigint {
    let result = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      if (this.pos >= this.end) throw new ProtobufError("truncated varint");
      const byte = this.bytes[this.pos++] as number;
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result & 0xffff_ffff_ffff_ffffn;
    }
    throw new ProtobufError("varint too long");
  }

  take(length: number): Uint8Array {
    if (length < 0 || this.pos + length > this.end) throw new ProtobufError("truncated field");
    const slice = this.bytes.subarray(this.pos, this.pos + length);
    this.pos += length;
    return slice;
  }
}

function readScalar(reader: Reader, wireType: number, kind: Exclude<FieldKind, { message: MessageTable }>) {
  const expectWire = (expected: number) => {
    if (wireType !== expected) throw new ProtobufError(`wire type ${wireType} for a ${kind} field`);
  };
  switch (kind) {
    case "string":
      expectWire(WIRE_LENGTH);
      return utf8.decode(reader.take(Number(reader.varint())));
    case "bytes":
      expectWire(WIRE_LENGTH);
      return reader.take(Number(reader.varint())).slice();
    case "bool":
      expectWire(WIRE_VARINT);
      return reader.varint() !== 0n;
    case "int64":
      expectWire(WIRE_VARINT);
      return BigInt.asIntN(64, reader.varint()).toString();
    case "uint32":
    case "enum":
      expectWire(WIRE_VARINT);
      return Number(BigInt.asIntN(32, reader.varint()));
    case "fixed32": {
      expectWire(WIRE_FIXED32);
      const b = reader.take(4);
      return new DataView(b.buffer, b.byteOffset, 4).getUint32(0, true);
    }
    case "fixed64": {
      expectWire(WIRE_FIXED64);
      const b = reader.take(8);
      return new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0, true).toString();
    }
    case "double": {
      expectWire(WIRE_FIXED64);
      const b = reader.take(8);
      return new DataView(b.buffer, b.byteOffset, 8).getFloat64(0, true);
    }
  }
}

function skip(reader: Reader, wireType: number): void {
  switch (wireType) {
    case WIRE_VARINT:
      reader.varint();
      return;
    case WIRE_FIXED64:
      reader.take(8);
      return;
    case WIRE_LENGTH:
      reader.take(Number(reader.varint()));
      return;
    case WIRE_FIXED32:
      reader.take(4);
      return;
    default:
      throw new ProtobufError(`unsupported wire type ${wireType}`);
  }
}

function decodeInto(reader: Reader, table: MessageTable, depth: number): Decoded {
  if (depth > MAX_DEPTH) throw new ProtobufError("message nested too deeply");
  const out: Decoded = {};
  while (reader.pos < reader.end) {
    const tag = reader.varint();
    const fieldNumber = Number(tag >> 3n);
    const wireType = Number(tag & 7n);
    if (fieldNumber === 0) throw new ProtobufError("field number 0");
    const spec = table[fieldNumber];
    if (!spec) {
      skip(reader, wireType);
      continue;
    }
    let value: unknown;
    if (typeof spec.kind === "object") {
      if (wireType !== WIRE_LENGTH) throw new ProtobufError(`wire type ${wireType} for message ${spec.name}`);
      const length = Number(reader.varint());
      const sub = new Reader(reader.bytes, reader.pos + length);
      if (sub.end > reader.end) throw new ProtobufError("truncated message");
      sub.pos = reader.pos;
      value = decodeInto(sub, spec.kind.message, depth + 1);
      reader.pos = sub.end;
    } else {
      value = readScalar(reader, wireType, spec.kind);
    }
    if (spec.repeated) out[spec.name] = [...((out[spec.name] as unknown[] | undefined) ?? []), value];
    else out[spec.name] = value; // last one wins, as protobuf merges singular fields
  }
  return out;
}

/** Decodes one message; throws ProtobufError on malformed input. */
export function decodeMessage(bytes: Uint8Array, table: MessageTable): Decoded {
  return decodeInto(new Reader(bytes), table, 0);
}
