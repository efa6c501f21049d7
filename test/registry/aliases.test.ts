import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { del, get, post, uniqueName } from "../helpers/api";
import {
  createModel,
  createVersion,
  type WireModelVersion,
  type WireRegisteredModel,
} from "../helpers/registry";

const setAlias = (name: string, alias: string, version: string) =>
  post("registered-models/alias", { name, alias, version });
const byAlias = (name: string, alias: string) =>
  get<{ model_version: WireModelVersion }>("registered-models/alias", { name, alias });
const aliasesOf = async (name: string) =>
  (await get<{ registered_model: WireRegisteredModel }>("registered-models/get", { name })).body
    .registered_model.aliases;

async function modelWithVersions(count: number): Promise<string> {
  const name = await createModel();
  for (let i = 0; i < count; i += 1) await createVersion(name);
  return name;
}

describe("registered model aliases", () => {
  it("sets an alias and lists it on the model and on the version", async () => {
    const name = await modelWithVersions(2);
    expect(await setAlias(name, "champion", "1")).toEqual({ status: 200, body: {} });
    await setAlias(name, "backup", "1");
    expect(await aliasesOf(name)).toEqual([
      { alias: "backup", version: "1" },
      { alias: "champion", version: "1" },
    ]);
    const version = await byAlias(name, "champion");
    expect(version.status).toBe(200);
    expect(version.body.model_version).toMatchObject({ name, version: "1", aliases: ["backup", "champion"] });
    expect(
      (await get<{ model_version: WireModelVersion }>("model-versions/get", { name, version: "2" })).body
        .model_version.aliases,
    ).toBeUndefined();
  });

  it("moves an alias to another version in one step", async () => {
    const name = await modelWithVersions(2);
    await setAlias(name, "champion", "1");
    await setAlias(name, "champion", "2");
    expect(await aliasesOf(name)).toEqual([{ alias: "champion", version: "2" }]);
    expect((await byAlias(name, "champion")).body.model_version.version).toBe("2");
    expect(
      (await get<{ model_version: WireModelVersion }>("model-versions/get", { name, version: "1" })).body
        .model_version.aliases,
    ).toBeUndefined();
  });

  it("vanishes with its version", async () => {
    const name = await modelWithVersions(2);
    await setAlias(name, "gone", "1");
    await setAlias(name, "kept", "2");
    await del("model-versions/delete", { name, version: "1" });
    expect(await aliasesOf(name)).toEqual([{ alias: "kept", version: "2" }]);
    expect(await byAlias(name, "gone")).toEqual({
      status: 400,
      body: { error_code: "INVALID_PARAMETER_VALUE", message: "Registered model alias gone not found." },
    });
  });

  it("deletes with a JSON body or with query parameters; a missing alias is fine", async () => {
    const name = await modelWithVersions(1);
    await setAlias(name, "one", "1");
    await setAlias(name, "two", "1");
    expect(await del("registered-models/alias", { name, alias: "one" })).toEqual({ status: 200, body: {} });
    expect(await del("registered-models/alias", { name, alias: "one" })).toEqual({ status: 200, body: {} });
    const query = new URLSearchParams({ name, alias: "two" });
    const viaQuery = await SELF.fetch(
      `http://127.0.0.1:5000/api/2.0/mlflow/registered-models/alias?${query}`,
      {
        method: "DELETE",
      },
    );
    expect(viaQuery.status).toBe(200);
    expect(await aliasesOf(name)).toBeUndefined();
    expect((await del("registered-models/alias", { name: uniqueName("nope"), alias: "x" })).status).toBe(404);
  });

  it("refuses MLflow's reserved and malformed alias names", async () => {
    const name = await modelWithVersions(1);
    const cases: [string, string][] = [
      ["latest", "'latest' alias name (case insensitive) is reserved."],
      ["LATEST", "'latest' alias name (case insensitive) is reserved."],
      ["v3", "Version alias name 'v3' is reserved."],
      ["V12", "Version alias name 'V12' is reserved."],
      [
        "a.b",
        "Invalid alias name: 'a.b'. Names may only contain alphanumerics, underscores (_), and dashes (-).",
      ],
      [
        "a/b",
        "Invalid alias name: 'a/b'. Names may only contain alphanumerics, underscores (_), and dashes (-).",
      ],
    ];
    for (const [alias, message] of cases) {
      expect(await setAlias(name, alias, "1"), alias).toEqual({
        status: 400,
        body: { error_code: "INVALID_PARAMETER_VALUE", message },
      });
    }
    expect((await setAlias(name, "a".repeat(256), "1")).status).toBe(400);
    expect((await setAlias(name, "a".repeat(255), "1")).status).toBe(200);
    for (const alias of ["v1x", "version2", "prod_1", "Prod-2"]) {
      expect((await setAlias(name, alias, "1")).status, alias).toBe(200);
    }
    expect((await del("registered-models/alias", { name, alias: "latest" })).status).toBe(400);
    expect((await byAlias(name, "v1")).status).toBe(400);
  });

  it("needs an existing version and an integer version", async () => {
    const name = await modelWithVersions(1);
    expect(await setAlias(name, "x", "99")).toEqual({
      status: 404,
      body: {
        error_code: "RESOURCE_DOES_NOT_EXIST",
        message: `Model Version (name=${name}, version=99) not found`,
      },
    });
    expect(await setAlias(name, "x", "abc")).toMatchObject({
      status: 400,
      body: { message: "Model version must be an integer, got 'abc'" },
    });
    expect((await setAlias(uniqueName("nope"), "x", "1")).status).toBe(404);
    expect((await post("registered-models/alias", { name, alias: "x" })).status).toBe(400);
  });
});
