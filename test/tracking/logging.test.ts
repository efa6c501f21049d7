import { describe, expect, it } from "vitest";
import { createExperiment, createRun, get, getRun, post } from "../helpers/api";

type Metric = { key: string; value: number | string; timestamp: number; step: number };

describe("logging metrics, params and tags", () => {
  it("logs a metric and keeps the latest by (step, timestamp, value)", async () => {
    const runId = (await createRun(await createExperiment())).info.run_id;
    await post("runs/log-metric", { run_id: runId, key: "loss", value: 0.5, timestamp: 100, step: 2 });
    await post("runs/log-metric", { run_id: runId, key: "loss", value: 0.9, timestamp: 200, step: 1 });
    await post("runs/log-metric", { run_id: runId, key: "loss", value: 0.4, timestamp: 100, step: 2 });
    const latest = (await getRun(runId)).data.metrics?.find((m) => m.key === "loss");
    expect(latest).toEqual({ key: "loss", value: 0.5, timestamp: 100, step: 2 });
    const history = await get<{ metrics: Metric[] }>("metrics/get-history", {
      run_id: runId,
      metric_key: "loss",
    });
    expect(history.body.metrics.map((m) => m.value)).toEqual([0.9, 0.4, 0.5]);
  });

  it("round-trips NaN and +-Infinity", async () => {
    const runId = (await createRun(await createExperiment())).info.run_id;
    let step = 0;
    for (const value of ["NaN", "Infinity", "-Infinity"]) {
      const r = await post("runs/log-metric", { run_id: runId, key: `m${step}`, value, timestamp: 1, step });
      expect(r.status).toBe(200);
      step += 1;
    }
    const metrics = (await getRun(runId)).data.metrics ?? [];
    expect(metrics.map((m) => m.value)).toEqual(["NaN", "Infinity", "-Infinity"]);
    const history = await get<{ metrics: Metric[] }>("metrics/get-history", {
      run_id: runId,
      metric_key: "m1",
    });
    expect(history.body.metrics[0]?.value).toBe("Infinity");
  });

  it("refuses to change a logged param, but accepts the same value again", async () => {
    const runId = (await createRun(await createExperiment())).info.run_id;
    expect((await post("runs/log-parameter", { run_id: runId, key: "lr", value: "0.1" })).status).toBe(200);
    expect((await post("runs/log-parameter", { run_id: runId, key: "lr", value: "0.1" })).status).toBe(200);
    const changed = await post("runs/log-parameter", { run_id: runId, key: "lr", value: "0.2" });
    expect(changed).toMatchObject({ status: 400, body: { error_code: "INVALID_PARAMETER_VALUE" } });
    expect(String(changed.body.message)).toContain("Changing param values is not allowed");
    const inBatch = await post("runs/log-batch", {
      run_id: runId,
      params: [
        { key: "other", value: "x" },
        { key: "lr", value: "0.3" },
      ],
      metrics: [{ key: "m", value: 1, timestamp: 1 }],
    });
    expect(inBatch.status).toBe(400);
    // Atomic: nothing of the failed batch landed.
    const run = await getRun(runId);
    expect(run.data.params).toEqual([{ key: "lr", value: "0.1" }]);
    expect(run.data.metrics).toBeUndefined();
  });

  it("logs a batch of metrics, params and tags at MLflow's limits", async () => {
    const runId = (await createRun(await createExperiment())).info.run_id;
    const metrics = Array.from({ length: 900 }, (_, i) => ({
      key: `m${i % 30}`,
      value: i,
      timestamp: 1000 + i,
      step: i,
    }));
    const params = Array.from({ length: 50 }, (_, i) => ({ key: `p${i}`, value: `v${i}` }));
    const tags = Array.from({ length: 50 }, (_, i) => ({ key: `t${i}`, value: `v${i}` }));
    const response = await post("runs/log-batch", { run_id: runId, metrics, params, tags });
    expect(response).toEqual({ status: 200, body: {} });
    const run = await getRun(runId);
    expect(run.data.metrics).toHaveLength(30);
    expect(run.data.metrics?.find((m) => m.key === "m0")).toMatchObject({ value: 870, step: 870 });
    expect(run.data.params).toHaveLength(50);
    const history = await get<{ metrics: Metric[] }>("metrics/get-history", {
      run_id: runId,
      metric_key: "m5",
    });
    expect(history.body.metrics).toHaveLength(30);
  });

  it("enforces the batch limits and key/value rules", async () => {
    const runId = (await createRun(await createExperiment())).info.run_id;
    const metric = (i: number) => ({ key: `m${i}`, value: i, timestamp: 1 });
    const cases: [string, Record<string, unknown>][] = [
      ["1001 metrics", { metrics: Array.from({ length: 1001 }, (_, i) => metric(i)) }],
      ["101 params", { params: Array.from({ length: 101 }, (_, i) => ({ key: `p${i}`, value: "v" })) }],
      ["101 tags", { tags: Array.from({ length: 101 }, (_, i) => ({ key: `t${i}`, value: "v" })) }],
      [
        "1001 entities",
        {
          metrics: Array.from({ length: 1000 }, (_, i) => metric(i)),
          params: [{ key: "p", value: "v" }],
        },
      ],
      [
        "duplicate param keys",
        {
          params: [
            { key: "p", value: "1" },
            { key: "p", value: "2" },
          ],
        },
      ],
      ["param value too long", { params: [{ key: "p", value: "x".repeat(6001) }] }],
      ["key too long", { params: [{ key: "k".repeat(251), value: "x" }] }],
      ["bad key characters", { metrics: [{ key: "a*b", value: 1, timestamp: 1 }] }],
      ["path traversal key", { tags: [{ key: "../x", value: "1" }] }],
      ["negative timestamp", { metrics: [{ key: "m", value: 1, timestamp: -1 }] }],
      ["metric value not a number", { metrics: [{ key: "m", value: "abc", timestamp: 1 }] }],
      ["metric without timestamp", { metrics: [{ key: "m", value: 1 }] }],
      ["metrics not a list", { metrics: { key: "m" } }],
    ];
    for (const [name, body] of cases) {
      const response = await post("runs/log-batch", { run_id: runId, ...body });
      expect(response.status, name).toBe(400);
      expect(response.body.error_code, name).toBe("INVALID_PARAMETER_VALUE");
    }
    expect((await getRun(runId)).data).toEqual({ tags: expect.any(Array) });
    const unknownRun = await post("runs/log-batch", {
      run_id: "abcdefabcdefabcdefabcdefabcdefab",
      metrics: [metric(1)],
    });
    expect(unknownRun.status).toBe(404);
  });

  it("reports a batch entry missing a required field as the whole list, in MLflow's words", async () => {
    const runId = (await createRun(await createExperiment())).info.run_id;
    const noTimestamp = await post("runs/log-batch", {
      run_id: runId,
      metrics: [{ key: "mae", value: 2.5 }],
    });
    expect(noTimestamp).toEqual({
      status: 400,
      body: {
        error_code: "INVALID_PARAMETER_VALUE",
        message:
          "Invalid value [{'key': 'mae', 'value': 2.5}] for parameter 'metrics' supplied. Hint: Value was of type 'list'. See the API docs for more information about request parameters.",
      },
    });
    for (const field of ["metrics", "params", "tags"]) {
      const response = await post("runs/log-batch", { run_id: runId, [field]: "foo" });
      expect(response.status, field).toBe(400);
      expect(String(response.body.message), field).toContain(
        `Invalid value foo for parameter '${field}' supplied. Hint: Value was of type 'str'.`,
      );
    }
    const noKey = await post("runs/log-batch", { run_id: runId, params: [{ value: "it's" }], tags: [] });
    expect(String(noKey.body.message)).toContain(`Invalid value [{'value': "it's"}] for parameter 'params'`);
    const ok = await post("runs/log-batch", {
      run_id: runId,
      metrics: [{ key: "mae", value: 2.5, timestamp: 123456789 }],
    });
    expect(ok.status).toBe(200);
  });

  it("pages metric history and samples it for charts", async () => {
    const runId = (await createRun(await createExperiment())).info.run_id;
    const metrics = Array.from({ length: 1000 }, (_, i) => ({
      key: "curve",
      value: i / 10,
      timestamp: 5000 + i,
      step: i,
    }));
    await post("runs/log-batch", { run_id: runId, metrics });
    const first = await get<{ metrics: Metric[]; next_page_token?: string }>("metrics/get-history", {
      run_id: runId,
      metric_key: "curve",
      max_results: 400,
    });
    expect(first.body.metrics).toHaveLength(400);
    const all: Metric[] = [...first.body.metrics];
    let token = first.body.next_page_token;
    while (token) {
      const page = await get<{ metrics: Metric[]; next_page_token?: string }>("metrics/get-history", {
        run_id: runId,
        metric_key: "curve",
        max_results: 400,
        page_token: token,
      });
      all.push(...page.body.metrics);
      token = page.body.next_page_token;
    }
    expect(all.map((m) => m.step)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    const sampled = await get<{ metrics: (Metric & { run_id: string })[] }>(
      "metrics/get-history-bulk-interval",
      {
        run_ids: [runId],
        metric_key: "curve",
        max_results: 10,
      },
    );
    expect(sampled.status).toBe(200);
    const steps = sampled.body.metrics.map((m) => m.step);
    expect(steps[0]).toBe(0);
    expect(steps[steps.length - 1]).toBe(999);
    expect(steps.length).toBeGreaterThanOrEqual(10);
    expect(steps.length).toBeLessThanOrEqual(12);
    expect(sampled.body.metrics[0]?.run_id).toBe(runId);
    const badRange = await get("metrics/get-history-bulk-interval", {
      run_ids: [runId],
      metric_key: "curve",
      start_step: 10,
      end_step: 5,
    });
    expect(badRange.status).toBe(400);
    const noRuns = await get("metrics/get-history-bulk-interval", { metric_key: "curve" });
    expect(noRuns.status).toBe(400);
  });

  it("loses nothing with 8 concurrent writers logging into one run", async () => {
    const runId = (await createRun(await createExperiment())).info.run_id;
    const writers = Array.from({ length: 8 }, (_, writer) =>
      (async () => {
        for (let batch = 0; batch < 5; batch += 1) {
          const metrics = Array.from({ length: 200 }, (_, i) => ({
            key: `w${writer}`,
            value: batch * 200 + i,
            timestamp: 1,
            step: batch * 200 + i,
          }));
          const response = await post("runs/log-batch", {
            run_id: runId,
            metrics,
            params: [{ key: `writer${writer}`, value: "yes" }],
            tags: [{ key: "shared", value: `${writer}` }],
          });
          if (response.status !== 200) throw new Error(JSON.stringify(response.body));
        }
      })(),
    );
    await Promise.all(writers);
    for (let writer = 0; writer < 8; writer += 1) {
      const history = await get<{ metrics: Metric[] }>("metrics/get-history", {
        run_id: runId,
        metric_key: `w${writer}`,
      });
      expect(history.body.metrics).toHaveLength(1000);
    }
    const run = await getRun(runId);
    expect(run.data.params).toHaveLength(8);
    expect(run.data.metrics?.every((m) => m.step === 999)).toBe(true);
  });

  it("logs dataset inputs once per (name, digest) with their context tags", async () => {
    const runId = (await createRun(await createExperiment())).info.run_id;
    const dataset = {
      name: "iris",
      digest: "abc123",
      source_type: "local",
      source: '{"uri": "x"}',
      schema: "{}",
    };
    const input = { dataset, tags: [{ key: "mlflow.data.context", value: "training" }] };
    expect((await post("runs/log-inputs", { run_id: runId, datasets: [input] })).status).toBe(200);
    expect((await post("runs/log-inputs", { run_id: runId, datasets: [input] })).status).toBe(200);
    const run = await getRun(runId);
    expect(run.inputs?.dataset_inputs).toEqual([input]);
    const missingDigest = await post("runs/log-inputs", {
      run_id: runId,
      datasets: [{ dataset: { name: "x", source_type: "local", source: "s" } }],
    });
    expect(missingDigest.status).toBe(400);
  });

  it("answers log-inputs without run_id or datasets as MLflow does", async () => {
    const runId = (await createRun(await createExperiment())).info.run_id;
    const dataset = { name: "d", digest: "1", source_type: "local", source: "s" };
    // MLflow's test posts each dataset input as a JSON string: run_id is still reported first.
    const noRunId = await post("runs/log-inputs", { datasets: [JSON.stringify({ dataset })] });
    expect(noRunId).toMatchObject({ status: 400, body: { error_code: "INVALID_PARAMETER_VALUE" } });
    expect(String(noRunId.body.message)).toContain("Missing value for required parameter 'run_id'");
    const noDatasets = await post("runs/log-inputs", { run_id: runId });
    expect(noDatasets).toEqual({
      status: 400,
      body: {
        error_code: "INVALID_PARAMETER_VALUE",
        message:
          "Missing value for required parameter 'datasets'. See the API docs for more information about request parameters.",
      },
    });
    // An empty list is a value (MLflow's _assert_required), and MLflow 3's models-only call stands.
    expect((await post("runs/log-inputs", { run_id: runId, datasets: [] })).status).toBe(200);
  });
});

describe("metrics/get-history-bulk (the UI's multi-run history)", () => {
  it("returns several runs' histories with run ids, and validates its inputs", async () => {
    const experimentId = await createExperiment();
    const runIds: string[] = [];
    for (let r = 0; r < 2; r += 1) {
      const runId = (await createRun(experimentId)).info.run_id;
      runIds.push(runId);
      await post("runs/log-batch", {
        run_id: runId,
        metrics: [0, 1, 2].map((step) => ({ key: "loss", value: step + r, timestamp: 10 + step, step })),
      });
    }
    const both = await get<{ metrics: { run_id: string; step: number }[] }>("metrics/get-history-bulk", {
      run_id: runIds,
      metric_key: "loss",
    });
    expect(both.status).toBe(200);
    expect(both.body.metrics).toHaveLength(6);
    expect(new Set(both.body.metrics.map((m) => m.run_id))).toEqual(new Set(runIds));
    expect((await get("metrics/get-history-bulk", { metric_key: "loss" })).status).toBe(400);
    expect((await get("metrics/get-history-bulk", { run_id: runIds })).status).toBe(400);
  });
});
