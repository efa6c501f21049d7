/**
 * `npx tsx scripts/generate-otlp-fixtures.ts`: writes test/traces/fixtures/otlp/, the OTLP trace
 * exports that test/traces/otlp-independent.test.ts feeds to Edgeflow's hand-written decoder.
 *
 * The spans are made by the OpenTelemetry JS SDK (@opentelemetry/sdk-trace 3.1.1: TracerProvider,
 * Tracer, Span; @opentelemetry/resources 3.1.1) and encoded by @opentelemetry/otlp-transformer
 * 0.301.2 — ProtobufTraceSerializer for `<name>.bin`, JsonTraceSerializer for `<name>.json` — the
 * code the JS OTLP/HTTP exporters run. Nothing here imports Edgeflow or test/traces/otlp-encoder.ts.
 *
 * `<name>.expected.json` is read from the SDK's ReadableSpan objects (not from either encoding):
 * ids in hex, times in nanoseconds as decimal text, attributes and events in protobuf's canonical
 * JSON with proto field names (int64 as text, bytes as base64, empty repeated fields left out),
 * status code as OTLP's enum number. The generator also checks that the JSON encoding says the
 * same, so the expectation and the encoder agree before any test runs.
 *
 * `truncated.bin` and `garbled.bin` are damaged copies of sdk-mlflow-trace.bin (see below).
 * The .json files are then re-indented by the repository's formatter (biome), which `npm run check`
 * holds every JSON file to: the same JSON values, the serializer's byte count kept in the
 * expectation. Ids are seeded and timestamps explicit, so re-running rewrites the same bytes; the fixtures are
 * committed and the tests never run this script.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createTraceState, type HrTime, ROOT_CONTEXT, SpanKind, trace } from "@opentelemetry/api";
import { JsonTraceSerializer, ProtobufTraceSerializer } from "@opentelemetry/otlp-transformer";
import type { ReadableSpan } from "@opentelemetry/sdk-trace";
import { addNs, EPOCH, sdkTracer } from "./otlp-sdk-spans";

const OUT = join(import.meta.dirname, "../test/traces/fixtures/otlp");

// --- sdk-mlflow-trace: one MLflow trace, every attribute type, events, a link, OK/ERROR/UNSET.
function mlflowTrace(): ReadableSpan[] {
  const { tracer, under, finished } = sdkTracer({
    seed: 20250101,
    resource: { "service.name": "fixture-agent", "service.version": "1.2.3", "process.pid": 1234 },
    scope: "mlflow.tracing",
    version: "3.11.0",
  });
  const root = tracer.startSpan(
    "predict",
    {
      kind: SpanKind.SERVER,
      startTime: EPOCH,
      links: [
        {
          context: { traceId: "0af7651916cd43dd8448eb211c80319c", spanId: "b7ad6b7169203331", traceFlags: 1 },
          attributes: { "link.reason": "retry of" },
        },
      ],
    },
    ROOT_CONTEXT,
  );
  const mlflowId = `tr-${root.spanContext().traceId}`;
  root.setAttributes({
    "mlflow.spanType": '"CHAIN"',
    "mlflow.spanInputs": '{"question": "What is MLflow?"}',
    "mlflow.spanOutputs": '"An open source platform for the ML lifecycle."',
    // Not first on purpose: MLflow's trace id attribute leads the stored list however it arrives.
    "mlflow.traceRequestId": mlflowId,
    "str.plain": "plain",
    "str.empty": "",
    "str.unicode": "héllo ✓ 日本 🚀",
    "str.bom": "\uFEFFstarts with a byte-order mark",
    "bool.true": true,
    "bool.false": false,
    "int.small": 42,
    "int.zero": 0,
    "int.negative": -7,
    "int.max_safe": Number.MAX_SAFE_INTEGER,
    "int.negative_large": -(2 ** 40),
    "double.plain": 3.25,
    "double.negative": -0.001,
    "double.min_subnormal": 5e-324,
    "double.max": Number.MAX_VALUE,
    "array.str": ["a", "b"],
    "array.int": [1, 2, 3],
    "array.double": [0.5, 1.5],
    "array.bool": [true, false],
    "array.mixed": ["x", 1, 2.5, false, null, [1, "nested"]],
    "array.empty": [],
    "kvlist.nested": {
      model: "gpt-4o-mini",
      params: { temperature: 0.7, max_tokens: 256, stop: ["\n"] },
      empty: {},
    },
    "bytes.value": new Uint8Array([0, 1, 2, 253, 254, 255]),
    "null.value": null,
  });
  root.setStatus({ code: 1 });

  const llm = tracer.startSpan(
    "llm",
    { kind: SpanKind.CLIENT, startTime: addNs(EPOCH, 1_000_001) },
    under(root),
  );
  llm.setAttributes({
    "mlflow.traceRequestId": mlflowId,
    "mlflow.spanType": '"LLM"',
    "mlflow.chat.tokenUsage": '{"input_tokens": 12, "output_tokens": 7, "total_tokens": 19}',
  });
  llm.addEvent("stream.start", addNs(EPOCH, 1_500_000));
  llm.addEvent("chunk", { index: 1, text: "An", final: false, score: 0.75 }, addNs(EPOCH, 2_000_003));
  llm.addEvent(
    "exception",
    { "exception.type": "RateLimitError", "exception.message": "429 Too Many Requests" },
    addNs(EPOCH, 3_000_000),
  );
  llm.setStatus({ code: 2, message: "rate limited" });

  // No mlflow.traceRequestId here: MLflow names the trace "tr-" + the OTel trace id all the same.
  const tool = tracer.startSpan("tool", { startTime: addNs(EPOCH, 4_000_000) }, under(llm));
  tool.setAttribute("tool.name", "search");
  tool.end(addNs(EPOCH, 5_999_999)); // status left UNSET
  llm.end(addNs(EPOCH, 40_000_000));
  root.end(addNs(EPOCH, 50_000_000));
  return finished();
}

// --- sdk-two-resources: two resources (two ResourceSpans), two scopes, a remote parent with a
// trace state, and a second trace without MLflow's attributes, in one request.
function twoResources(): ReadableSpan[] {
  const alpha = sdkTracer({
    seed: 42,
    resource: { "service.name": "alpha", "deployment.environment": "test" },
    scope: "alpha.http",
    version: "0.1.0",
  });
  const remote = trace.setSpanContext(ROOT_CONTEXT, {
    traceId: "4bf92f3577b34da6a3ce929d0e0e4736",
    spanId: "00f067aa0ba902b7",
    traceFlags: 1,
    isRemote: true,
    traceState: createTraceState("vendor=value,other=1"),
  });
  const start: HrTime = [1_735_693_200, 999_999_999];
  const server = alpha.tracer.startSpan("GET /items", { kind: SpanKind.SERVER, startTime: start }, remote);
  server.setAttributes({ "http.request.method": "GET", "http.response.status_code": 200 });
  server.setStatus({ code: 1 });
  // A second instrumentation scope of the same provider: a second ScopeSpans.
  const dbSpan = alpha.provider
    .getTracer("alpha.db", "0.1.0")
    .startSpan("SELECT items", { kind: SpanKind.CLIENT, startTime: addNs(start, 1) }, alpha.under(server));
  dbSpan.setAttributes({ "db.system.name": "sqlite", "db.response.returned_rows": 3 });
  dbSpan.end(addNs(start, 2_000_000));
  server.end(addNs(start, 3_000_000));

  const beta = sdkTracer({
    seed: 43,
    resource: { "service.name": "beta" },
    scope: "beta.queue",
    schemaUrl: "https://opentelemetry.io/schemas/1.30.0",
  });
  const producer = beta.tracer.startSpan(
    "publish",
    { kind: SpanKind.PRODUCER, startTime: addNs(start, 10_000_000) },
    ROOT_CONTEXT,
  );
  producer.addEvent("enqueued", addNs(start, 10_500_000));
  producer.setStatus({ code: 2 }); // an error without a description
  producer.end(addNs(start, 11_000_000));
  return [...alpha.finished(), ...beta.finished()];
}

// --- The expectation, from the ReadableSpans themselves.
type Json = Record<string, unknown>;

const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64");
const ns = (time: HrTime) => (BigInt(time[0]) * 1_000_000_000n + BigInt(time[1])).toString();

/** OTLP sends a JS number as int_value when it is an integer that fits int64, else as double_value. */
const isInt64 = (n: number) => Number.isInteger(n) && n >= -(2 ** 63) && n < 2 ** 63;

/** An attribute value as an OTLP AnyValue in protobuf's canonical JSON (proto field names). */
function anyValue(value: unknown): Json {
  if (value === null || value === undefined) return {};
  if (typeof value === "string") return { string_value: value };
  if (typeof value === "boolean") return { bool_value: value };
  if (typeof value === "number")
    return isInt64(value) ? { int_value: String(value) } : { double_value: value };
  if (value instanceof Uint8Array) return { bytes_value: base64(value) };
  if (Array.isArray(value)) return { array_value: value.length ? { values: value.map(anyValue) } : {} };
  const entries = Object.entries(value as Json);
  return { kvlist_value: entries.length ? { values: entries.map(([k, v]) => keyValue(k, v)) } : {} };
}
const keyValue = (key: string, value: unknown) => ({ key, value: anyValue(value) });
const attributes = (attrs: Json | undefined) => Object.entries(attrs ?? {}).map(([k, v]) => keyValue(k, v));

function expectedSpan(span: ReadableSpan): Json {
  const ctx = span.spanContext();
  return {
    trace_id: ctx.traceId,
    span_id: ctx.spanId,
    ...(span.parentSpanContext?.spanId ? { parent_span_id: span.parentSpanContext.spanId } : {}),
    ...(ctx.traceState ? { trace_state: ctx.traceState.serialize() } : {}),
    name: span.name,
    kind: span.kind + 1, // OTLP's SpanKind counts UNSPECIFIED as 0
    start_time_unix_nano: ns(span.startTime),
    end_time_unix_nano: ns(span.endTime),
    attributes: attributes(span.attributes),
    events: span.events.map((event) => ({
      time_unix_nano: ns(event.time),
      name: event.name,
      attributes: attributes(event.attributes),
    })),
    links: span.links.map((link) => ({
      trace_id: link.context.traceId,
      span_id: link.context.spanId,
      attributes: attributes(link.attributes),
    })),
    status: { code: span.status.code, ...(span.status.message ? { message: span.status.message } : {}) },
    resource: attributes(span.resource.attributes),
    scope: span.instrumentationScope.name,
  };
}

/** The spans in the order the encoders write them: by resource, then scope, then as given. */
function inRequestOrder(spans: ReadableSpan[], json: Json): ReadableSpan[] {
  const byId = new Map(spans.map((span) => [span.spanContext().spanId, span]));
  const order = ((json.resourceSpans as Json[]) ?? []).flatMap((rs) =>
    ((rs.scopeSpans as Json[]) ?? []).flatMap((ss) => (ss.spans as Json[]).map((s) => s.spanId as string)),
  );
  return order.map((id) => byId.get(id) as ReadableSpan);
}

/** The JSON encoding, read back to the expectation's shape: the two must describe the same spans. */
function fromOtlpJson(json: Json): Json[] {
  const value = (v: Json): Json => {
    if ("stringValue" in v) return { string_value: v.stringValue };
    if ("boolValue" in v) return { bool_value: v.boolValue };
    // JsonTraceSerializer calls every integral number an intValue, even 1.8e308, which int64
    // cannot hold; its protobuf twin (and so the expectation) sends those as doubles.
    if ("intValue" in v)
      return isInt64(v.intValue as number) ? { int_value: String(v.intValue) } : { double_value: v.intValue };
    if ("doubleValue" in v) return { double_value: v.doubleValue };
    if ("bytesValue" in v) return { bytes_value: v.bytesValue };
    if ("arrayValue" in v) {
      const values = ((v.arrayValue as Json).values as Json[]) ?? [];
      return { array_value: values.length ? { values: values.map(value) } : {} };
    }
    if ("kvlistValue" in v) {
      const values = ((v.kvlistValue as Json).values as Json[]) ?? [];
      return { kvlist_value: values.length ? { values: values.map(kv) } : {} };
    }
    return {};
  };
  const kv = (x: Json) => ({ key: x.key, value: value(x.value as Json) });
  return ((json.resourceSpans as Json[]) ?? []).flatMap((rs) =>
    ((rs.scopeSpans as Json[]) ?? []).flatMap((ss) =>
      (ss.spans as Json[]).map((s) => ({
        trace_id: s.traceId,
        span_id: s.spanId,
        name: s.name,
        start_time_unix_nano: s.startTimeUnixNano,
        end_time_unix_nano: s.endTimeUnixNano,
        attributes: ((s.attributes as Json[]) ?? []).map(kv),
        status: { code: (s.status as Json).code },
      })),
    ),
  );
}

function pick(span: Json): Json {
  const { trace_id, span_id, name, start_time_unix_nano, end_time_unix_nano, attributes: a, status } = span;
  return {
    trace_id,
    span_id,
    name,
    start_time_unix_nano,
    end_time_unix_nano,
    attributes: a,
    status: { code: (status as Json).code },
  };
}

function write(name: string, spans: ReadableSpan[], description: string): Uint8Array {
  const bin = ProtobufTraceSerializer.serializeRequest(spans);
  const jsonBytes = JsonTraceSerializer.serializeRequest(spans);
  if (!bin || !jsonBytes) throw new Error(`the serializers returned nothing for ${name}`);
  const json = JSON.parse(new TextDecoder().decode(jsonBytes)) as Json;
  const expected = inRequestOrder(spans, json).map(expectedSpan);
  const fromJson = JSON.stringify(fromOtlpJson(json));
  if (fromJson !== JSON.stringify(expected.map(pick)))
    throw new Error(`${name}: JsonTraceSerializer disagrees with the SDK spans`);
  writeFileSync(join(OUT, `${name}.bin`), bin);
  writeFileSync(join(OUT, `${name}.json`), jsonBytes);
  const doc = {
    description,
    made_by:
      "scripts/generate-otlp-fixtures.ts: @opentelemetry/sdk-trace 3.1.1 spans, encoded by @opentelemetry/otlp-transformer 0.301.2",
    bytes: { bin: bin.length, json_as_serialized: jsonBytes.length },
    spans: expected,
  };
  writeFileSync(join(OUT, `${name}.expected.json`), `${JSON.stringify(doc, null, 2)}\n`);
  console.log(`${name}: ${spans.length} spans, ${bin.length} B protobuf, ${jsonBytes.length} B JSON`);
  return bin;
}

mkdirSync(OUT, { recursive: true });
const mlflow = write(
  "sdk-mlflow-trace",
  mlflowTrace(),
  "One MLflow trace of three spans (OK root, ERROR child with events, UNSET grandchild), every AnyValue type, a link.",
);
write(
  "sdk-two-resources",
  twoResources(),
  "Two traces from two resources and three scopes in one request; a remote parent with a trace state; no MLflow attributes.",
);

// truncated.bin: the first 60% of sdk-mlflow-trace.bin, cut inside the first span.
const truncated = mlflow.slice(0, Math.floor(mlflow.length * 0.6));
writeFileSync(join(OUT, "truncated.bin"), truncated);
// garbled.bin: sdk-mlflow-trace.bin whose first ResourceSpans claims 1000 bytes more than follow.
// Its tag is 0x0a (field 1, length-delimited); the varint length after it is rewritten.
const lengthBytes: number[] = [];
let rest = mlflow.length + 1000;
while (rest > 0x7f) {
  lengthBytes.push((rest & 0x7f) | 0x80);
  rest >>>= 7;
}
lengthBytes.push(rest);
let end = 1;
while ((mlflow[end] as number) & 0x80) end++;
const garbled = new Uint8Array([0x0a, ...lengthBytes, ...mlflow.subarray(end + 1)]);
writeFileSync(join(OUT, "garbled.bin"), garbled);
console.log(`truncated.bin: ${truncated.length} B; garbled.bin: ${garbled.length} B`);

execFileSync(join(import.meta.dirname, "../node_modules/.bin/biome"), ["format", "--write", OUT], {
  stdio: "inherit",
});
