/**
 * MLflow 3's trace messages (service.proto's TraceInfoV3, StartTraceV3, SearchTracesV3, ... and
 * assessments.proto), declared once like the tracking messages. Spans travel as OpenTelemetry
 * span JSON (opentelemetry.proto.trace.v1.Span), built by core and passed through here as is.
 */
import { assessmentSourceTypes, traceStates } from "../enums";
import { MlflowError } from "./errors";
import {
  bool,
  type Field,
  type Infer,
  int64,
  invalidValue,
  message,
  repeated,
  string,
  stringMap,
} from "./fields";

/** A field whose value is any JSON (google.protobuf.Value, or an already-encoded span). */
const json = (): Field<unknown> => {
  const make = <R extends boolean>(required: R): Field<unknown, R> => ({
    required,
    decode: (value) => value,
    encode: (value) => value,
    req: () => make(true),
  });
  return make(false);
};

/** protobuf's Timestamp JSON: RFC 3339 text with 0, 3, 6 or 9 fractional digits; held as epoch ms. */
const RFC3339 = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/;

export function timestampToJson(ms: number): string {
  const iso = new Date(ms).toISOString(); // always ".mmmZ"
  return ms % 1000 === 0 ? `${iso.slice(0, 19)}Z` : iso;
}

const timestampMs = (): Field<number> => {
  const make = <R extends boolean>(required: R): Field<number, R> => ({
    required,
    decode(value, name) {
      const match = typeof value === "string" ? RFC3339.exec(value) : null;
      if (!match) throw invalidValue(value, name);
      const seconds = Date.parse(`${match[1]}${match[3]}`);
      if (Number.isNaN(seconds)) throw invalidValue(value, name);
      return seconds + Math.floor(Number(`0.${match[2] ?? "0"}`) * 1000);
    },
    encode: timestampToJson,
    req: () => make(true),
  });
  return make(false);
};

/** protobuf's Duration JSON: "<seconds>[.<fraction>]s"; held as ms (MLflow's resolution). */
export function durationToJson(ms: number): string {
  const sign = ms < 0 ? "-" : "";
  const abs = Math.abs(ms);
  const seconds = Math.floor(abs / 1000);
  const millis = abs % 1000;
  return millis === 0 ? `${sign}${seconds}s` : `${sign}${seconds}.${String(millis).padStart(3, "0")}s`;
}

const durationMs = (): Field<number> => {
  const make = <R extends boolean>(required: R): Field<number, R> => ({
    required,
    decode(value, name) {
      const match = typeof value === "string" ? /^(-?)(\d+)(?:\.(\d{1,9}))?s$/.exec(value) : null;
      if (!match) throw invalidValue(value, name);
      const ms = Number(match[2]) * 1000 + Math.floor(Number(`0.${match[3] ?? "0"}`) * 1000);
      return match[1] === "-" ? -ms : ms;
    },
    encode: durationToJson,
    req: () => make(true),
  });
  return make(false);
};

/**
 * google.protobuf.FieldMask: JSON writes it as one comma-separated string of lowerCamelCase paths;
 * held as snake_case paths. A `{"paths": [...]}` object is accepted too.
 */
const fieldMask = (): Field<string[]> => {
  const snake = (path: string) => path.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  const make = <R extends boolean>(required: R): Field<string[], R> => ({
    required,
    decode(value, name) {
      if (typeof value === "string") return value === "" ? [] : value.split(",").map((p) => snake(p.trim()));
      const paths = (value as { paths?: unknown } | null)?.paths;
      if (Array.isArray(paths) && paths.every((p) => typeof p === "string")) return paths.map(snake);
      throw invalidValue(value, name);
    },
    encode: (paths) => paths.join(","),
    req: () => make(true),
  });
  return make(false);
};

/** A protobuf enum held by name; numbers accepted as protobuf's JSON parser does. */
const enumNamed = <const E extends readonly string[]>(names: E) => {
  type Name = E[number];
  const make = <R extends boolean>(required: R): Field<Name, R> => ({
    required,
    decode(value, name) {
      if (typeof value === "string" && (names as readonly string[]).includes(value)) return value as Name;
      if (typeof value === "number" && Number.isInteger(value) && value >= 0 && value < names.length)
        return names[value] as Name;
      throw invalidValue(value, name);
    },
    encode: (value) => value,
    req: () => make(true),
  });
  return make(false);
};

// --- entities -------------------------------------------------------------------------------

export const TraceLocation = message({
  type: enumNamed(["TRACE_LOCATION_TYPE_UNSPECIFIED", "MLFLOW_EXPERIMENT", "INFERENCE_TABLE"] as const),
  mlflow_experiment: message({ experiment_id: string() }),
  inference_table: message({ full_table_name: string() }),
});

export const AssessmentSource = message({
  source_type: enumNamed(assessmentSourceTypes),
  source_id: string(),
});
export const AssessmentError = message({
  error_code: string(),
  error_message: string(),
  stack_trace: string(),
});
export const Feedback = message({ value: json(), error: AssessmentError });
export const Expectation = message({
  value: json(),
  serialized_value: message({ serialization_format: string(), value: string() }),
});

export const Assessment = message({
  assessment_id: string(),
  assessment_name: string(),
  trace_id: string(),
  span_id: string(),
  source: AssessmentSource,
  create_time: timestampMs(),
  last_update_time: timestampMs(),
  feedback: Feedback,
  expectation: Expectation,
  rationale: string(),
  error: AssessmentError,
  metadata: stringMap(),
  overrides: string(),
  valid: bool(),
});
export type AssessmentWire = Infer<typeof Assessment.spec>;

export const TraceInfoV3 = message({
  trace_id: string(),
  client_request_id: string(),
  trace_location: TraceLocation,
  request: string(),
  response: string(),
  request_preview: string(),
  response_preview: string(),
  request_time: timestampMs(),
  execution_duration: durationMs(),
  state: enumNamed(traceStates),
  trace_metadata: stringMap(),
  assessments: repeated(Assessment),
  tags: stringMap(),
});
export type TraceInfoV3Wire = Infer<typeof TraceInfoV3.spec>;

/** A trace: its info and its spans as OpenTelemetry span JSON. */
export const Trace = message({ trace_info: TraceInfoV3, spans: repeated(json()) });
export type TraceWire = Infer<typeof Trace.spec>;

// --- requests -------------------------------------------------------------------------------

export const StartTraceV3 = message({ trace: Trace.req() });
export const TraceResponse = message({ trace: Trace });

export const GetTraceInfoV3 = message({ trace_id: string().req() });
export const GetTrace = message({ trace_id: string().req(), allow_partial: bool() });
export const BatchGetTraces = message({ trace_ids: repeated(string()).req() });
export const BatchGetTracesResponse = message({ traces: repeated(Trace) });
export const BatchGetTraceInfos = message({ trace_ids: repeated(string()).req() });
export const BatchGetTraceInfosResponse = message({ trace_infos: repeated(TraceInfoV3) });

export const SearchTracesV3 = message({
  locations: repeated(TraceLocation).req(),
  filter: string(),
  max_results: int64(),
  order_by: repeated(string()),
  page_token: string(),
});
export const SearchTracesV3Response = message({
  traces: repeated(TraceInfoV3),
  next_page_token: string(),
});

/** V2 spells the trace id `request_id` (path parameter), V3 `trace_id`. */
export const SetTraceTag = message({ request_id: string().req(), key: string().req(), value: string() });
export const SetTraceTagV3 = message({ trace_id: string().req(), key: string().req(), value: string() });
export const DeleteTraceTag = message({ request_id: string().req(), key: string().req() });
export const DeleteTraceTagV3 = message({ trace_id: string().req(), key: string().req() });

export const DeleteTraces = message({
  experiment_id: string().req(),
  max_timestamp_millis: int64(),
  max_traces: int64(),
  request_ids: repeated(string()),
});
export const DeleteTracesResponse = message({ traces_deleted: int64() });

export const LinkTracesToRun = message({ trace_ids: repeated(string()).req(), run_id: string().req() });

/** `trace_id` comes from the path (MLflow's `{assessment.trace_id}`). */
export const CreateAssessment = message({ trace_id: string(), assessment: Assessment.req() });
export const UpdateAssessment = message({
  trace_id: string().req(),
  assessment_id: string().req(),
  assessment: Assessment.req(),
  update_mask: fieldMask().req(),
});
export const AssessmentRef = message({ trace_id: string().req(), assessment_id: string().req() });
export const AssessmentResponse = message({ assessment: Assessment });

/** Raised where MLflow's handler finds a trace id it does not know. */
export function traceNotFound(traceId: string): MlflowError {
  return MlflowError.notFound(`Trace with ID '${traceId}' not found.`);
}
