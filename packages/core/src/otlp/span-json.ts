/** The shapes of stored spans (protobuf JSON), apart from the codec so any module may name them. */

/** protobuf JSON of an AnyValue: one of string_value, bool_value, int_value (text), ... or {}. */
export type AnyValueJson = Record<string, unknown>;
export interface KeyValueJson {
  key: string;
  value: AnyValueJson;
}

/** A span as get_trace returns it (opentelemetry.proto.trace.v1.Span in protobuf JSON). */
export interface OtelSpanJson {
  trace_id: string;
  span_id: string;
  parent_span_id?: string;
  name?: string;
  /** Nanoseconds as decimal text: they exceed 2^53. */
  start_time_unix_nano: string;
  end_time_unix_nano?: string;
  attributes?: KeyValueJson[];
  events?: { time_unix_nano?: string; name?: string; attributes?: KeyValueJson[] }[];
  status: { code?: "STATUS_CODE_OK" | "STATUS_CODE_ERROR"; message?: string };
}
