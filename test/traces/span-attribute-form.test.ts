import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { answeredValue, storedValue } from "../../packages/core/src/traces/attribute-form";
import { type Body, definition, endpoint, post, primary, STORE, secret } from "../gateway/helpers";
import { createExperiment } from "../helpers/api";
import { type AnyValue, attributeAnyValue, attributeValue } from "./attribute-values";
import { call, sendSpans } from "./helpers";
import { hex, randomBytes, type TestSpan } from "./otlp-encoder";

/**
 * Span attributes stored in MLflow's storage form (JSON text) and answered decoded, as MLflow's
 * get_trace answers trace.to_proto() (Span.to_otel_proto: json.loads, then
 * _set_otel_proto_anyvalue). Spans arrive in either form: OpenTelemetry SDK exporters and the
 * serving log write JSON text, the 3.11 client's log_spans decoded AnyValues; both come back as
 * the 3.11 client reads them, and trace info derivation and search see JSON text for both.
 */

type Span = Record<string, unknown> & { attributes: { key: string; value: AnyValue }[] };
type Info = { trace_id: string; request_preview?: string; trace_metadata?: Record<string, string> };

const kv = (key: string, value: AnyValue) => ({ key, value });
const str = (value: string) => ({ string_value: value });
const int = (value: number) => ({ int_value: String(value) });
const kvlist = (entries: [string, AnyValue][]) => ({
  kvlist_value: { values: entries.map(([key, value]) => kv(key, value)) },
});

/** A two-span trace: a CHAIN root and an LLM child, with `root` and `llm` attributes. */
function trace(root: TestSpan["attributes"], llm: TestSpan["attributes"]) {
  const traceId = randomBytes(16);
  const rootId = randomBytes(8);
  const start = BigInt(Date.now()) * 1_000_000n;
  const mlflowId = `tr-${hex(traceId)}`;
  const spans: TestSpan[] = [
    {
      traceId,
      spanId: rootId,
      name: "agent",
      start,
      end: start + 9_000_000n,
      attributes: root,
      status: { code: 1 },
    },
    {
      traceId,
      spanId: randomBytes(8),
      parentSpanId: rootId,
      name: "llm",
      start: start + 1_000_000n,
      end: start + 8_000_000n,
      attributes: llm,
      status: { code: 1 },
    },
  ];
  return { mlflowId, spans };
}

async function getSpans(traceId: string): Promise<{ info: Info; root: Span; llm: Span }> {
  const got = await call<{ trace: { trace_info: Info; spans: Span[] } }>("GET", "traces/get", {
    trace_id: traceId,
  });
  expect(got.status).toBe(200);
  const [root, llm] = got.body.trace.spans as [Span, Span];
  return { info: got.body.trace.trace_info, root, llm };
}

async function found(experimentId: string, filter: string): Promise<string[]> {
  const reply = await call<{ traces?: Info[] }>("POST", "traces/search", {
    locations: [{ type: "MLFLOW_EXPERIMENT", mlflow_experiment: { experiment_id: experimentId } }],
    filter: filter || undefined,
  });
  expect(reply.status, filter).toBe(200);
  return (reply.body.traces ?? []).map((t) => t.trace_id).sort();
}

const USAGE = { input_tokens: 12, output_tokens: 7, total_tokens: 19 };
const usageKvlist = kvlist([
  ["input_tokens", int(12)],
  ["output_tokens", int(7)],
  ["total_tokens", int(19)],
]);

// As an OpenTelemetry SDK exporter sends MLflow's spans: every MLflow attribute JSON text.
const storage = () =>
  trace(
    {
      "mlflow.spanType": '"CHAIN"',
      "mlflow.spanInputs": JSON.stringify({ question: "What is MLflow?", n: 3, ratio: 0.5 }),
      "mlflow.spanOutputs": '"An open source platform"',
      "tool.name": "search",
      // JSON text of a number: MLflow 3.11 takes it as a string (sanitize_attributes keeps
      // only JSON strings, lists and dicts as stored form), so it is answered as "5".
      count: "5",
    },
    { "mlflow.spanType": '"LLM"', "mlflow.chat.tokenUsage": JSON.stringify(USAGE) },
  );

// As the 3.11 client's log_spans sends them (Span.to_otel_proto): decoded AnyValues.
const decoded = () =>
  trace(
    {
      "mlflow.spanType": "CHAIN",
      "mlflow.spanInputs": { messages: [{ role: "user", content: "decoded question" }] },
      "mlflow.spanOutputs": "a plain answer",
      answer: "42",
      flag: true,
      ratio: 1.0,
      mixed: [1.0, 2n, "x", false],
    },
    {
      "mlflow.spanType": "LLM",
      "mlflow.chat.tokenUsage": { input_tokens: 12n, output_tokens: 7n, total_tokens: 19n },
    },
  );

describe("span attributes: stored as JSON text, answered decoded", () => {
  it("answers a span sent in storage form with decoded AnyValues", async () => {
    const exp = await createExperiment();
    const t = storage();
    expect((await sendSpans(exp, t.spans)).status).toBe(200);
    const { root, llm } = await getSpans(t.mlflowId);
    expect(attributeAnyValue(root, "mlflow.spanType")).toEqual(str("CHAIN"));
    expect(attributeAnyValue(llm, "mlflow.spanType")).toEqual(str("LLM"));
    expect(attributeAnyValue(root, "mlflow.spanInputs")).toEqual(
      kvlist([
        ["question", str("What is MLflow?")],
        ["n", int(3)],
        ["ratio", { double_value: 0.5 }],
      ]),
    );
    expect(attributeAnyValue(root, "mlflow.spanOutputs")).toEqual(str("An open source platform"));
    expect(attributeAnyValue(llm, "mlflow.chat.tokenUsage")).toEqual(usageKvlist);
    // Not JSON: answered as written. The trace id attribute Edgeflow adds reads the same.
    expect(attributeAnyValue(root, "tool.name")).toEqual(str("search"));
    expect(attributeAnyValue(root, "count")).toEqual(str("5"));
    expect(attributeAnyValue(root, "mlflow.traceRequestId")).toEqual(str(t.mlflowId));
  });

  it("answers a span sent in decoded form as it was sent; a plain string '42' stays a string", async () => {
    const exp = await createExperiment();
    const t = decoded();
    expect((await sendSpans(exp, t.spans)).status).toBe(200);
    const { root, llm } = await getSpans(t.mlflowId);
    expect(root.attributes).toEqual([
      kv("mlflow.traceRequestId", str(t.mlflowId)),
      kv("mlflow.spanType", str("CHAIN")),
      kv(
        "mlflow.spanInputs",
        kvlist([
          [
            "messages",
            {
              array_value: {
                values: [
                  kvlist([
                    ["role", str("user")],
                    ["content", str("decoded question")],
                  ]),
                ],
              },
            },
          ],
        ]),
      ),
      kv("mlflow.spanOutputs", str("a plain answer")),
      kv("answer", str("42")),
      kv("flag", { bool_value: true }),
      kv("ratio", { double_value: 1 }),
      // An integral double in a list keeps its type through the JSON text ("[1.0, 2, ...]").
      kv("mixed", {
        array_value: { values: [{ double_value: 1 }, int(2), str("x"), { bool_value: false }] },
      }),
    ]);
    expect(attributeAnyValue(llm, "mlflow.spanType")).toEqual(str("LLM"));
    expect(attributeAnyValue(llm, "mlflow.chat.tokenUsage")).toEqual(usageKvlist);
  });

  it("derives token usage and previews, and finds spans by attribute, for both forms", async () => {
    const exp = await createExperiment();
    const [s, d] = [storage(), decoded()];
    expect((await sendSpans(exp, s.spans)).status).toBe(200);
    expect((await sendSpans(exp, d.spans)).status).toBe(200);
    for (const t of [s, d]) {
      const { info } = await getSpans(t.mlflowId);
      expect(JSON.parse(info.trace_metadata?.["mlflow.trace.tokenUsage"] ?? "null")).toEqual(USAGE);
    }
    // No chat messages: the inputs' JSON text as sent.
    expect((await getSpans(s.mlflowId)).info.request_preview).toBe(
      '{"question":"What is MLflow?","n":3,"ratio":0.5}',
    );
    expect((await getSpans(d.mlflowId)).info.request_preview).toBe("decoded question");
    const both = [s.mlflowId, d.mlflowId].sort();
    expect(await found(exp, "span.attributes.`mlflow.spanType` = 'LLM'")).toEqual(both);
    expect(await found(exp, "span.type = 'LLM'")).toEqual(both);
    expect(await found(exp, "span.attributes.`mlflow.spanOutputs` = 'a plain answer'")).toEqual([d.mlflowId]);
    expect(await found(exp, "span.attributes.answer = '42'")).toEqual([d.mlflowId]);
    expect(await found(exp, "span.attributes.`tool.name` = 'search'")).toEqual([s.mlflowId]);
  });

  it("answers a gateway usage trace's LLM span decoded", async () => {
    const secretId = await secret("sk-test-form-0123456789");
    const name = await endpoint([primary(await definition(secretId, "gpt-4o"))]);
    const created = (await (await SELF.fetch(`${STORE}/endpoints/get?name=${name}`)).json()) as Body;
    const experimentId = created.endpoint.experiment_id as string;
    const answer = await post(`/gateway/${name}/mlflow/invocations`, {
      messages: [{ role: "user", content: "count my tokens" }],
    });
    expect(answer.status).toBe(200);
    let traceId: string | undefined;
    for (let i = 0; i < 50 && !traceId; i++) {
      [traceId] = await found(experimentId, "");
      if (!traceId) await new Promise((resolve) => setTimeout(resolve, 40));
    }
    const got = await call<{ trace: { spans: Span[] } }>("GET", "traces/get", { trace_id: traceId });
    const root = got.body.trace.spans.find((span) => !span.parent_span_id) as Span;
    const llm = got.body.trace.spans.find((span) => span.parent_span_id) as Span;
    expect(attributeAnyValue(llm, "mlflow.spanType")).toEqual(str("LLM"));
    expect(attributeAnyValue(llm, "mlflow.chat.tokenUsage")).toEqual(
      kvlist([
        ["input_tokens", int(5)],
        ["output_tokens", int(4)],
        ["total_tokens", int(9)],
      ]),
    );
    expect(attributeAnyValue(root, "mlflow.traceRequestId")).toEqual(str(traceId as string));
    expect(attributeValue(root, "mlflow.spanInputs")).toMatchObject({
      messages: [{ role: "user", content: "count my tokens" }],
    });
  });
});

describe("the attribute form rules", () => {
  it("stores decoded values as JSON text, and keeps storage-form and non-JSON text as written", () => {
    expect(storedValue(str('"LLM"'))).toEqual(str('"LLM"'));
    expect(storedValue(str('{"a": 1}'))).toEqual(str('{"a": 1}'));
    expect(storedValue(str("LLM"))).toEqual(str("LLM"));
    expect(storedValue(str("42"))).toEqual(str('"42"'));
    expect(storedValue(str("null"))).toEqual(str('"null"'));
    expect(storedValue(int(7))).toEqual(int(7));
    expect(storedValue(kvlist([["x", { double_value: 2 }]]))).toEqual(str('{"x": 2.0}'));
    expect(storedValue({ array_value: {} })).toEqual(str("[]"));
  });

  it("answers JSON text as MLflow's AnyValues: exact ints, floats as doubles, null unset", () => {
    expect(answeredValue(str("12345678901234567890"))).toEqual({ double_value: 12345678901234567000 });
    expect(answeredValue(str("9007199254740993"))).toEqual({ int_value: "9007199254740993" });
    expect(answeredValue(str("1.0"))).toEqual({ double_value: 1 });
    expect(answeredValue(str("NaN"))).toEqual({ double_value: "NaN" });
    expect(answeredValue(str("null"))).toEqual({});
    expect(answeredValue(str(' {"k": [true, null], "k2": {}} '))).toEqual(
      kvlist([
        ["k", { array_value: { values: [{ bool_value: true }, {}] } }],
        ["k2", { kvlist_value: {} }],
      ]),
    );
    // Not JSON as Python's json.loads reads it: answered as written.
    for (const text of ["", "plain", "\uFEFF1", "01", "1.", "'x'", '"tab\there"', "[1,]", "{}x"]) {
      expect(answeredValue(str(text)), text).toEqual(str(text));
    }
    expect(answeredValue({ bytes_value: "AAE=" })).toEqual({ bytes_value: "AAE=" });
  });
});
