import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { del, get, patch, post, uniqueName } from "../helpers/api";
import { createModel, createVersion, type WireRegisteredModel } from "../helpers/registry";

type ModelBody = { registered_model: WireRegisteredModel };

const getModel = (name: string) => get<ModelBody>("registered-models/get", { name });

describe("registered models", () => {
  it("creates with tags and description, and gets it back in MLflow's shape", async () => {
    const name = uniqueName("rm");
    const created = await post<ModelBody>("registered-models/create", {
      name,
      description: "a model",
      tags: [{ key: "team", value: "vision" }, { key: "empty" }, { key: "team", value: "nlp" }],
    });
    expect(created.status).toBe(200);
    const model = created.body.registered_model;
    expect(model).toEqual({
      name,
      creation_timestamp: expect.any(Number),
      last_updated_timestamp: model.creation_timestamp,
      description: "a model",
      // In the order first set, the last value winning, as MLflow returns them.
      tags: [
        { key: "team", value: "nlp" },
        { key: "empty", value: "" },
      ],
    });
    expect((await getModel(name)).body).toEqual(created.body);
  });

  it("leaves out an empty description and empty lists", async () => {
    const name = await createModel();
    expect((await getModel(name)).body.registered_model).toEqual({
      name,
      creation_timestamp: expect.any(Number),
      last_updated_timestamp: expect.any(Number),
    });
  });

  it("answers MLflow's errors for duplicates, missing models and missing names", async () => {
    const name = await createModel();
    expect(await post("registered-models/create", { name })).toEqual({
      status: 400,
      body: {
        error_code: "RESOURCE_ALREADY_EXISTS",
        message: `Registered Model (name=${name}) already exists.`,
      },
    });
    const missing = uniqueName("missing");
    expect(await getModel(missing)).toEqual({
      status: 404,
      body: {
        error_code: "RESOURCE_DOES_NOT_EXIST",
        message: `Registered Model with name=${missing} not found`,
      },
    });
    for (const body of [{}, { name: "" }]) {
      expect(await post("registered-models/create", body)).toMatchObject({
        status: 400,
        body: {
          error_code: "INVALID_PARAMETER_VALUE",
          message:
            "Missing value for required parameter 'name'. See the API docs for more information about request parameters.",
        },
      });
    }
    expect((await get("registered-models/get")).status).toBe(400);
    expect((await post("registered-models/create", { name: 7 })).status).toBe(400);
  });

  it("validates tags as MLflow does", async () => {
    const bad = [
      { key: "../x", value: "v" },
      { key: "k".repeat(251), value: "v" },
      { key: "k", value: "v".repeat(5001) },
    ];
    for (const tag of bad) {
      const response = await post("registered-models/create", { name: uniqueName("badtag"), tags: [tag] });
      expect(response, tag.key.slice(0, 10)).toMatchObject({
        status: 400,
        body: { error_code: "INVALID_PARAMETER_VALUE" },
      });
    }
    const long = await post("registered-models/create", {
      name: uniqueName("badtag"),
      tags: [{ key: "k", value: "v".repeat(5001) }],
    });
    expect(long.body.message).toBe(
      `Registered model value '${"v".repeat(250)}' had length 5001, which exceeded length limit of 5000`,
    );
    const ok = await post("registered-models/create", {
      name: uniqueName("oktag"),
      tags: [{ key: "k".repeat(250), value: "v".repeat(5000) }],
    });
    expect(ok.status).toBe(200);
  });

  it("updates the description with PATCH (an absent one clears it)", async () => {
    const name = await createModel();
    const before = (await getModel(name)).body.registered_model;
    const updated = await patch<ModelBody>("registered-models/update", { name, description: "new" });
    expect(updated.status).toBe(200);
    expect(updated.body.registered_model.description).toBe("new");
    expect(updated.body.registered_model.last_updated_timestamp).toBeGreaterThanOrEqual(
      before.last_updated_timestamp,
    );
    const cleared = await patch<ModelBody>("registered-models/update", { name });
    expect(cleared.body.registered_model.description).toBeUndefined();
    expect(
      (await patch("registered-models/update", { name: uniqueName("nope"), description: "x" })).status,
    ).toBe(404);
    expect((await post("registered-models/update", { name, description: "x" })).status).toBe(405);
  });

  it("sets, overwrites and deletes tags; deleting a missing tag is fine", async () => {
    const name = await createModel();
    expect(await post("registered-models/set-tag", { name, key: "k", value: "v1" })).toEqual({
      status: 200,
      body: {},
    });
    await post("registered-models/set-tag", { name, key: "k", value: "v2" });
    await post("registered-models/set-tag", { name, key: "novalue" });
    expect((await getModel(name)).body.registered_model.tags).toEqual([
      { key: "k", value: "v2" },
      { key: "novalue", value: "" },
    ]);
    expect(await del("registered-models/delete-tag", { name, key: "k" })).toEqual({ status: 200, body: {} });
    expect(await del("registered-models/delete-tag", { name, key: "never-set" })).toEqual({
      status: 200,
      body: {},
    });
    expect((await getModel(name)).body.registered_model.tags).toEqual([{ key: "novalue", value: "" }]);
    const missing = uniqueName("missing");
    for (const response of [
      await post("registered-models/set-tag", { name: missing, key: "k", value: "v" }),
      await del("registered-models/delete-tag", { name: missing, key: "k" }),
    ]) {
      expect(response).toMatchObject({ status: 404, body: { error_code: "RESOURCE_DOES_NOT_EXIST" } });
    }
    expect((await post("registered-models/set-tag", { name, key: "a/../b", value: "v" })).status).toBe(400);
    expect((await post("registered-models/set-tag", { name, value: "v" })).status).toBe(400);
  });

  it("checks the inference worker's routing tags when they are set (docs/inference.md)", async () => {
    const name = await createModel();
    const set = (key: string, value: string) => post("registered-models/set-tag", { name, key, value });
    expect((await set("edgeflow.traffic.champion", '{"1": 90, "v2": 10}')).status).toBe(200);
    expect((await set("edgeflow.shadow.champion", "v3")).status).toBe(200);
    for (const [key, value] of [
      ["edgeflow.traffic.champion", "90/10"],
      ["edgeflow.traffic.champion", '{"1": 0}'],
      ["edgeflow.shadow.champion", "latest"],
    ] as const) {
      const refused = await set(key, value);
      expect(refused).toMatchObject({ status: 400, body: { error_code: "INVALID_PARAMETER_VALUE" } });
      expect(String((refused.body as { message: string }).message)).toContain(key);
    }
    const created = await post("registered-models/create", {
      name: uniqueName("routed"),
      tags: [{ key: "edgeflow.traffic.prod", value: "{}" }],
    });
    expect(created.status).toBe(400);
    // The good values stayed.
    expect((await getModel(name)).body.registered_model.tags).toEqual(
      expect.arrayContaining([
        { key: "edgeflow.shadow.champion", value: "v3" },
        { key: "edgeflow.traffic.champion", value: '{"1": 90, "v2": 10}' },
      ]),
    );
  });

  it("renames with its versions, tags and aliases, atomically", async () => {
    const name = await createModel(uniqueName("old"), { tags: [{ key: "t", value: "1" }] });
    const v1 = await createVersion(name, { tags: [{ key: "vt", value: "x" }] });
    await createVersion(name);
    await post("registered-models/alias", { name, alias: "champion", version: "1" });
    const newName = uniqueName("new");
    const renamed = await post<ModelBody>("registered-models/rename", { name, new_name: newName });
    expect(renamed.status).toBe(200);
    const model = renamed.body.registered_model;
    expect(model).toMatchObject({
      name: newName,
      tags: [{ key: "t", value: "1" }],
      aliases: [{ alias: "champion", version: "1" }],
      latest_versions: [{ name: newName, version: "2" }],
    });
    expect(model.last_updated_timestamp).toBeGreaterThanOrEqual(v1.last_updated_timestamp);
    expect((await getModel(name)).status).toBe(404);
    const version = await get<{ model_version: { name: string; tags: unknown; aliases: string[] } }>(
      "model-versions/get",
      { name: newName, version: "1" },
    );
    expect(version.body.model_version).toMatchObject({
      name: newName,
      tags: [{ key: "vt", value: "x" }],
      aliases: ["champion"],
      last_updated_timestamp: model.last_updated_timestamp,
    });
    const byAlias = await get("registered-models/alias", { name: newName, alias: "champion" });
    expect(byAlias.status).toBe(200);
    expect((await get("model-versions/get", { name, version: "1" })).status).toBe(404);
  });

  it("refuses a rename onto an existing name and keeps everything in place", async () => {
    const name = await createModel();
    await createVersion(name);
    const other = await createModel();
    expect(await post("registered-models/rename", { name, new_name: other })).toEqual({
      status: 400,
      body: {
        error_code: "RESOURCE_ALREADY_EXISTS",
        message: `Registered Model (name=${other}) already exists.`,
      },
    });
    expect((await get("model-versions/get", { name, version: "1" })).status).toBe(200);
    expect((await post("registered-models/rename", { name, new_name: "" })).status).toBe(400);
    const missing = uniqueName("missing");
    expect(
      await post("registered-models/rename", { name: missing, new_name: uniqueName("x") }),
    ).toMatchObject({
      status: 404,
      body: { message: `Registered Model with name=${missing} not found` },
    });
  });

  it("deletes with DELETE, cascading to versions, tags and aliases; the name is free again", async () => {
    const name = await createModel(uniqueName("del"), { tags: [{ key: "t", value: "1" }] });
    await createVersion(name, { tags: [{ key: "vt", value: "x" }] });
    await createVersion(name);
    await post("registered-models/alias", { name, alias: "prod", version: "2" });
    expect(await del("registered-models/delete", { name })).toEqual({ status: 200, body: {} });
    expect((await getModel(name)).status).toBe(404);
    expect((await get("model-versions/get", { name, version: "1" })).status).toBe(404);
    expect(await del("registered-models/delete", { name })).toMatchObject({ status: 404 });
    // Nothing lingers: a new model of the same name starts from scratch.
    await createModel(name);
    const fresh = await createVersion(name);
    expect(fresh.version).toBe("1");
    expect(fresh.tags).toBeUndefined();
    expect((await getModel(name)).body.registered_model.tags).toBeUndefined();
    expect((await get("registered-models/alias", { name, alias: "prod" })).status).toBe(400);
  });

  it("stores names verbatim: a URL-encoded name is another model (CVE-2024-3099)", async () => {
    const base = uniqueName("enc");
    const plain = `${base}/b`;
    const encoded = `${base}%2Fb`;
    const doubly = `${base}%252Fb`;
    for (const name of [plain, encoded, doubly]) {
      expect((await post("registered-models/create", { name, description: name })).status, name).toBe(200);
    }
    for (const name of [plain, encoded, doubly]) {
      const model = (await getModel(name)).body.registered_model;
      expect(model.name).toBe(name);
      expect(model.description).toBe(name);
    }
    await createVersion(encoded);
    expect((await get("model-versions/get", { name: plain, version: "1" })).status).toBe(404);
    await del("registered-models/delete", { name: encoded });
    expect((await getModel(plain)).status).toBe(200);
    expect((await getModel(doubly)).status).toBe(200);
    expect((await getModel(encoded)).status).toBe(404);
  });

  it("is served under /ajax-api too", async () => {
    const name = await createModel();
    const response = await SELF.fetch(
      `http://127.0.0.1:5000/ajax-api/2.0/mlflow/registered-models/get?name=${encodeURIComponent(name)}`,
    );
    expect(response.status).toBe(200);
  });
});
