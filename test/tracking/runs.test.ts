import { describe, expect, it } from "vitest";
import { createExperiment, createRun, get, getRun, post } from "../helpers/api";

const tagValue = (run: { data: { tags?: { key: string; value: string }[] } }, key: string) =>
  run.data.tags?.find((tag) => tag.key === key)?.value;

describe("runs", () => {
  it("creates a run with MLflow's info fields, a name and the runName tag", async () => {
    const experimentId = await createExperiment();
    const run = await createRun(experimentId, {
      run_name: "first",
      user_id: "alice",
      tags: [{ key: "t", value: "1" }],
    });
    expect(run.info).toMatchObject({
      run_name: "first",
      experiment_id: experimentId,
      user_id: "alice",
      status: "RUNNING",
      lifecycle_stage: "active",
      artifact_uri: `mlflow-artifacts:/${experimentId}/${run.info.run_id}/artifacts`,
    });
    expect(run.info.run_uuid).toBe(run.info.run_id);
    expect(run.info.run_id).toMatch(/^[0-9a-f]{32}$/);
    expect(tagValue(run, "mlflow.runName")).toBe("first");
    expect(tagValue(run, "t")).toBe("1");
    const unnamed = await createRun(experimentId);
    expect(unnamed.info.run_name).toMatch(/^[a-z]+-[a-z]+-\d+$/);
    const defaultExperiment = await post<{ run: { info: { experiment_id: string } } }>("runs/create", {});
    expect(defaultExperiment.body.run.info.experiment_id).toBe("0");
  });

  it("rejects a run_name that contradicts the mlflow.runName tag, and unknown experiments", async () => {
    const experimentId = await createExperiment();
    const conflict = await post("runs/create", {
      experiment_id: experimentId,
      run_name: "a",
      tags: [{ key: "mlflow.runName", value: "b" }],
    });
    expect(conflict).toMatchObject({ status: 400, body: { error_code: "INVALID_PARAMETER_VALUE" } });
    const missing = await post("runs/create", { experiment_id: "99999999" });
    expect(missing).toMatchObject({ status: 404, body: { error_code: "RESOURCE_DOES_NOT_EXIST" } });
  });

  it("gets by run_id or the legacy run_uuid, and 404s for unknown runs", async () => {
    const run = await createRun(await createExperiment());
    const byUuid = await get("runs/get", { run_uuid: run.info.run_id });
    expect(byUuid.status).toBe(200);
    const missing = await get("runs/get", { run_id: "0123456789abcdef0123456789abcdef" });
    expect(missing).toMatchObject({
      status: 404,
      body: {
        error_code: "RESOURCE_DOES_NOT_EXIST",
        message: "Run with id=0123456789abcdef0123456789abcdef not found",
      },
    });
    const noId = await get("runs/get");
    expect(noId).toMatchObject({ status: 400, body: { error_code: "INVALID_PARAMETER_VALUE" } });
  });

  it("updates status, end time and name (keeping the runName tag in sync)", async () => {
    const run = await createRun(await createExperiment());
    const runId = run.info.run_id;
    const end = Date.now();
    const updated = await post<{ run_info: Record<string, unknown> }>("runs/update", {
      run_id: runId,
      status: "FINISHED",
      end_time: end,
      run_name: "renamed",
    });
    expect(updated.status).toBe(200);
    expect(updated.body.run_info).toMatchObject({ status: "FINISHED", end_time: end, run_name: "renamed" });
    expect(tagValue(await getRun(runId), "mlflow.runName")).toBe("renamed");
    await post("runs/set-tag", { run_id: runId, key: "mlflow.runName", value: "via-tag" });
    expect((await getRun(runId)).info.run_name).toBe("via-tag");
    const badStatus = await post("runs/update", { run_id: runId, status: "DONE" });
    expect(badStatus.status).toBe(400);
  });

  it("deletes and restores runs; a deleted run refuses writes", async () => {
    const run = await createRun(await createExperiment());
    const runId = run.info.run_id;
    expect((await post("runs/delete", { run_id: runId })).status).toBe(200);
    expect((await getRun(runId)).info.lifecycle_stage).toBe("deleted");
    const write = await post("runs/log-parameter", { run_id: runId, key: "p", value: "1" });
    expect(write).toMatchObject({ status: 400, body: { error_code: "INVALID_PARAMETER_VALUE" } });
    expect((await post("runs/restore", { run_id: runId })).status).toBe(200);
    expect((await getRun(runId)).info.lifecycle_stage).toBe("active");
    expect((await post("runs/delete", { run_id: "ffffffffffffffffffffffffffffffff" })).status).toBe(404);
  });

  it("deleting an experiment deletes its runs; restoring restores them", async () => {
    const experimentId = await createExperiment();
    const run = await createRun(experimentId);
    await post("experiments/delete", { experiment_id: experimentId });
    expect((await getRun(run.info.run_id)).info.lifecycle_stage).toBe("deleted");
    await post("experiments/restore", { experiment_id: experimentId });
    expect((await getRun(run.info.run_id)).info.lifecycle_stage).toBe("active");
  });

  it("sets and deletes tags", async () => {
    const run = await createRun(await createExperiment());
    const runId = run.info.run_id;
    await post("runs/set-tag", { run_id: runId, key: "k", value: "v1" });
    await post("runs/set-tag", { run_uuid: runId, key: "k", value: "v2" });
    expect(tagValue(await getRun(runId), "k")).toBe("v2");
    expect((await post("runs/delete-tag", { run_id: runId, key: "k" })).status).toBe(200);
    expect(tagValue(await getRun(runId), "k")).toBeUndefined();
    const again = await post("runs/delete-tag", { run_id: runId, key: "k" });
    expect(again).toMatchObject({ status: 404, body: { error_code: "RESOURCE_DOES_NOT_EXIST" } });
    const long = await post("runs/set-tag", { run_id: runId, key: "k", value: "x".repeat(8001) });
    expect(long.status).toBe(400);
    const okLong = await post("runs/set-tag", { run_id: runId, key: "k", value: "x".repeat(8000) });
    expect(okLong.status).toBe(200);
  });

  it("records logged models in the mlflow.log-model.history tag", async () => {
    const run = await createRun(await createExperiment());
    const runId = run.info.run_id;
    const model = {
      artifact_path: "model",
      flavors: { onnx: {} },
      utc_time_created: "2026-01-01",
      run_id: runId,
    };
    expect((await post("runs/log-model", { run_id: runId, model_json: JSON.stringify(model) })).status).toBe(
      200,
    );
    expect((await post("runs/log-model", { run_id: runId, model_json: JSON.stringify(model) })).status).toBe(
      200,
    );
    const history = JSON.parse(tagValue(await getRun(runId), "mlflow.log-model.history") ?? "[]");
    expect(history).toHaveLength(2);
    const bad = await post("runs/log-model", { run_id: runId, model_json: "{not json" });
    expect(bad.status).toBe(400);
    const incomplete = await post("runs/log-model", { run_id: runId, model_json: "{}" });
    expect(incomplete.status).toBe(400);
  });
});
