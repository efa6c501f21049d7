import { describe, expect, it } from "vitest";
import { del, get, patch, post, uniqueName } from "../helpers/api";
import {
  aRun,
  createModel,
  createVersion,
  type WireModelVersion,
  type WireRegisteredModel,
} from "../helpers/registry";

type VersionBody = { model_version: WireModelVersion };

const getVersion = (name: string, version: string) =>
  get<VersionBody>("model-versions/get", { name, version });
const stageOf = async (name: string, version: string) =>
  (await getVersion(name, version)).body.model_version.current_stage;
const transition = (name: string, version: string, stage: string, archive?: boolean) =>
  post<VersionBody>("model-versions/transition-stage", {
    name,
    version,
    stage,
    ...(archive === undefined ? {} : { archive_existing_versions: archive }),
  });

describe("model versions", () => {
  it("creates from runs:/, keeping the source, recording the run and resolving the location", async () => {
    const { runId, artifactUri } = await aRun();
    const name = await createModel();
    const before = (await get<{ registered_model: WireRegisteredModel }>("registered-models/get", { name }))
      .body.registered_model;
    const created = await post<VersionBody>("model-versions/create", {
      name,
      source: `runs:/${runId}/model`,
    });
    expect(created.status).toBe(200);
    expect(created.body.model_version).toEqual({
      name,
      version: "1",
      creation_timestamp: expect.any(Number),
      last_updated_timestamp: created.body.model_version.creation_timestamp,
      current_stage: "None",
      description: "",
      source: `runs:/${runId}/model`,
      run_id: runId,
      status: "READY",
      run_link: "",
    });
    const uri = await get("model-versions/get-download-uri", { name, version: "1" });
    expect(uri).toEqual({ status: 200, body: { artifact_uri: `${artifactUri}/model` } });
    expect(artifactUri).toMatch(/^mlflow-artifacts:\/\d+\/[0-9a-f]{32}\/artifacts$/);
    const model = (await get<{ registered_model: WireRegisteredModel }>("registered-models/get", { name }))
      .body.registered_model;
    expect(model.last_updated_timestamp).toBeGreaterThanOrEqual(before.last_updated_timestamp);
    expect(model.latest_versions).toEqual([created.body.model_version]);
    expect((await getVersion(name, "1")).body).toEqual(created.body);
  });

  it("creates from mlflow-artifacts: with tags, description, run_id and run_link", async () => {
    const { runId } = await aRun();
    const name = await createModel();
    const source = `mlflow-artifacts:/1/${runId}/artifacts/model`;
    const created = await post<VersionBody>("model-versions/create", {
      name,
      source,
      run_id: runId,
      run_link: "http://example/run",
      description: "first",
      tags: [
        { key: "b", value: "2" },
        { key: "a", value: "1" },
      ],
    });
    expect(created.body.model_version).toMatchObject({
      source,
      run_id: runId,
      run_link: "http://example/run",
      description: "first",
      tags: [
        { key: "b", value: "2" },
        { key: "a", value: "1" },
      ],
    });
    expect((await get("model-versions/get-download-uri", { name, version: "1" })).body).toEqual({
      artifact_uri: source,
    });
    const runLess = await post<VersionBody>("model-versions/create", { name, source });
    expect(runLess.body.model_version.run_id).toBe("");
  });

  it("numbers versions from 1 per model and never reuses a deleted number", async () => {
    const a = await createModel();
    const b = await createModel();
    expect((await createVersion(a)).version).toBe("1");
    expect((await createVersion(a)).version).toBe("2");
    expect((await createVersion(b)).version).toBe("1");
    expect(await del("model-versions/delete", { name: a, version: "2" })).toEqual({ status: 200, body: {} });
    expect((await createVersion(a)).version).toBe("3");
    const concurrent = await Promise.all([1, 2, 3, 4].map(() => createVersion(b)));
    expect(concurrent.map((v) => Number(v.version)).sort()).toEqual([2, 3, 4, 5]);
  });

  it("answers MLflow's errors for missing models, versions and bad version strings", async () => {
    const { runId } = await aRun();
    const missing = uniqueName("missing");
    expect(await post("model-versions/create", { name: missing, source: `runs:/${runId}/m` })).toEqual({
      status: 404,
      body: {
        error_code: "RESOURCE_DOES_NOT_EXIST",
        message: `Registered Model with name=${missing} not found`,
      },
    });
    const name = await createModel();
    await createVersion(name);
    expect(await getVersion(name, "9")).toEqual({
      status: 404,
      body: {
        error_code: "RESOURCE_DOES_NOT_EXIST",
        message: `Model Version (name=${name}, version=9) not found`,
      },
    });
    for (const version of ["abc", "1.5", "", "1e3"]) {
      const response = await getVersion(name, version);
      expect(response.status, version).toBe(400);
    }
    expect((await getVersion(name, "abc")).body).toEqual({
      error_code: "INVALID_PARAMETER_VALUE",
      message: "Model version must be an integer, got 'abc'",
    });
    expect((await getVersion(name, " 1")).status).toBe(200);
    expect((await getVersion(name, "99999999999999999999")).status).toBe(404);
    expect((await post("model-versions/create", { name })).status).toBe(400);
    expect((await post("model-versions/create", { name, source: "" })).status).toBe(400);
    // MLflow 2.12.2 checks neither that a runs:/ source's run exists nor that run_id agrees with it.
    expect(
      (await post("model-versions/create", { name, source: "runs:/0123456789abcdef0123456789abcdef/m" }))
        .status,
    ).toBe(200);
    expect(
      (await post("model-versions/create", { name, source: `runs:/${runId}/m`, tags: [{ key: "../k" }] }))
        .status,
    ).toBe(400);
    expect(
      (await post("model-versions/create", { name, source: `runs:/${runId}/m`, run_id: "other" })).status,
    ).toBe(200);
  });

  it("updates the description with PATCH; an update without one clears it", async () => {
    const name = await createModel();
    await createVersion(name);
    const updated = await patch<VersionBody>("model-versions/update", {
      name,
      version: "1",
      description: "d",
    });
    expect(updated.body.model_version.description).toBe("d");
    const cleared = await patch<VersionBody>("model-versions/update", { name, version: "1" });
    expect(cleared.status).toBe(200);
    expect(cleared.body.model_version.description).toBeUndefined();
    expect((await patch("model-versions/update", { name, version: "7", description: "d" })).status).toBe(404);
  });

  it("deletes a version with its tags and aliases", async () => {
    const name = await createModel();
    await createVersion(name, { tags: [{ key: "t", value: "v" }] });
    await createVersion(name);
    await post("registered-models/alias", { name, alias: "a1", version: "1" });
    await post("registered-models/alias", { name, alias: "a2", version: "2" });
    await del("model-versions/delete", { name, version: "1" });
    expect((await getVersion(name, "1")).status).toBe(404);
    expect(await del("model-versions/delete", { name, version: "1" })).toMatchObject({
      status: 404,
      body: { message: `Model Version (name=${name}, version=1) not found` },
    });
    const model = (await get<{ registered_model: WireRegisteredModel }>("registered-models/get", { name }))
      .body.registered_model;
    expect(model.aliases).toEqual([{ alias: "a2", version: "2" }]);
    expect((await get("model-versions/get-download-uri", { name, version: "1" })).status).toBe(404);
  });

  it("sets and deletes version tags", async () => {
    const name = await createModel();
    await createVersion(name);
    expect(await post("model-versions/set-tag", { name, version: "1", key: "k", value: "v" })).toEqual({
      status: 200,
      body: {},
    });
    await post("model-versions/set-tag", { name, version: "1", key: "k", value: "w" });
    await post("model-versions/set-tag", { name, version: "1", key: "e" });
    expect((await getVersion(name, "1")).body.model_version.tags).toEqual([
      { key: "k", value: "w" },
      { key: "e", value: "" },
    ]);
    expect(await del("model-versions/delete-tag", { name, version: "1", key: "k" })).toEqual({
      status: 200,
      body: {},
    });
    expect((await del("model-versions/delete-tag", { name, version: "1", key: "k" })).status).toBe(200);
    expect((await getVersion(name, "1")).body.model_version.tags).toEqual([{ key: "e", value: "" }]);
    expect((await post("model-versions/set-tag", { name, version: "2", key: "k", value: "v" })).status).toBe(
      404,
    );
    expect((await del("model-versions/delete-tag", { name, version: "2", key: "k" })).status).toBe(404);
    expect(
      (await post("model-versions/set-tag", { name, version: "1", key: "k", value: "v".repeat(5001) })).body,
    ).toMatchObject({ error_code: "INVALID_PARAMETER_VALUE" });
  });

  it("transitions stages case-insensitively and archives the others on request", async () => {
    const name = await createModel();
    for (let i = 0; i < 4; i += 1) await createVersion(name);
    const first = await transition(name, "1", "production", false);
    expect(first.body.model_version.current_stage).toBe("Production");
    await transition(name, "2", "STAGING");
    const second = await transition(name, "3", "Production", true);
    expect(second.body.model_version.current_stage).toBe("Production");
    expect(await stageOf(name, "1")).toBe("Archived");
    expect(await stageOf(name, "2")).toBe("Staging");
    await transition(name, "4", "staging", true);
    expect(await stageOf(name, "2")).toBe("Archived");
    expect(await stageOf(name, "4")).toBe("Staging");
    await transition(name, "4", "none");
    expect(await stageOf(name, "4")).toBe("None");
  });

  it("refuses bad stages and archiving from a stage that is not active", async () => {
    const name = await createModel();
    await createVersion(name);
    expect((await transition(name, "1", "bogus")).body).toEqual({
      error_code: "INVALID_PARAMETER_VALUE",
      message:
        "Invalid Model Version stage: bogus. Value must be one of None, Staging, Production, Archived.",
    });
    expect(await transition(name, "1", "archived", true)).toEqual({
      status: 400,
      body: {
        error_code: "INVALID_PARAMETER_VALUE",
        message:
          "Model version transition cannot archive existing model versions because 'archived' is not an Active stage. Valid stages are ['Staging', 'Production']",
      },
    });
    expect((await transition(name, "2", "Staging")).status).toBe(404);
    const notBool = await post("model-versions/transition-stage", {
      name,
      version: "1",
      stage: "None",
      archive_existing_versions: "yes",
    });
    expect(notBool.status).toBe(400);
  });

  it("reports the latest version per stage, in MLflow's order, on the model and get-latest-versions", async () => {
    const name = await createModel();
    for (let i = 0; i < 5; i += 1) await createVersion(name);
    await transition(name, "2", "Staging");
    await transition(name, "3", "Production");
    await transition(name, "4", "Staging");
    // Stages: 1 None, 2 Staging, 3 Production, 4 Staging, 5 None.
    const all = await post<{ model_versions: WireModelVersion[] }>("registered-models/get-latest-versions", {
      name,
    });
    expect(all.body.model_versions.map((v) => [v.version, v.current_stage])).toEqual([
      ["5", "None"],
      ["4", "Staging"],
      ["3", "Production"],
    ]);
    const model = (await get<{ registered_model: WireRegisteredModel }>("registered-models/get", { name }))
      .body.registered_model;
    expect(model.latest_versions).toEqual(all.body.model_versions);
    const some = await post<{ model_versions: WireModelVersion[] }>("registered-models/get-latest-versions", {
      name,
      stages: ["production", "ARCHIVED"],
    });
    expect(some.body.model_versions.map((v) => v.version)).toEqual(["3"]);
    const viaGet = await get<{ model_versions: WireModelVersion[] }>(
      "registered-models/get-latest-versions",
      {
        name,
        stages: "staging",
      },
    );
    expect(viaGet.body.model_versions.map((v) => v.version)).toEqual(["4"]);
    expect((await post("registered-models/get-latest-versions", { name, stages: ["bogus"] })).status).toBe(
      400,
    );
    expect((await post("registered-models/get-latest-versions", { name: uniqueName("nope") })).status).toBe(
      404,
    );
    const empty = await createModel();
    expect(await post("registered-models/get-latest-versions", { name: empty })).toEqual({
      status: 200,
      body: {},
    });
  });
});
