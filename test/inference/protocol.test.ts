import { SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { BASE, clearAliasCache, deleteVersion, invoke, modelPath, registerModel, setAlias } from "./helpers";

let sst2: string;
beforeAll(async () => {
  sst2 = await registerModel(["sst2"]);
});

describe("service endpoints", () => {
  it("answers /ping, /health and /version", async () => {
    expect((await SELF.fetch(`${BASE}/ping`)).status).toBe(200);
    expect(await (await SELF.fetch(`${BASE}/health`)).text()).toBe("OK");
    expect(await (await SELF.fetch(`${BASE}/version`)).text()).toBe("3.5.1");
  });

  it("answers unknown paths with 404 and wrong methods with 405", async () => {
    const missing = await SELF.fetch(`${BASE}/nope`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error_code: "ENDPOINT_NOT_FOUND" });
    const wrong = await SELF.fetch(`${BASE}${modelPath(sst2, 1)}/invocations`);
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get("Allow")).toBe("POST");
  });
});

describe("the scoring protocol", () => {
  const path = () => `${modelPath(sst2, 1)}/invocations`;

  it("refuses bad bodies with 400 BAD_REQUEST", async () => {
    for (const body of [
      "{not json",
      { nothing: 1 },
      { inputs: ["a"], instances: ["b"] },
      { inputs: [1, 2] },
      { dataframe_split: [1] },
    ]) {
      const response = await invoke(path(), body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body.error_code).toBe("BAD_REQUEST");
    }
  });

  it("refuses other content types and charsets with 415", async () => {
    for (const type of [
      "text/plain",
      "application/json; charset=latin-1",
      "application/json; format=pandas-split",
    ]) {
      const response = await invoke(path(), { inputs: ["x"] }, type);
      expect(response.status, type).toBe(415);
    }
  });

  it("refuses batches above the maximum", async () => {
    const { status, body } = await invoke(path(), { inputs: Array.from({ length: 65 }, () => "x") });
    expect(status).toBe(400);
    expect(String(body.message)).toContain("at most 64");
  });

  it("answers missing models, versions and aliases as MLflow does", async () => {
    expect((await invoke(`${modelPath("no-such-model", 1)}/invocations`, { inputs: ["x"] })).status).toBe(
      404,
    );
    expect((await invoke(`${modelPath(sst2, 9)}/invocations`, { inputs: ["x"] })).status).toBe(404);
    const alias = await invoke(`/models/${sst2}@nope/invocations`, { inputs: ["x"] });
    expect(alias.status).toBe(400);
    expect(alias.body.error_code).toBe("INVALID_PARAMETER_VALUE");
    expect((await invoke(`/models/${sst2}/invocations`, { inputs: ["x"] })).status).toBe(400);
  });
});

describe("aliases", () => {
  it("moving an alias switches the served version", async () => {
    const name = await registerModel(["sst2", "iris-onnx"]);
    await setAlias(name, "champion", 1);
    const first = await SELF.fetch(`${BASE}/models/${name}@champion/metadata`);
    expect(await first.json()).toMatchObject({ version: "1", flavor: "transformers_js" });
    await setAlias(name, "champion", 2);
    // Within ALIAS_TTL_MS an isolate may still serve the old target; clearing shows the new one.
    clearAliasCache();
    const moved = await invoke(`/models/${name}@champion/invocations`, { inputs: [[5.1, 3.5, 1.4, 0.2]] });
    expect(moved.status).toBe(200);
    expect((moved.body.predictions as { label: number[] }).label).toEqual([0]);
  });

  it("stops serving a deleted version once the isolate's lookup of it expires", async () => {
    const name = await registerModel(["iris-onnx"]);
    const path = `${modelPath(name, 1)}/invocations`;
    const body = { inputs: [[5.1, 3.5, 1.4, 0.2]] };
    expect((await invoke(path, body)).status).toBe(200);
    await deleteVersion(name, 1);
    // Warm requests reuse the version row for ALIAS_TTL_MS; clearing stands in for the wait.
    clearAliasCache();
    expect((await invoke(path, body)).status).toBe(404);
  });
});
