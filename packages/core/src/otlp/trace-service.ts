import { decodedString, storedAttributes } from "../traces/attribute-form";
import type { AnyValueJson, KeyValueJson, OtelSpanJson } from "./span-json";

export type { AnyValueJson, KeyValueJson, OtelSpanJson } from "./span-json";

import { type Decoded, decodeMessage, type MessageTable, ProtobufError } from "./protobuf";

/**
 * OTLP's ExportTraceServiceRequest (opentelemetry/proto/collector/trace/v1/trace_service.proto
 * and trace/v1/trace.proto) as declared tables, and the span JSON MLflow keeps of each span:
 * MLflow reads an OTLP span into its own Span (Span.from_otel_proto), stores Span.to_dict and
 * answers get_trace with Span.to_otel_proto — so kind, trace_state, flags, links, resource and
 * scope are dropped, a status message survives only on errors, and the MLflow trace id joins
 * the attributes. The JSON is protobuf's (snake_case names, bytes as base64). Span attributes are
 * kept in MLflow's storage form, JSON text, whichever form they came in (traces/attribute-form.ts);
 * get_trace answers them decoded.
 */

const KeyValue: MessageTable = {};
const AnyValue: MessageTable = {
  1: { name: "string_value", kind: "string" },
  2: { name: "bool_value", kind: "bool" },
  3: { name: "int_value", kind: "int64" },
  4: { name: "double_value", kind: "double" },
  5: {
    name: "array_value",
    kind: { message: { 1: { name: "values", kind: { message: {} }, repeated: true } } },
  },
  6: {
    name: "kvlist_value",
    kind: { message: { 1: { name: "values", kind: { message: KeyValue }, repeated: true } } },
  },
  7: { name: "bytes_value", kind: "bytes" },
};
// The tables are recursive: ArrayValue holds AnyValues, KeyValue holds an AnyValue.
(AnyValue[5]?.kind as { message: MessageTable }).message[1] = {
  name: "values",
  kind: { message: AnyValue },
  repeated: true,
};
Object.assign(KeyValue, {
  1: { name: "key", kind: "string" },
  2: { name: "value", kind: { message: AnyValue } },
});

const Event: MessageTable = {
  1: { name: "time_unix_nano", kind: "fixed64" },
  2: { name: "name", kind: "string" },
  3: { name: "attributes", kind: { message: KeyValue }, repeated: true },
};

const Status: MessageTable = {
  2: { name: "message", kind: "string" },
  3: { name: "code", kind: "enum" },
};

const Span: MessageTable = {
  1: { name: "trace_id", kind: "bytes" },
  2: { name: "span_id", kind: "bytes" },
  4: { name: "parent_span_id", kind: "bytes" },
  5: { name: "name", kind: "string" },
  7: { name: "start_time_unix_nano", kind: "fixed64" },
  8: { name: "end_time_unix_nano", kind: "fixed64" },
  9: { name: "attributes", kind: { message: KeyValue }, repeated: true },
  11: { name: "events", kind: { message: Event }, repeated: true },
  15: { name: "status", kind: { message: Status } },
};

const ScopeSpans: MessageTable = { 2: { name: "spans", kind: { message: Span }, repeated: true } };
const ResourceSpans: MessageTable = {
  2: { name: "scope_spans", kind: { message: ScopeSpans }, repeated: true },
};
const ExportTraceServiceRequest: MessageTable = {
  1: { name: "resource_spans", kind: { message: ResourceSpans }, repeated: true },
};

export interface IngestedSpan {
  /** MLflow's trace id: "tr-" + the OTel trace id in hex, unless the span names its own. */
  traceId: string;
  spanIdHex: string;
  parentSpanIdHex?: string;
  startTimeNs: string;
  endTimeNs?: string;
  statusCode: "OK" | "ERROR" | "UNSET";
  json: OtelSpanJson;
}

/** A request MLflow's OTLP endpoint refuses: 400, or 413 for a body over the size limit. */
export class OtlpFormatError extends Error {
  constructor(
    message: string,
    readonly status: 400 | 413 = 400,
  ) {
    super(message);
  }
}

const REQUEST_ID_ATTRIBUTE = "mlflow.traceRequestId";
const SPAN_TYPE_ATTRIBUTE = "mlflow.spanType";

const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
function base64(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function anyValueJson(value: Decoded | undefined): AnyValueJson {
  if (!value) return {};
  if ("array_value" in value) {
    const values = ((value.array_value as Decoded).values as Decoded[] | undefined) ?? [];
    return { array_value: values.length ? { values: values.map(anyValueJson) } : {} };
  }
  if ("kvlist_value" in value) {
    const values = ((value.kvlist_value as Decoded).values as Decoded[] | undefined) ?? [];
    return { kvlist_value: values.length ? { values: values.map(keyValueJson) } : {} };
  }
  if ("bytes_value" in value) return { bytes_value: base64(value.bytes_value as Uint8Array) };
  const [key] = Object.keys(value);
  return key === undefined ? {} : { [key]: value[key] };
}

function keyValueJson(kv: Decoded): KeyValueJson {
  return { key: (kv.key as string | undefined) ?? "", value: anyValueJson(kv.value as Decoded | undefined) };
}

/** Attributes in order, later duplicates replacing earlier ones in place (a Python dict). */
function attributeList(decoded: Decoded[] | undefined, first?: KeyValueJson): KeyValueJson[] {
  const byKey = new Map<string, KeyValueJson>();
  if (first) byKey.set(first.key, first);
  for (const kv of decoded ?? []) {
    const entry = keyValueJson(kv);
    byKey.set(entry.key, entry);
  }
  return [...byKey.values()];
}

function idBytes(value: unknown, length: number, what: string): Uint8Array {
  if (!(value instanceof Uint8Array) || value.length !== length) {
    throw new OtlpFormatError(`span ${what} must be ${length} bytes`);
  }
  return value;
}

/** The MLflow span JSON of one OTLP span. */
export function ingestSpan(span: Decoded): IngestedSpan {
  const traceBytes = idBytes(span.trace_id, 16, "trace_id");
  const spanBytes = idBytes(span.span_id, 8, "span_id");
  const parent = span.parent_span_id as Uint8Array | undefined;
  const parentBytes = parent && parent.length > 0 ? idBytes(parent, 8, "parent_span_id") : undefined;
  const generatedId = `tr-${hex(traceBytes)}`;
  const attributes = storedAttributes(
    attributeList(span.attributes as Decoded[] | undefined, {
      key: REQUEST_ID_ATTRIBUTE,
      value: { string_value: generatedId },
    }),
  );
  const namedValue = attributes.find((kv) => kv.key === REQUEST_ID_ATTRIBUTE)?.value.string_value;
  // The id as MLflow reads it (Span.trace_id: the attribute JSON-decoded).
  const named = typeof namedValue === "string" ? decodedString(namedValue) : undefined;
  const status = (span.status as Decoded | undefined) ?? {};
  const code = status.code === 1 ? "OK" : status.code === 2 ? "ERROR" : "UNSET";
  const end = span.end_time_unix_nano as string | undefined;
  const events = ((span.events as Decoded[] | undefined) ?? []).map((event) => {
    const eventAttributes = attributeList(event.attributes as Decoded[] | undefined);
    return {
      ...(event.time_unix_nano && event.time_unix_nano !== "0"
        ? { time_unix_nano: event.time_unix_nano as string }
        : {}),
      ...(event.name ? { name: event.name as string } : {}),
      ...(eventAttributes.length ? { attributes: eventAttributes } : {}),
    };
  });
  const json: OtelSpanJson = {
    trace_id: base64(traceBytes),
    span_id: base64(spanBytes),
    ...(parentBytes ? { parent_span_id: base64(parentBytes) } : {}),
    ...(span.name ? { name: span.name as string } : {}),
    start_time_unix_nano: (span.start_time_unix_nano as string | undefined) ?? "0",
    ...(end && end !== "0" ? { end_time_unix_nano: end } : {}),
    attributes,
    ...(events.length ? { events } : {}),
    // OpenTelemetry keeps a status description only for errors.
    status: {
      ...(code === "OK" ? { code: "STATUS_CODE_OK" } : code === "ERROR" ? { code: "STATUS_CODE_ERROR" } : {}),
      ...(code === "ERROR" && status.message ? { message: status.message as string } : {}),
    },
  };
  return {
    traceId: named !== undefined && named !== "" ? named : generatedId,
    spanIdHex: hex(spanBytes),
    parentSpanIdHex: parentBytes ? hex(parentBytes) : undefined,
    startTimeNs: json.start_time_unix_nano,
    endTimeNs: json.end_time_unix_nano,
    statusCode: code,
    json,
  };
}

/** The spans of an OTLP/HTTP protobuf export request, in order. */
export function decodeExportTraceRequest(body: Uint8Array): IngestedSpan[] {
  let request: Decoded;
  try {
    request = decodeMessage(body, ExportTraceServiceRequest);
  } catch (error) {
    if (error instanceof ProtobufError) throw new OtlpFormatError("Invalid OpenTelemetry protobuf format");
    throw error;
  }
  const resourceSpans = (request.resource_spans as Decoded[] | undefined) ?? [];
  if (resourceSpans.length === 0)
    throw new OtlpFormatError("Invalid OpenTelemetry protobuf format - no spans found");
  const spans: Decoded[] = [];
  for (const resource of resourceSpans) {
    for (const scope of (resource.scope_spans as Decoded[] | undefined) ?? []) {
      spans.push(...((scope.spans as Decoded[] | undefined) ?? []));
    }
  }
  return spans.map(ingestSpan);
}

/** A span attribute's value as MLflow reads it: JSON text decoded, anything else as is. */
export function spanAttribute(span: OtelSpanJson, key: string): unknown {
  const value = span.attributes?.find((kv) => kv.key === key)?.value;
  return value?.string_value ?? value?.int_value ?? value?.double_value ?? value?.bool_value;
}

export const spanTypeOf = (span: OtelSpanJson) => {
  const raw = spanAttribute(span, SPAN_TYPE_ATTRIBUTE);
  if (typeof raw !== "string") return undefined;
  try {
    const parsed = JSON.parse(raw);
    return typeof parsed === "string" ? parsed : raw;
  } catch {
    return raw;
  }
};
