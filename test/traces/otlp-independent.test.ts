/// <reference types="vite/client" />
import { SELF } from "cloudflare:test";
import { decodeExportTraceRequest, OtlpFormatError } from "@edgeflow/core";
import { describe, expect, it } from "vitest";
import { createExperiment } from "../helpers/api";
import { call } from "./helpers";

/**
 * Edgeflow's hand-written OTLP decoder against an encoder it did not write: the fixtures in
 * fixtures/otlp/ are spans of the OpenTelemetry JS SDK encoded by @opentelemetry/otlp-transformer
 * (scripts/generate-otlp-fixtures.ts made them; the tests only read the committed files). Each
 * `<name>.expected.json` holds the SDK's own view of its spans; the MLflow rules below turn it into
 * the span JSON MLflow keeps (trace-service.ts describes them): the decoder must give exactly
 * that, and the worker's /v1/traces → traces/get round trip that with its attributes decoded as
 * MLflow's get_trace answers them (traces/attribute-form.ts).
 */

// Binary fixtures as data: URLs (Vite's ?url&inline), so workerd needs no file system.
const BINARIES = import.meta.glob<string>("./fixtures/otlp/*.bin", {
  eager: true,
  query: "?url&inline",
  import: "default",
});
const OTLP_JSON = import.meta.glob<string>("./fixtures/otlp/*.json", {
  eager: true,
  query: "?raw",
  import: "default",
});
const EXPECTED = import.meta.glob<Expected>("./fixtures/otlp/*.expected.json", {
  eager: true,
  import: "default",
});

type AnyValue = Record<string, unknown>;
interface KeyValue {
  key: string;
  value: AnyValue;
}
interface ExpectedSpan {
  trace_id: string;
  span_id: string;
  parent_span_id?: string;
  name: string;
  start_time_unix_nano: string;
  end_time_unix_nano: string;
  attributes: KeyValue[];
  events: { time_unix_nano: string; name: string; attributes: KeyValue[] }[];
  status: { code: 0 | 1 | 2; message?: string };
}
interface Expected {
  bytes: { bin: number; json_as_serialized: number };
  spans: ExpectedSpan[];
}

function fixtureBytes(name: string): Uint8Array {
  const url = BINARIES[`./fixtures/otlp/${name}.bin`];
  if (url === undefined) throw new Error(`no fixture ${name}.bin`);
  const binary = atob(url.slice(url.indexOf(",") + 1));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

const FIXTURES = ["sdk-mlflow-trace", "sdk-two-resources"] as const;
const expectedOf = (name: string) => EXPECTED[`./fixtures/otlp/${name}.expected.json`] as Expected;

const b64 = (hex: string) =>
  btoa(String.fromCharCode(...(hex.match(/../g) ?? []).map((h) => parseInt(h, 16))));

/**
 * MLflow's span JSON of an OTLP span (Span.from_otel_proto → to_dict → to_otel_proto): ids in
 * base64; kind, trace state, links, resource and scope dropped; "mlflow.traceRequestId" first
 * (the trace's id unless the span names one), later duplicates replacing earlier keys in place;
 * empty event fields left out; a status message kept only on errors; UNSET as no code.
 */
function mlflowSpan(span: ExpectedSpan, form: (value: AnyValue) => AnyValue = storedValue) {
  const attributes = new Map<string, KeyValue>([
    [
      "mlflow.traceRequestId",
      { key: "mlflow.traceRequestId", value: { string_value: `tr-${span.trace_id}` } },
    ],
  ]);
  for (const kv of span.attributes) attributes.set(kv.key, kv);
  for (const [key, kv] of attributes) attributes.set(key, { key, value: form(kv.value) });
  const events = span.events.map((event) => ({
    ...(event.time_unix_nano !== "0" ? { time_unix_nano: event.time_unix_nano } : {}),
    ...(event.name ? { name: event.name } : {}),
    ...(event.attributes.length ? { attributes: event.attributes } : {}),
  }));
  const { code, message } = span.status;
  return {
    trace_id: b64(span.trace_id),
    span_id: b64(span.span_id),
    ...(span.parent_span_id ? { parent_span_id: b64(span.parent_span_id) } : {}),
    name: span.name,
    start_time_unix_nano: span.start_time_unix_nano,
    end_time_unix_nano: span.end_time_unix_nano,
    attributes: [...attributes.values()],
    ...(events.length ? { events } : {}),
    status:
      code === 1
        ? { code: "STATUS_CODE_OK" }
        : code === 2
          ? { code: "STATUS_CODE_ERROR", ...(message ? { message } : {}) }
          : {},
  };
}

/** Python's json.dumps of a decoded AnyValue (the fixtures' doubles are not integral). */
function pyDumps(value: AnyValue): string {
  if ("string_value" in value) return JSON.stringify(value.string_value);
  if ("int_value" in value) return String(value.int_value);
  if ("double_value" in value) return String(value.double_value);
  if ("bool_value" in value) return String(value.bool_value);
  if ("array_value" in value)
    return `[${((value.array_value as { values?: AnyValue[] }).values ?? []).map(pyDumps).join(", ")}]`;
  if ("kvlist_value" in value)
    return `{${((value.kvlist_value as { values?: KeyValue[] }).values ?? [])
      .map((kv) => `${JSON.stringify(kv.key)}: ${pyDumps(kv.value)}`)
      .join(", ")}}`;
  return "null";
}

const tryJson = (text: string): { value: unknown } | undefined => {
  try {
    return { value: JSON.parse(text) };
  } catch {
    return undefined;
  }
};

/**
 * MLflow 3.11's stored form of an OTLP attribute (sanitize_attributes after from_otel_proto):
 * JSON text of a string, list or dict kept, lists and dicts dumped, a string reading as a number,
 * bool or null quoted. Edgeflow keeps other strings and typed scalars as they are.
 */
function storedValue(value: AnyValue): AnyValue {
  if ("array_value" in value || "kvlist_value" in value) return { string_value: pyDumps(value) };
  if (typeof value.string_value !== "string") return value;
  const parsed = tryJson(value.string_value);
  const kept =
    parsed === undefined ||
    typeof parsed.value === "string" ||
    (typeof parsed.value === "object" && parsed.value !== null);
  return kept ? value : { string_value: JSON.stringify(value.string_value) };
}

function anyValueOf(value: unknown): AnyValue {
  if (value === null) return {};
  if (typeof value === "string") return { string_value: value };
  if (typeof value === "boolean") return { bool_value: value };
  if (typeof value === "number")
    return Number.isInteger(value) ? { int_value: String(value) } : { double_value: value };
  if (Array.isArray(value)) return { array_value: value.length ? { values: value.map(anyValueOf) } : {} };
  const entries = Object.entries(value as Record<string, unknown>);
  return {
    kvlist_value: entries.length
      ? { values: entries.map(([key, v]) => ({ key, value: anyValueOf(v) })) }
      : {},
  };
}

/** What get_trace answers (Span.to_otel_proto): the stored JSON text decoded. */
function answeredValue(value: AnyValue): AnyValue {
  const stored = storedValue(value);
  if (typeof stored.string_value !== "string") return stored;
  const parsed = tryJson(stored.string_value);
  return parsed === undefined ? stored : anyValueOf(parsed.value);
}

const STATUS = ["UNSET", "OK", "ERROR"] as const;

describe("the core decoder on the SDK's own encoding", () => {
  it("reads the fixtures the generator wrote", () => {
    for (const name of FIXTURES) {
      expect(fixtureBytes(name).length).toBe(expectedOf(name).bytes.bin);
      // The JSON encoding names the same spans (biome re-indented it; the values are the serializer's).
      const json = JSON.parse(OTLP_JSON[`./fixtures/otlp/${name}.json`] ?? "") as {
        resourceSpans: { scopeSpans: { spans: { spanId: string }[] }[] }[];
      };
      const ids = json.resourceSpans.flatMap((rs) =>
        rs.scopeSpans.flatMap((ss) => ss.spans.map((s) => s.spanId)),
      );
      expect(ids).toEqual(expectedOf(name).spans.map((span) => span.span_id));
    }
  });

  it.each(FIXTURES)("decodes %s.bin span for span", (name) => {
    const expected = expectedOf(name).spans;
    const decoded = decodeExportTraceRequest(fixtureBytes(name));
    expect(decoded.map((span) => span.json)).toEqual(expected.map((span) => mlflowSpan(span)));
    expect(
      decoded.map(({ traceId, spanIdHex, parentSpanIdHex, startTimeNs, endTimeNs, statusCode }) => ({
        traceId,
        spanIdHex,
        parentSpanIdHex,
        startTimeNs,
        endTimeNs,
        statusCode,
      })),
    ).toEqual(
      expected.map((span) => ({
        traceId: `tr-${span.trace_id}`,
        spanIdHex: span.span_id,
        parentSpanIdHex: span.parent_span_id,
        startTimeNs: span.start_time_unix_nano,
        endTimeNs: span.end_time_unix_nano,
        statusCode: STATUS[span.status.code],
      })),
    );
  });

  it("keeps the values a careless decoder loses", () => {
    const [root] = decodeExportTraceRequest(fixtureBytes("sdk-mlflow-trace")).filter(
      (span) => span.parentSpanIdHex === undefined,
    );
    const value = (key: string) => root?.json.attributes?.find((kv) => kv.key === key)?.value;
    // A leading U+FEFF is text, not a byte-order mark to strip (protobuf strings are verbatim).
    expect(value("str.bom")).toEqual({ string_value: "\uFEFFstarts with a byte-order mark" });
    expect(value("str.unicode")).toEqual({ string_value: "héllo ✓ 日本 🚀" });
    // Negative int64s arrive as 10-byte two's-complement varints.
    expect(value("int.negative")).toEqual({ int_value: "-7" });
    expect(value("int.negative_large")).toEqual({ int_value: String(-(2 ** 40)) });
    expect(value("int.max_safe")).toEqual({ int_value: "9007199254740991" });
    expect(value("double.min_subnormal")).toEqual({ double_value: 5e-324 });
    expect(value("bytes.value")).toEqual({ bytes_value: "AAEC/f7/" });
    expect(value("null.value")).toEqual({});
    // Nanoseconds beyond 2^53, to the digit.
    expect(root?.startTimeNs).toBe("1735689600123456789");
  });

  it("refuses every truncation of a valid export with OtlpFormatError, and nothing else", () => {
    for (const name of FIXTURES) {
      const bytes = fixtureBytes(name);
      const whole = decodeExportTraceRequest(bytes).length;
      for (let cut = 0; cut < bytes.length; cut++) {
        let outcome: string;
        try {
          // A cut exactly between two ResourceSpans is a valid, shorter export.
          const spans = decodeExportTraceRequest(bytes.subarray(0, cut));
          outcome = spans.length > 0 && spans.length < whole ? "shorter" : `decoded ${spans.length}`;
        } catch (error) {
          outcome = error instanceof OtlpFormatError && error.status === 400 ? "refused" : String(error);
        }
        expect(["refused", "shorter"], `${name} cut at ${cut}`).toContain(outcome);
      }
    }
  });

  it("either decodes or refuses with OtlpFormatError when bytes are flipped", () => {
    const bytes = fixtureBytes("sdk-mlflow-trace");
    let seed = 12345;
    const random = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    for (let round = 0; round < 2000; round++) {
      const copy = bytes.slice();
      for (let flips = 1 + Math.floor(random() * 3); flips > 0; flips--) {
        copy[Math.floor(random() * copy.length)] = Math.floor(random() * 256);
      }
      try {
        decodeExportTraceRequest(copy);
      } catch (error) {
        expect(error, `round ${round}`).toBeInstanceOf(OtlpFormatError);
      }
    }
  });

  it("refuses the damaged fixtures", () => {
    for (const name of ["truncated", "garbled"]) {
      expect(() => decodeExportTraceRequest(fixtureBytes(name))).toThrow(
        new OtlpFormatError("Invalid OpenTelemetry protobuf format"),
      );
    }
  });
});

const BASE = "http://127.0.0.1:5000";

function postOtlp(experimentId: string, body: Uint8Array, contentType = "application/x-protobuf") {
  return SELF.fetch(`${BASE}/v1/traces`, {
    method: "POST",
    headers: { "Content-Type": contentType, "x-mlflow-experiment-id": experimentId },
    body,
  });
}

/** traces/get with nanosecond times kept exact: the worker writes them as bare JSON numbers. */
async function getTrace(traceId: string) {
  const response = await SELF.fetch(`${BASE}/api/3.0/mlflow/traces/get?trace_id=${traceId}`);
  expect(response.status).toBe(200);
  const text = (await response.text()).replace(
    /"(start_time_unix_nano|end_time_unix_nano|time_unix_nano)":(\d+)/g,
    '"$1":"$2"',
  );
  return (JSON.parse(text) as { trace: { spans: ReturnType<typeof mlflowSpan>[] } }).trace.spans;
}

interface Info {
  trace_id: string;
  trace_location: { mlflow_experiment: { experiment_id: string } };
  request_time: string;
  execution_duration?: string;
  state: string;
  request_preview?: string;
  response_preview?: string;
  trace_metadata?: Record<string, string>;
}

async function infoOf(traceId: string): Promise<Info> {
  const reply = await call<{ trace: { trace_info: Info } }>("GET", `traces/${traceId}`);
  expect(reply.status).toBe(200);
  return reply.body.trace.trace_info;
}

const nsToIso = (ns: string) => new Date(Number(BigInt(ns) / 1_000_000n)).toISOString();

describe("/v1/traces with the SDK's encoding, read back through MLflow's traces API", () => {
  it.each(FIXTURES)("stores %s.bin span for span", async (name) => {
    const exp = await createExperiment();
    const response = await postOtlp(exp, fixtureBytes(name));
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("application/x-protobuf");
    expect((await response.arrayBuffer()).byteLength).toBe(0);

    const byTrace = new Map<string, ExpectedSpan[]>();
    for (const span of expectedOf(name).spans) {
      byTrace.set(span.trace_id, [...(byTrace.get(span.trace_id) ?? []), span]);
    }
    for (const [hex, spans] of byTrace) {
      const traceId = `tr-${hex}`;
      const stored = await getTrace(traceId);
      const bySpanId = (a: { span_id: string }, b: { span_id: string }) => a.span_id.localeCompare(b.span_id);
      // Answered decoded: the storage-form JSON text comes back as MLflow's get_trace gives it.
      const answered = spans.map((span) => mlflowSpan(span, answeredValue));
      expect([...stored].sort(bySpanId)).toEqual(answered.sort(bySpanId));

      // The trace's info follows its spans: time range, and state from the root span if it came.
      const info = await infoOf(traceId);
      expect(info.trace_location.mlflow_experiment.experiment_id).toBe(exp);
      const starts = spans.map((s) => BigInt(s.start_time_unix_nano));
      const ends = spans.map((s) => BigInt(s.end_time_unix_nano));
      const minStart = starts.reduce((a, b) => (b < a ? b : a));
      const maxEnd = ends.reduce((a, b) => (b > a ? b : a));
      expect(info.request_time).toBe(nsToIso(String(minStart)));
      const ms = Number(maxEnd / 1_000_000n - minStart / 1_000_000n);
      expect(info.execution_duration).toBe(`${(ms / 1000).toFixed(3)}s`);
      const root = spans.find((s) => s.parent_span_id === undefined);
      expect(info.state).toBe(root ? (root.status.code === 2 ? "ERROR" : "OK") : "IN_PROGRESS");
      if (name === "sdk-mlflow-trace") {
        // Derived from MLflow's attributes (once: token usage sums over every export of a trace).
        expect(info.request_preview).toBe('{"question": "What is MLflow?"}');
        expect(info.response_preview).toBe('"An open source platform for the ML lifecycle."');
        expect(JSON.parse(info.trace_metadata?.["mlflow.trace.tokenUsage"] ?? "")).toEqual({
          input_tokens: 12,
          output_tokens: 7,
          total_tokens: 19,
        });
      }
    }
  });

  // MLflow 3.11's /v1/traces takes protobuf only; Edgeflow refuses OTLP/JSON with MLflow's 400.
  it.each(FIXTURES)("refuses the SDK's JSON encoding of %s (MLflow takes protobuf only)", async (name) => {
    const exp = await createExperiment();
    const json = new TextEncoder().encode(OTLP_JSON[`./fixtures/otlp/${name}.json`]);
    const response = await postOtlp(exp, json, "application/json");
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      detail: "Invalid Content-Type: application/json. Expected: application/x-protobuf",
    });
  });

  // MLflow's OTLP endpoint is FastAPI's: errors are {"detail": ...}, not {"error_code", "message"}.
  it.each(["truncated", "garbled"])("answers %s.bin with a 400, not a 500", async (name) => {
    const exp = await createExperiment();
    const response = await postOtlp(exp, fixtureBytes(name));
    expect(response.status).toBe(400);
    expect(response.headers.get("Content-Type")).toBe("application/json");
    expect(await response.json()).toEqual({ detail: "Invalid OpenTelemetry protobuf format" });
  });
});
