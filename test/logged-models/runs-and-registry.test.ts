import { describe, expect, it } from "vitest";
import { createExperiment, createRun, get, getRun, post, uniqueName } from "../helpers/api";
import { createModel } from "../helpers/registry";
import { call, createLoggedModel, type WireLoggedModel } from "./helpers";

type ModelBody = { model: WireLoggedModel };

describe("runs and logged models", () => {
  it("records log-batch and log-metric points carrying model_id on the model too, atomically", async () => {
    const experimentId = await createExperiment();
    const runId = (await createRun(experimentId)).info.run_id;
    const model = await createLoggedModel(experimentId);
    const id = model.info.model_id;
    const batch = await post("runs/log-batch", {
      run_id: runId,
      metrics: [
        {
          key: "acc",
          value: 0.5,
          timestamp: 10,
          step: 1,
          model_id: id,
          dataset_name: "ds",
          dataset_digest: "x1",
        },
        {
          key: "acc",
          value: 0.5,
          timestamp: 10,
          step: 1,
          model_id: id,
          dataset_name: "ds",
          dataset_digest: "x1",
        },
        { key: "plain", value: 1, timestamp: 10 },
      ],
    });
    expect(batch.status).toBe(200);
    await post("runs/log-metric", { run_id: runId, key: "f1", value: "NaN", timestamp: 11, model_id: id });
    // Logging the same point again stores it once.
    await post("runs/log-batch", {
      run_id: runId,
      metrics: [
        {
          key: "acc",
          value: 0.5,
          timestamp: 10,
          step: 1,
          model_id: id,
          dataset_name: "ds",
          dataset_digest: "x1",
        },
      ],
    });
    const metrics = (await call<ModelBody>("GET", `logged-models/${id}`)).body.model.data.metrics;
    expect(metrics).toEqual([
      {
        key: "acc",
        value: 0.5,
        timestamp: 10,
        step: 1,
        dataset_name: "ds",
        dataset_digest: "x1",
        model_id: id,
        run_id: runId,
      },
      { key: "f1", value: "NaN", timestamp: 11, step: 0, model_id: id, run_id: runId },
    ]);
    // The run keeps all of them as its own metrics.
    const runMetrics = (await getRun(runId)).data.metrics?.map((m) => m.key).sort();
    expect(runMetrics).toEqual(["acc", "f1", "plain"]);
    // A metric naming an unknown model fails the whole batch.
    const unknown = await post("runs/log-batch", {
      run_id: runId,
      metrics: [
        { key: "other", value: 1, timestamp: 1 },
        { key: "x", value: 1, timestamp: 1, model_id: "m-ffffffffffffffffffffffffffffffff" },
      ],
    });
    expect(unknown.status).toBe(404);
    expect((await getRun(runId)).data.metrics?.some((m) => m.key === "other")).toBe(false);
  });

  it("links outputs to a run and returns them in runs/get", async () => {
    const experimentId = await createExperiment();
    const runId = (await createRun(experimentId)).info.run_id;
    const first = await createLoggedModel(experimentId, { source_run_id: runId });
    const second = await createLoggedModel(experimentId, { source_run_id: runId });
    const logged = await post("runs/outputs", {
      run_id: runId,
      models: [
        { model_id: first.info.model_id, step: 0 },
        { model_id: second.info.model_id, step: 5 },
      ],
    });
    expect(logged).toEqual({ status: 200, body: {} });
    await post("runs/outputs", { run_id: runId, models: [{ model_id: first.info.model_id, step: 0 }] });
    const { body } = await get<{ run: { outputs?: { model_outputs?: unknown[] } } }>("runs/get", {
      run_id: runId,
    });
    expect(body.run.outputs).toEqual({
      model_outputs: [
        { model_id: first.info.model_id, step: 0 },
        { model_id: second.info.model_id, step: 5 },
      ],
    });
    const noModels = await post("runs/outputs", { run_id: runId });
    expect(noModels.status).toBe(400);
    const noRun = await post("runs/outputs", { run_id: "f".repeat(32), models: [] });
    expect(noRun.status).toBe(404);
    // A run without outputs has an empty outputs message.
    const other = (await createRun(experimentId)).info.run_id;
    const plain = await get<{ run: { outputs?: unknown } }>("runs/get", { run_id: other });
    expect(plain.body.run.outputs).toEqual({});
  });

  it("records the logged models a run used through runs/log-inputs", async () => {
    const experimentId = await createExperiment();
    const runId = (await createRun(experimentId)).info.run_id;
    const model = await createLoggedModel(experimentId);
    const logged = await post("runs/log-inputs", {
      run_id: runId,
      models: [{ model_id: model.info.model_id }],
    });
    expect(logged).toEqual({ status: 200, body: {} });
    const { body } = await get<{ run: { inputs?: { model_inputs?: unknown[] } } }>("runs/get", {
      run_id: runId,
    });
    expect(body.run.inputs?.model_inputs).toEqual([{ model_id: model.info.model_id }]);
  });
});

describe("the registry and logged models", () => {
  it("registers a version from models:/<model_id>, storing the model's location and id", async () => {
    const experimentId = await createExperiment();
    const runId = (await createRun(experimentId)).info.run_id;
    const model = await createLoggedModel(experimentId, { source_run_id: runId });
    const id = model.info.model_id;
    const name = await createModel(uniqueName("lm"));
    const created = await post<{ model_version: Record<string, unknown> }>("model-versions/create", {
      name,
      source: `models:/${id}`,
      model_id: id,
    });
    expect(created.status).toBe(200);
    expect(created.body.model_version).toMatchObject({
      name,
      version: "1",
      source: `models:/${id}`,
      run_id: runId,
      model_id: id,
    });
    const uri = await get("model-versions/get-download-uri", { name, version: "1" });
    expect(uri.body.artifact_uri).toBe(model.info.artifact_uri);
    await post("model-versions/create", { name, source: `models:/${id}`, model_id: id });
    const tags = (await call<ModelBody>("GET", `logged-models/${id}`)).body.model.info.tags;
    expect(tags).toEqual([
      {
        key: "mlflow.modelVersions",
        value: `[{"name": "${name}", "version": 1}, {"name": "${name}", "version": 2}]`,
      },
    ]);
    const fetched = await get<{ model_version: Record<string, unknown> }>("model-versions/get", {
      name,
      version: "2",
    });
    expect(fetched.body.model_version.model_id).toBe(id);
  });

  it("refuses models:/ sources that name no logged model, or another one than model_id", async () => {
    const name = await createModel(uniqueName("lm"));
    const experimentId = await createExperiment();
    const model = await createLoggedModel(experimentId);
    const other = await createLoggedModel(experimentId);
    const unknown = await post("model-versions/create", {
      name,
      source: "models:/m-0123456789abcdef0123456789abcdef",
    });
    expect(unknown.status).toBe(404);
    const malformed = await post("model-versions/create", { name, source: "models:/m-../../etc" });
    expect(malformed.status).toBe(400);
    const mismatch = await post("model-versions/create", {
      name,
      source: `models:/${model.info.model_id}`,
      model_id: other.info.model_id,
    });
    expect(mismatch.status).toBe(400);
    const byName = await post("model-versions/create", { name, source: "models:/other/1" });
    expect(byName.status).toBe(400);
  });
});
