/**
 * MLflow 3 traces (/ajax-api/3.0). Timestamps arrive as protobuf JSON text, and spans as
 * OpenTelemetry span JSON (camelCase from OTLP, snake_case from MLflow's own client), so the
 * UI reads them loosely and normalises spans once here.
 */
import { get, post } from "./client";

const V3 = "/ajax-api/3.0/mlflow/";

export interface TraceInfo {
  trace_id: string;
  request_time?: string;
  execution_duration?: string;
  state?: string;
  request_preview?: string;
  response_preview?: string;
  tags?: Record<string, string>;
  trace_metadata?: Record<string, string>;
  assessments?: {
    assessment_id?: string;
    assessment_name?: string;
    span_id?: string;
    rationale?: string;
    feedback?: { value?: unknown };
    expectation?: { value?: unknown };
    source?: { source_type?: string; source_id?: string };
  }[];
}

export interface Span {
  id: string;
  parentId: string;
  name: string;
  startNs: number;
  endNs: number;
  status: string;
  attributes: Record<string, unknown>;
}

export async function searchTraces(experimentId: string, filter: string) {
  return post<{ traces?: TraceInfo[]; next_page_token?: string }>(
    "traces/search",
    {
      locations: [{ type: "MLFLOW_EXPERIMENT", mlflow_experiment: { experiment_id: experimentId } }],
      filter: filter || undefined,
      max_results: 500,
      order_by: ["timestamp_ms DESC"],
    },
    "POST",
    V3,
  );
}

type Raw = Record<string, unknown>;
const pick = (span: Raw, ...keys: string[]) => keys.map((key) => span[key]).find((v) => v !== undefined);

type KeyValue = { key: string; value?: Raw };

/** An OTLP AnyValue as a plain value: key-value lists as objects, arrays as arrays (snake or camel case). */
function plainOf(value: Raw | undefined): unknown {
  if (!value) return undefined;
  const kvlist = pick(value, "kvlist_value", "kvlistValue") as { values?: KeyValue[] } | undefined;
  if (kvlist) return Object.fromEntries((kvlist.values ?? []).map((kv) => [kv.key, plainOf(kv.value)]));
  const array = pick(value, "array_value", "arrayValue") as { values?: Raw[] } | undefined;
  if (array) return (array.values ?? []).map(plainOf);
  const int = pick(value, "int_value", "intValue");
  if (int !== undefined) return Number.isSafeInteger(Number(int)) ? Number(int) : String(int);
  return Object.values(value)[0] ?? null;
}

/**
 * OTLP attributes are a list of {key, value: AnyValue}, answered decoded as MLflow answers them
 * (mlflow.spanInputs a key-value list, mlflow.spanType a plain string); MLflow's own a plain map.
 */
function attributesOf(raw: unknown): Record<string, unknown> {
  if (!Array.isArray(raw)) return (raw as Record<string, unknown>) ?? {};
  const out: Record<string, unknown> = {};
  for (const entry of raw as KeyValue[]) out[entry.key] = plainOf(entry.value);
  return out;
}

function toSpan(raw: Raw): Span {
  const status = pick(raw, "status") as { code?: string | number } | undefined;
  return {
    id: String(pick(raw, "spanId", "span_id") ?? ""),
    parentId: String(pick(raw, "parentSpanId", "parent_span_id") ?? ""),
    name: String(raw.name ?? ""),
    startNs: Number(pick(raw, "startTimeUnixNano", "start_time_unix_nano") ?? 0),
    endNs: Number(pick(raw, "endTimeUnixNano", "end_time_unix_nano") ?? 0),
    status: String(status?.code ?? ""),
    attributes: attributesOf(raw.attributes),
  };
}

export async function getTrace(traceId: string): Promise<{ info: TraceInfo; spans: Span[] }> {
  const body = await get<{ trace: { trace_info: TraceInfo; spans?: Raw[] } }>(
    "traces/get",
    { trace_id: traceId },
    V3,
  );
  return { info: body.trace.trace_info, spans: (body.trace.spans ?? []).map(toSpan) };
}
