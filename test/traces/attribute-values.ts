/**
 * Span attributes as get_trace answers them (OTLP AnyValues in protobuf JSON), read as plain
 * values: what MLflow's client makes of them (_decode_otel_proto_anyvalue), ints as numbers.
 */

export type AnyValue = Record<string, unknown>;
interface KeyValue {
  key: string;
  value?: AnyValue;
}

export function plainValue(value: AnyValue | undefined): unknown {
  if (!value) return undefined;
  if ("kvlist_value" in value) {
    const values = (value.kvlist_value as { values?: KeyValue[] }).values ?? [];
    return Object.fromEntries(values.map((kv) => [kv.key, plainValue(kv.value)]));
  }
  if ("array_value" in value) {
    return ((value.array_value as { values?: AnyValue[] }).values ?? []).map(plainValue);
  }
  if ("int_value" in value) return Number(value.int_value);
  if ("string_value" in value) return value.string_value;
  if ("double_value" in value) return value.double_value;
  if ("bool_value" in value) return value.bool_value;
  if ("bytes_value" in value) return value.bytes_value;
  return null;
}

/** The AnyValue of attribute `key` of a span in get_trace's JSON. */
export const attributeAnyValue = (span: unknown, key: string): AnyValue | undefined =>
  ((span as { attributes?: KeyValue[] }).attributes ?? []).find((kv) => kv.key === key)?.value;

/** The plain value of attribute `key`, undefined when the span has none. */
export const attributeValue = (span: unknown, key: string): unknown =>
  plainValue(attributeAnyValue(span, key));
