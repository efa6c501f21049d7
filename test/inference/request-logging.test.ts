import { SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { attributeValue } from "../traces/attribute-values";
import {
  BASE,
  clearAliasCache,
  newExperiment,
  registerModel,
  setAlias,
  setModelTag,
  tracesIn,
} from "./helpers";

const IRIS = { inputs: [[5.1, 3.5, 1.4, 0.2]] };

function score(path: string, body: unknown, headers: Record<string, string> = {}) {
  return SELF.fetch(`${BASE}${path}`, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

// Attributes are answered decoded, as MLflow's get_trace answers them (stored as JSON text).
const attributeOf = (span: { attributes?: unknown[] }, key: string) => attributeValue(span, key);

let experiment: string;
let name: string;
beforeAll(async () => {
  experiment = await newExperiment();
  name = await registerModel(["iris-onnx"]);
  await setModelTag(name, "edgeflow.request_logging", JSON.stringify({ experiment_id: experiment }));
  clearAliasCache();
});

describe("request logging", () => {
  it("records an invocation as an MLflow 3 trace, never a header", async () => {
    const response = await score(`/models/${name}/1/invocations`, IRIS, {
      "X-Request-Id": "log-1",
      Authorization: "Bearer secret-token-123",
      Cookie: "session=secret-cookie-456",
    });
    expect(response.status).toBe(200);
    const answer = await response.text();
    const [trace] = await tracesIn(experiment, 1, "tags.`edgeflow.status` = '200'");
    const info = trace?.trace_info;
    expect(info).toMatchObject({
      client_request_id: "log-1",
      state: "OK",
      trace_location: { mlflow_experiment: { experiment_id: experiment } },
      tags: {
        "mlflow.traceName": "invocations",
        "edgeflow.model.name": name,
        "edgeflow.model.version": "1",
        "edgeflow.status": "200",
        "edgeflow.payload": "sampled",
      },
      trace_metadata: { "edgeflow.request_id": "log-1" },
    });
    expect(Number(info?.trace_metadata?.["edgeflow.latency_ms"])).toBeGreaterThanOrEqual(0);
    const [span] = (trace?.spans ?? []) as Parameters<typeof attributeOf>[0][];
    expect(attributeOf(span ?? {}, "mlflow.spanInputs")).toEqual(IRIS);
    expect(attributeOf(span ?? {}, "mlflow.spanOutputs")).toEqual(JSON.parse(answer));
    const everything = JSON.stringify(trace);
    expect(everything).not.toContain("secret-token-123");
    expect(everything).not.toContain("secret-cookie-456");
  });

  it("records refusals with their status, and keeps serving", async () => {
    const refused = await score(
      `/models/${name}/1/invocations`,
      { inputs: [[1, 2]] },
      { "X-Request-Id": "log-bad" },
    );
    expect(refused.status).toBe(400);
    const [trace] = await tracesIn(experiment, 1, "tags.`edgeflow.status` = '400'");
    expect(trace?.trace_info).toMatchObject({ state: "ERROR", client_request_id: "log-bad" });
    const [span] = (trace?.spans ?? []) as Parameters<typeof attributeOf>[0][];
    expect(attributeOf(span ?? {}, "mlflow.spanOutputs")).toMatchObject({
      error_code: "BAD_REQUEST",
    });
    expect((await score(`/models/${name}/1/invocations`, IRIS)).status).toBe(200);
  });

  it("writes a burst of requests, one trace each", async () => {
    const burst = await newExperiment();
    const model = await registerModel(["iris-onnx"]);
    await setModelTag(model, "edgeflow.request_logging", JSON.stringify({ experiment_id: burst }));
    const responses = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        score(`/models/${model}/1/invocations`, IRIS, { "X-Request-Id": `b-${i}` }),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(12).fill(200));
    const traces = await tracesIn(burst, 12);
    expect(new Set(traces.map((t) => t.trace_info?.client_request_id))).toEqual(
      new Set(Array.from({ length: 12 }, (_, i) => `b-${i}`)),
    );
  });

  it("copies bodies only for the sampled share, and cuts them at max_payload_bytes", async () => {
    const unsampled = await newExperiment();
    const quiet = await registerModel(["iris-onnx"]);
    await setModelTag(
      quiet,
      "edgeflow.request_logging",
      JSON.stringify({ experiment_id: unsampled, sample_rate: 0 }),
    );
    await score(`/models/${quiet}/1/invocations`, IRIS);
    const [bare] = await tracesIn(unsampled, 1);
    expect(bare?.trace_info?.tags?.["edgeflow.payload"]).toBe("not_sampled");
    expect(
      attributeOf((bare?.spans?.[0] ?? {}) as Parameters<typeof attributeOf>[0], "mlflow.spanInputs"),
    ).toBeUndefined();

    const small = await newExperiment();
    const capped = await registerModel(["iris-onnx"]);
    await setModelTag(
      capped,
      "edgeflow.request_logging",
      JSON.stringify({ experiment_id: small, max_payload_bytes: 16 }),
    );
    await score(`/models/${capped}/1/invocations`, { inputs: Array(8).fill(IRIS.inputs[0]) });
    const [cut] = await tracesIn(small, 1);
    expect(cut?.trace_info?.tags?.["edgeflow.payload"]).toBe("truncated");
    const inputs = attributeOf(
      (cut?.spans?.[0] ?? {}) as Parameters<typeof attributeOf>[0],
      "mlflow.spanInputs",
    );
    expect(inputs).toBe(`${JSON.stringify({ inputs: Array(8).fill(IRIS.inputs[0]) }).slice(0, 16)}…`);
  });

  it("logs a shadow's copy, tagged as such, next to the live answer", async () => {
    const shadowed = await newExperiment();
    const model = await registerModel(["iris-onnx", "iris-onnx"]);
    await setAlias(model, "live", 1);
    await setModelTag(model, "edgeflow.shadow.live", "2");
    await setModelTag(model, "edgeflow.request_logging", JSON.stringify({ experiment_id: shadowed }));
    const response = await score(`/models/${model}@live/invocations`, IRIS, { "X-Request-Id": "sh-1" });
    expect(response.headers.get("X-Edgeflow-Shadow-Version")).toBe("2");
    const traces = await tracesIn(shadowed, 2);
    const byVersion = Object.fromEntries(
      traces.map((t) => [
        t.trace_info?.tags?.["edgeflow.model.version"],
        t.trace_info?.tags?.["edgeflow.shadow"],
      ]),
    );
    expect(byVersion).toEqual({ "1": undefined, "2": "true" });
  });

  it("is off without the tag, and refuses a malformed tag when it is set", async () => {
    const plain = await registerModel(["iris-onnx"]);
    const metadata = await SELF.fetch(`${BASE}/models/${plain}/1/metadata`);
    expect(await metadata.json()).toMatchObject({ request_logging: null });
    for (const value of [
      "yes please",
      '{"sample_rate": 2}',
      '{"experiment_id": 5}',
      '{"max_payload_bytes": 1e9}',
      '{"rate": 1}',
    ]) {
      await expect(setModelTag(plain, "edgeflow.request_logging", value)).rejects.toMatchObject({
        errorCode: "INVALID_PARAMETER_VALUE",
      });
    }
  });
});
