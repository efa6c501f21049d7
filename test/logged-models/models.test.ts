import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createExperiment, get, post } from "../helpers/api";
import { call, createLoggedModel, ORIGIN, uploadTo, type WireLoggedModel } from "./helpers";

type ModelBody = { model: WireLoggedModel };

describe("logged models: create, get, finalize, delete", () => {
  it("creates a pending model under the experiment's artifact location", async () => {
    const experimentId = await createExperiment();
    const model = await createLoggedModel(experimentId, {
      name: "clf",
      model_type: "Classifier",
      source_run_id: "abc123",
      params: [{ key: "alpha", value: "0.5" }],
      tags: [{ key: "team", value: "ml" }],
    });
    expect(model.info.model_id).toMatch(/^m-[0-9a-f]{32}$/);
    expect(model.info).toMatchObject({
      experiment_id: experimentId,
      name: "clf",
      status: "LOGGED_MODEL_PENDING",
      model_type: "Classifier",
      source_run_id: "abc123",
      artifact_uri: `mlflow-artifacts:/${experimentId}/models/${model.info.model_id}/artifacts`,
      tags: [{ key: "team", value: "ml" }],
    });
    expect(model.info.creation_timestamp_ms).toBe(model.info.last_updated_timestamp_ms);
    expect(model.data).toEqual({ params: [{ key: "alpha", value: "0.5" }] });
    const fetched = await call<ModelBody>("GET", `logged-models/${model.info.model_id}`);
    expect(fetched.status).toBe(200);
    expect(fetched.body.model).toEqual(model);
  });

  it("generates a name when none (or an empty one) is given", async () => {
    const experimentId = await createExperiment();
    const unnamed = await createLoggedModel(experimentId);
    const empty = await createLoggedModel(experimentId, { name: "" });
    expect(unnamed.info.name).toMatch(/^\w+-\w+-\d+$/);
    // Absent strings read back as "", as MLflow's server shows them.
    expect(unnamed.info).toMatchObject({ model_type: "", source_run_id: "" });
    expect(empty.info.name).toMatch(/^\w+-\w+-\d+$/);
  });

  it("refuses bad input with MLflow's error codes", async () => {
    const experimentId = await createExperiment();
    const missing = await post("logged-models", {});
    expect(missing.status).toBe(400);
    expect(missing.body.error_code).toBe("INVALID_PARAMETER_VALUE");
    const badName = await post("logged-models", { experiment_id: experimentId, name: "a/b" });
    expect(badName.status).toBe(400);
    expect(String(badName.body.message)).toContain("Invalid model name ('a/b')");
    const noExperiment = await post("logged-models", { experiment_id: "987654321" });
    expect(noExperiment.status).toBe(404);
    expect(noExperiment.body.error_code).toBe("RESOURCE_DOES_NOT_EXIST");
    const badExperiment = await post("logged-models", { experiment_id: "x'; drop" });
    expect(badExperiment.body.error_code).toBe("RESOURCE_DOES_NOT_EXIST");
    const deleted = await createExperiment();
    await post("experiments/delete", { experiment_id: deleted });
    const inDeleted = await post("logged-models", { experiment_id: deleted });
    expect(inDeleted.status).toBe(400);
    expect(String(inDeleted.body.message)).toContain("must be in the 'active' state");
    const tooMany = await post("logged-models", {
      experiment_id: experimentId,
      params: Array.from({ length: 101 }, (_, i) => ({ key: `p${i}`, value: "1" })),
    });
    expect(tooMany.status).toBe(400);
    const badStatus = await call("PATCH", "logged-models/m-00000000000000000000000000000000", {
      status: "DONE",
    });
    expect(badStatus.status).toBe(400);
  });

  it("answers 404 for an unknown model on every model route", async () => {
    const id = "m-0123456789abcdef0123456789abcdef";
    const message = `Logged model with ID '${id}' not found.`;
    const responses = [
      await call("GET", `logged-models/${id}`),
      await call("PATCH", `logged-models/${id}`, { status: "LOGGED_MODEL_READY" }),
      await call("DELETE", `logged-models/${id}`, {}),
      await call("PATCH", `logged-models/${id}/tags`, { tags: [{ key: "a", value: "b" }] }),
      await call("DELETE", `logged-models/${id}/tags/a`),
      await call("POST", `logged-models/${id}/params`, { params: [{ key: "a", value: "b" }] }),
      await call("GET", `logged-models/${id}/artifacts/directories`),
    ];
    for (const response of responses) {
      expect(response.status).toBe(404);
      expect(response.body).toEqual({ error_code: "RESOURCE_DOES_NOT_EXIST", message });
    }
  });

  it("finalizes by status name or number, and deletes softly", async () => {
    const model = await createLoggedModel(await createExperiment());
    const id = model.info.model_id;
    const ready = await call<ModelBody>("PATCH", `logged-models/${id}`, {
      model_id: id,
      status: "LOGGED_MODEL_READY",
    });
    expect(ready.status).toBe(200);
    expect(ready.body.model.info.status).toBe("LOGGED_MODEL_READY");
    const failed = await call<ModelBody>("PATCH", `logged-models/${id}`, { status: 3 });
    expect(failed.body.model.info.status).toBe("LOGGED_MODEL_UPLOAD_FAILED");
    const noStatus = await call("PATCH", `logged-models/${id}`, {});
    expect(noStatus.status).toBe(400);
    expect((await call("DELETE", `logged-models/${id}`, { model_id: id })).status).toBe(200);
    expect((await call("GET", `logged-models/${id}`)).status).toBe(404);
  });
});

describe("logged models: tags and params", () => {
  it("sets, overwrites and deletes tags", async () => {
    const model = await createLoggedModel(await createExperiment(), { tags: [{ key: "a", value: "1" }] });
    const id = model.info.model_id;
    const set = await call("PATCH", `logged-models/${id}/tags`, {
      tags: [
        { key: "a", value: "2" },
        { key: "b", value: "x" },
      ],
    });
    expect(set).toEqual({ status: 200, body: {} });
    let tags = (await call<ModelBody>("GET", `logged-models/${id}`)).body.model.info.tags;
    expect(tags).toEqual([
      { key: "a", value: "2" },
      { key: "b", value: "x" },
    ]);
    expect((await call("DELETE", `logged-models/${id}/tags/a`)).status).toBe(200);
    tags = (await call<ModelBody>("GET", `logged-models/${id}`)).body.model.info.tags;
    expect(tags).toEqual([{ key: "b", value: "x" }]);
    const again = await call("DELETE", `logged-models/${id}/tags/a`);
    expect(again.status).toBe(404);
    expect(again.body.message).toBe(`No tag with key 'a' found for model with ID '${id}'.`);
    const keyless = await call("PATCH", `logged-models/${id}/tags`, { tags: [{ value: "x" }] });
    expect(keyless.status).toBe(400);
  });

  it("logs params, accepts the same value again and refuses a change", async () => {
    const model = await createLoggedModel(await createExperiment());
    const id = model.info.model_id;
    const params = [
      { key: "lr", value: "0.1" },
      { key: "depth", value: "3" },
    ];
    expect((await call("POST", `logged-models/${id}/params`, { params })).status).toBe(200);
    expect((await call("POST", `logged-models/${id}/params`, { params: [params[0]] })).status).toBe(200);
    const changed = await call("POST", `logged-models/${id}/params`, { params: [{ key: "lr", value: "9" }] });
    expect(changed.status).toBe(400);
    expect(changed.body.error_code).toBe("INVALID_PARAMETER_VALUE");
    const data = (await call<ModelBody>("GET", `logged-models/${id}`)).body.model.data;
    expect(data.params).toEqual([
      { key: "depth", value: "3" },
      { key: "lr", value: "0.1" },
    ]);
  });
});

describe("logged models: artifacts", () => {
  it("lists and serves the files uploaded to the model's artifact location", async () => {
    const model = await createLoggedModel(await createExperiment());
    const { model_id: id, artifact_uri: uri } = model.info;
    await uploadTo(uri, "MLmodel", "flavors: {}\n");
    await uploadTo(uri, "data/model.pkl", new Uint8Array(10));
    const root = await get(`logged-models/${id}/artifacts/directories`);
    expect(root.body).toEqual({
      root_uri: uri,
      files: [
        { path: "MLmodel", is_dir: false, file_size: 12 },
        { path: "data", is_dir: true },
      ],
    });
    const data = await get(`logged-models/${id}/artifacts/directories`, { artifact_directory_path: "data" });
    expect(data.body.files).toEqual([{ path: "data/model.pkl", is_dir: false, file_size: 10 }]);
    const traversal = await get(`logged-models/${id}/artifacts/directories`, {
      artifact_directory_path: "../../other",
    });
    expect(traversal.status).toBe(400);
    const file = await SELF.fetch(
      `${ORIGIN}/ajax-api/2.0/mlflow/logged-models/${id}/artifacts/files?artifact_file_path=MLmodel`,
    );
    expect(file.status).toBe(200);
    expect(await file.text()).toBe("flavors: {}\n");
    const noPath = await SELF.fetch(`${ORIGIN}/ajax-api/2.0/mlflow/logged-models/${id}/artifacts/files`);
    expect(noPath.status).toBe(400);
    expect(((await noPath.json()) as { error_code: string }).error_code).toBe("BAD_REQUEST");
    const absent = await SELF.fetch(
      `${ORIGIN}/ajax-api/2.0/mlflow/logged-models/${id}/artifacts/files?artifact_file_path=nope`,
    );
    expect(absent.status).toBe(404);
  });
});
