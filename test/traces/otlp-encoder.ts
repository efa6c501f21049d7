/** A tiny OTLP protobuf encoder for tests: the mirror of packages/core/src/otlp's decoder. */

const utf8 = new TextEncoder();

function varint(value: bigint): number[] {
  const out: number[] = [];
  let v = BigInt.asUintN(64, value);
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v) byte |= 0x80;
    out.push(byte);
  } while (v);
  return out;
}

const tag = (field: number, wire: number) => varint(BigInt((field << 3) | wire));
const lengthDelimited = (field: number, bytes: Uint8Array | number[]) => [
  ...tag(field, 2),
  ...varint(BigInt(bytes.length)),
  ...bytes,
];
const str = (field: number, text: string) => lengthDelimited(field, utf8.encode(text));
function fixed64(field: number, value: bigint): number[] {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigUint64(0, value, true);
  return [...tag(field, 1), ...bytes];
}
function double(field: number, value: number): number[] {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setFloat64(0, value, true);
  return [...tag(field, 1), ...bytes];
}

export type TestValue = string | boolean | bigint | number | TestValue[] | { [key: string]: TestValue };

function anyValue(value: TestValue): number[] {
  if (typeof value === "string") return str(1, value);
  if (typeof value === "boolean") return [...tag(2, 0), value ? 1 : 0];
  if (typeof value === "bigint") return [...tag(3, 0), ...varint(value)];
  if (typeof value === "number") return double(4, value);
  if (Array.isArray(value))
    return lengthDelimited(
      5,
      value.flatMap((v) => lengthDelimited(1, anyValue(v))),
    );
  return lengthDelimited(
    6,
    Object.entries(value).flatMap(([k, v]) => lengthDelimited(1, keyValue(k, v))),
  );
}
const keyValue = (key: string, value: TestValue) => [...str(1, key), ...lengthDelimited(2, anyValue(value))];

export interface TestSpan {
  traceId: Uint8Array;
  spanId: Uint8Array;
  parentSpanId?: Uint8Array;
  name: string;
  start: bigint;
  end?: bigint;
  attributes?: Record<string, TestValue>;
  events?: { name: string; time: bigint; attributes?: Record<string, TestValue> }[];
  status?: { code: number; message?: string };
}

function span(s: TestSpan): number[] {
  return [
    ...lengthDelimited(1, s.traceId),
    ...lengthDelimited(2, s.spanId),
    ...(s.parentSpanId ? lengthDelimited(4, s.parentSpanId) : []),
    ...str(5, s.name),
    ...tag(6, 0),
    1, // kind: internal (dropped by MLflow)
    ...fixed64(7, s.start),
    ...(s.end ? fixed64(8, s.end) : []),
    ...Object.entries(s.attributes ?? {}).flatMap(([k, v]) => lengthDelimited(9, keyValue(k, v))),
    ...(s.events ?? []).flatMap((e) =>
      lengthDelimited(11, [
        ...fixed64(1, e.time),
        ...str(2, e.name),
        ...Object.entries(e.attributes ?? {}).flatMap(([k, v]) => lengthDelimited(3, keyValue(k, v))),
      ]),
    ),
    ...(s.status
      ? lengthDelimited(15, [
          ...(s.status.message ? str(2, s.status.message) : []),
          ...tag(3, 0),
          s.status.code,
        ])
      : []),
  ];
}

/** ExportTraceServiceRequest { resource_spans { scope_spans { spans } } }. */
export function encodeExportRequest(spans: TestSpan[]): Uint8Array {
  const scopeSpans = lengthDelimited(
    2,
    spans.flatMap((s) => lengthDelimited(2, span(s))),
  );
  return new Uint8Array(lengthDelimited(1, scopeSpans));
}

export function randomBytes(n: number): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(n));
}
export const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
export const b64 = (b: Uint8Array) => btoa(String.fromCharCode(...b));
