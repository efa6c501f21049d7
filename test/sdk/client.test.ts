import { MlflowError, optionsFromEnvironment } from "@edgeflow/sdk";
import { describe, expect, it } from "vitest";
import { sdkClient } from "./helpers";

const unique = (prefix: string) => `${prefix}-${crypto.randomUUID().slice(0, 8)}`;

describe("the SDK's typed client", () => {
  it("creates, reads and searches through the endpoint table's messages", async () => {
    const { client } = sdkClient();
    const name = unique("sdk-exp");
    const { experiment_id } = await client.createExperiment({ name, tags: [{ key: "team", value: "ml" }] });
    expect(experiment_id).toMatch(/^\d+$/);
    const { experiment } = await client.getExperimentByName({ experiment_name: name });
    expect(experiment?.tags).toEqual([{ key: "team", value: "ml" }]);
    const { run } = await client.createRun({
      experiment_id: experiment_id ?? "",
      run_name: "r1",
      start_time: 1000,
    });
    const runId = run?.info?.run_id ?? "";
    await client.logBatch({
      run_id: runId,
      metrics: [{ key: "loss", value: Number.NaN, timestamp: 5, step: 1 }],
      params: [{ key: "lr", value: "0.1" }],
    });
    const found = await client.searchRuns({
      experiment_ids: [experiment_id ?? ""],
      filter: "params.lr = '0.1'",
    });
    expect(found.runs?.map((r) => r.info?.run_id)).toEqual([runId]);
    // A NaN travels as MLflow's "NaN" and comes back a number.
    const history = await client.getMetricHistory({ run_id: runId, metric_key: "loss" });
    expect(Number.isNaN(history.metrics?.[0]?.value)).toBe(true);
  });

  it("sends GET messages as query strings, lists as repeated keys", async () => {
    const { client, wire } = sdkClient();
    const { run: a } = await client.createRun({ experiment_id: "0" });
    const { run: b } = await client.createRun({ experiment_id: "0" });
    const ids = [a?.info?.run_id ?? "", b?.info?.run_id ?? ""];
    for (const run_id of ids)
      await client.logMetric({ run_id, key: "acc", value: 0.5, timestamp: 1, step: 0 });
    const bulk = await client.getMetricHistoryBulkInterval({
      run_ids: ids,
      metric_key: "acc",
      max_results: 10,
    });
    expect(bulk.metrics?.map((m) => m.run_id).sort()).toEqual([...ids].sort());
    const sent = new URL(wire.requests.at(-1)?.url ?? "");
    expect(sent.pathname).toBe("/api/2.0/mlflow/metrics/get-history-bulk-interval");
    expect(sent.searchParams.getAll("run_ids")).toEqual(ids);
  });

  it("fills path parameters and serves MLflow 3 endpoints under their own version", async () => {
    const { client, wire } = sdkClient();
    const { model } = await client.createLoggedModel({ experiment_id: "0", name: "sdk-model" });
    const modelId = model?.info?.model_id ?? "";
    const { model: again } = await client.getLoggedModel({ model_id: modelId });
    expect(again?.info?.name).toBe("sdk-model");
    expect(new URL(wire.requests.at(-1)?.url ?? "").pathname).toBe(
      `/api/2.0/mlflow/logged-models/${modelId}`,
    );
    const { traces } = await client.searchTracesV3({
      locations: [{ type: "MLFLOW_EXPERIMENT", mlflow_experiment: { experiment_id: "0" } }],
    });
    expect(traces ?? []).toEqual(expect.any(Array));
    expect(new URL(wire.requests.at(-1)?.url ?? "").pathname).toBe("/api/3.0/mlflow/traces/search");
  });

  it("throws MlflowError with the server's error_code and status", async () => {
    const { client } = sdkClient();
    const error = await client.getExperiment({ experiment_id: "987654321" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MlflowError);
    expect((error as MlflowError).errorCode).toBe("RESOURCE_DOES_NOT_EXIST");
    expect((error as MlflowError).httpStatus).toBe(404);
    const missing = await client.createExperiment({ name: "" }).catch((e: unknown) => e);
    expect((missing as MlflowError).errorCode).toBe("INVALID_PARAMETER_VALUE");
  });

  it("retries 429, 5xx and dropped connections, then answers", async () => {
    const { client, wire } = sdkClient();
    wire.before = (_request, index) => {
      if (index === 0) return new Response("busy", { status: 503 });
      if (index === 1)
        return new Response(JSON.stringify({ error_code: "REQUEST_LIMIT_EXCEEDED" }), { status: 429 });
      if (index === 2) throw new TypeError("connection reset");
      return undefined;
    };
    const { experiments } = await client.searchExperiments({ max_results: 1 });
    expect(experiments?.length).toBe(1);
    expect(wire.requests.length).toBe(4);
  });

  it("gives up after its tries with the last answer's error", async () => {
    const { client, wire } = sdkClient({ retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 1 } });
    wire.before = () =>
      new Response(JSON.stringify({ error_code: "TEMPORARILY_UNAVAILABLE", message: "down" }), {
        status: 503,
      });
    const error = (await client.searchExperiments({}).catch((e: unknown) => e)) as MlflowError;
    expect(error.errorCode).toBe("TEMPORARILY_UNAVAILABLE");
    expect(wire.requests.length).toBe(3);
    // A 4xx is the caller's mistake: never retried.
    const second = sdkClient();
    await second.client.getRun({ run_id: "nope" }).catch(() => {});
    expect(second.wire.requests.length).toBe(1);
  });

  it("sends Basic credentials or a bearer token, from options or MLflow's variables", async () => {
    const basic = sdkClient({ username: "alice", password: "s3cret" });
    await basic.client.searchExperiments({}).catch(() => {});
    expect(basic.wire.requests[0]?.headers.get("Authorization")).toBe(`Basic ${btoa("alice:s3cret")}`);
    const options = optionsFromEnvironment(
      {},
      {
        MLFLOW_TRACKING_URI: "https://mlflow.example",
        MLFLOW_TRACKING_TOKEN: "tok",
        EDGEFLOW_USERNAME: "bob",
      },
    );
    expect(options).toMatchObject({ trackingUri: "https://mlflow.example", token: "tok", username: "bob" });
    expect(optionsFromEnvironment({ token: undefined }, { MLFLOW_TRACKING_TOKEN: "tok" }).token).toBe("tok");
    const bearer = sdkClient({ token: "tok", username: "ignored" });
    await bearer.client.searchExperiments({}).catch(() => {});
    expect(bearer.wire.requests[0]?.headers.get("Authorization")).toBe("Bearer tok");
    expect(() => sdkClient({ trackingUri: "file:///etc" })).toThrow(MlflowError);
  });
});
