import { describe, expect, it } from "vitest";
import { createExperiment } from "../helpers/api";
import { call, clientTrace, sendSpans, traceInfo } from "./helpers";
import { randomBytes, type TestSpan } from "./otlp-encoder";

/**
 * Trace info derived from spans arriving over OTLP, as MLflow 3.11's log_spans derives it:
 * previews from the root span's inputs and outputs, token usage and cost summed over every span
 * (across exports), the session id from OTel's session.id.
 */

type Info = {
  request_preview?: string;
  response_preview?: string;
  trace_metadata?: Record<string, string>;
  tags: Record<string, string>;
  state: string;
  execution_duration?: string;
};

async function infoOf(traceId: string): Promise<Info> {
  const reply = await call<{ trace: { trace_info: Info } }>("GET", `traces/${traceId}`);
  expect(reply.status).toBe(200);
  return reply.body.trace.trace_info;
}

function llmSpan(
  root: TestSpan,
  usage: Record<string, number>,
  extra: TestSpan["attributes"] = {},
): TestSpan {
  return {
    traceId: root.traceId,
    spanId: randomBytes(8),
    parentSpanId: root.spanId,
    name: "llm",
    start: root.start + 1_000_000n,
    end: root.start + 2_000_000n,
    attributes: { "mlflow.chat.tokenUsage": JSON.stringify(usage), ...extra },
    status: { code: 1 },
  };
}

describe("trace info derived from spans", () => {
  it("sets previews from the root span, and sums token usage and cost over exports", async () => {
    const exp = await createExperiment();
    const t = clientTrace();
    const [root] = t.spans as [TestSpan];
    const chat = { messages: [{ role: "user", content: "What is MLflow?" }] };
    root.attributes = {
      ...root.attributes,
      "mlflow.spanInputs": JSON.stringify(chat),
      "mlflow.spanOutputs": JSON.stringify("x".repeat(1500)),
      "session.id": "s-1",
    };
    const first = llmSpan(
      root,
      { input_tokens: 10, output_tokens: 5, total_tokens: 15 },
      {
        "mlflow.llm.cost": JSON.stringify({ input_cost: 0.5, total_cost: 0.5 }),
      },
    );
    const second = llmSpan(root, {
      input_tokens: 1,
      output_tokens: 2,
      total_tokens: 3,
      cache_read_input_tokens: 4,
    });
    // Children first (BatchSpanProcessor order), the root last in a second export.
    expect((await sendSpans(exp, [first, second])).status).toBe(200);
    let info = await infoOf(t.mlflowId);
    expect(info.state).toBe("IN_PROGRESS");
    expect(info.request_preview).toBeUndefined();
    expect(JSON.parse(info.trace_metadata?.["mlflow.trace.tokenUsage"] ?? "")).toEqual({
      input_tokens: 11,
      output_tokens: 7,
      total_tokens: 18,
      cache_read_input_tokens: 4,
    });

    const third = llmSpan(root, { input_tokens: 100, total_tokens: 100 });
    expect((await sendSpans(exp, [root, third])).status).toBe(200);
    info = await infoOf(t.mlflowId);
    expect(info.state).toBe("OK");
    expect(info.execution_duration).toBe("0.050s");
    expect(info.request_preview).toBe("What is MLflow?");
    expect(info.response_preview).toBe(`"${"x".repeat(996)}...`);
    expect(JSON.parse(info.trace_metadata?.["mlflow.trace.tokenUsage"] ?? "")).toEqual({
      input_tokens: 111,
      output_tokens: 7,
      total_tokens: 118,
      cache_read_input_tokens: 4,
    });
    expect(JSON.parse(info.trace_metadata?.["mlflow.trace.cost"] ?? "")).toEqual({
      input_cost: 0.5,
      output_cost: 0,
      total_cost: 0.5,
    });
    expect(info.trace_metadata?.["mlflow.trace.session"]).toBe("s-1");
  });

  it("keeps previews and metadata StartTraceV3 sets, and derives nothing from a trace without them", async () => {
    const exp = await createExperiment();
    const t = clientTrace();
    await call(
      "POST",
      "traces",
      traceInfo(exp, t.mlflowId, Number(t.start / 1_000_000n), {
        request_preview: "from the client",
        trace_metadata: { "mlflow.trace.tokenUsage": '{"input_tokens": 1}' },
      }),
    );
    const [root] = t.spans as [TestSpan];
    root.attributes = { ...root.attributes, "mlflow.spanOutputs": '"answer"' };
    expect((await sendSpans(exp, [...t.spans, llmSpan(root, { input_tokens: 2 })])).status).toBe(200);
    const info = await infoOf(t.mlflowId);
    expect(info.request_preview).toBe("from the client");
    expect(info.response_preview).toBe('"answer"');
    expect(JSON.parse(info.trace_metadata?.["mlflow.trace.tokenUsage"] ?? "")).toEqual({ input_tokens: 3 });

    const plain = clientTrace();
    expect((await sendSpans(exp, plain.spans)).status).toBe(200);
    const bare = await infoOf(plain.mlflowId);
    expect(bare.request_preview).toBe('{"x": 1}');
    expect(bare.response_preview).toBeUndefined();
    expect(bare.trace_metadata).toBeUndefined();
  });
});
