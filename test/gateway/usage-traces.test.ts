import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { attributeValue } from "../traces/attribute-values";
import { call } from "../traces/helpers";
import { type Body, definition, endpoint, events, post, primary, STORE, secret } from "./helpers";

/**
 * Usage tracking (MLflow 3.11's usage_tracking, on by default): each call through an endpoint is
 * a trace in its experiment, shaped as MLflow's gateway writes one: a root span
 * `gateway/<endpoint>` with the payload and the answer, a `provider/<provider>/<model>` LLM span
 * per model tried with its token usage, the endpoint's id in the metadata, and no secret anywhere.
 */

const KEY = "sk-test-usage-0123456789";

/** The endpoint's traces, once the worker has written them (after the response). */
async function tracesOf(experimentId: string, count: number): Promise<Body[]> {
  for (let i = 0; i < 50; i++) {
    const found = await call<{ traces?: Body[] }>("POST", "traces/search", {
      locations: [{ type: "MLFLOW_EXPERIMENT", mlflow_experiment: { experiment_id: experimentId } }],
      order_by: ["timestamp_ms ASC"],
    });
    const traces = found.body.traces ?? [];
    if (traces.length >= count) {
      const ids = traces.map((t) => t.trace_id);
      const full = await call<{ traces: Body[] }>("GET", "traces/batchGet", { trace_ids: ids });
      return full.body.traces;
    }
    await new Promise((resolve) => setTimeout(resolve, 40));
  }
  throw new Error(`fewer than ${count} traces in experiment ${experimentId}`);
}

// Attributes are answered decoded, as MLflow's get_trace answers them (stored as JSON text).
const attribute = (span: Body, key: string) => attributeValue(span, key);

async function trackedEndpoint(models: string[], extra: Body = {}) {
  const secretId = await secret(KEY);
  const configs: Body[] = [];
  for (const [i, model] of models.entries()) {
    const id = await definition(secretId, model);
    configs.push(
      i === 0 ? primary(id) : { model_definition_id: id, linkage_type: "FALLBACK", fallback_order: i },
    );
  }
  const name = await endpoint(configs, extra);
  const created = await endpointNamed(name);
  return { name, experimentId: created.experiment_id as string };
}

const endpointNamed = async (name: string): Promise<Body> =>
  ((await (await SELF.fetch(`${STORE}/endpoints/get?name=${name}`)).json()) as Body).endpoint;

describe("gateway usage tracking", () => {
  it("records a call as a trace with the model's token usage, and a stream's text put together", async () => {
    const { name, experimentId } = await trackedEndpoint(["gpt-4o"]);
    expect(experimentId).toMatch(/^\d+$/);
    const plain = await post(`/gateway/${name}/mlflow/invocations`, {
      messages: [{ role: "user", content: "count my tokens" }],
    });
    expect(plain.status).toBe(200);
    const streamed = await post(`/gateway/${name}/mlflow/invocations`, {
      messages: [{ role: "user", content: "stream me" }],
      stream: true,
    });
    expect(events(streamed.text).length).toBeGreaterThan(1);

    const [first, second] = await tracesOf(experimentId, 2);
    const info = first?.trace_info as Body;
    expect(info.state).toBe("OK");
    expect(info.trace_metadata).toMatchObject({
      "mlflow.gateway.endpointId": expect.stringMatching(/^e-/),
      "mlflow.gateway.requestType": "unified/chat",
      "mlflow.trace.tokenUsage": JSON.stringify({ input_tokens: 5, output_tokens: 4, total_tokens: 9 }),
    });
    expect(info.request_preview).toContain("count my tokens");
    expect(info.response_preview).toContain("echo: count my tokens");
    const spans = first?.spans as Body[];
    const root = spans.find((s) => !s.parent_span_id) as Body;
    const child = spans.find((s) => s.parent_span_id) as Body;
    expect(root.name).toBe(`gateway/${name}`);
    expect(attribute(root, "endpoint_name")).toBe(name);
    expect(child.name).toBe("provider/openai/gpt-4o");
    expect(attribute(child, "mlflow.spanType")).toBe("LLM");
    expect(attribute(child, "mlflow.llm.provider")).toBe("openai");
    expect(attribute(child, "mlflow.chat.tokenUsage")).toEqual({
      input_tokens: 5,
      output_tokens: 4,
      total_tokens: 9,
    });

    const streamSpans = second?.spans as Body[];
    const streamRoot = streamSpans.find((s) => !s.parent_span_id) as Body;
    expect(attribute(streamRoot, "mlflow.spanOutputs")).toMatchObject({
      object: "chat.completion",
      choices: [{ message: { role: "assistant", content: "echo: stream me" }, finish_reason: "stop" }],
    });
    expect(JSON.stringify([first, second])).not.toContain(KEY);
  });

  it("records a failed model and its fallback as two spans, and a failed call as an ERROR trace", async () => {
    const fallback = await trackedEndpoint(["fail-500", "gpt-4o"]);
    expect(
      (
        await post(`/gateway/${fallback.name}/mlflow/invocations`, {
          messages: [{ role: "user", content: "x" }],
        })
      ).status,
    ).toBe(200);
    const [saved] = await tracesOf(fallback.experimentId, 1);
    const children = (saved?.spans as Body[]).filter((s) => s.parent_span_id);
    expect(children.map((s) => [s.name, s.status.code])).toEqual([
      ["provider/openai/fail-500", "STATUS_CODE_ERROR"],
      ["provider/openai/gpt-4o", "STATUS_CODE_OK"],
    ]);

    const failing = await trackedEndpoint(["fail-500"]);
    const failed = await post(`/gateway/${failing.name}/mlflow/invocations`, {
      messages: [{ role: "user", content: "x" }],
    });
    expect(failed.status).toBe(502);
    const [error] = await tracesOf(failing.experimentId, 1);
    expect(error?.trace_info.state).toBe("ERROR");
  });

  it("records nothing when usage tracking is off", async () => {
    const secretId = await secret(KEY);
    const name = await endpoint([primary(await definition(secretId, "gpt-4o"))], { usage_tracking: false });
    const created = await endpointNamed(name);
    expect(created).toMatchObject({ usage_tracking: false });
    expect(created.experiment_id).toBeUndefined();
    expect(
      (await post(`/gateway/${name}/mlflow/invocations`, { messages: [{ role: "user", content: "x" }] }))
        .status,
    ).toBe(200);
  });
});
