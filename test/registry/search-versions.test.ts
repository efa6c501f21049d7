import { beforeAll, describe, expect, it } from "vitest";
import { get, post, uniqueName } from "../helpers/api";
import { aRun, createModel, createVersion, type WireModelVersion } from "../helpers/registry";

type VersionPage = { model_versions?: WireModelVersion[]; next_page_token?: string };

const tick = () => new Promise((resolve) => setTimeout(resolve, 3));

describe("model-versions/search", () => {
  const prefix = uniqueName("smv").replaceAll("-", "_");
  const a = `${prefix}_a`;
  const b = `${prefix}_b`;
  const inPrefix = `name LIKE '${prefix}%'`;
  let runId = "";
  const search = (query: Record<string, string | number | string[]>) =>
    get<VersionPage>("model-versions/search", query);
  const idsOf = (page: VersionPage) =>
    (page.model_versions ?? []).map((version) => `${version.name.slice(-1)}${version.version}`);

  beforeAll(async () => {
    runId = (await aRun()).runId;
    await createModel(a);
    await createModel(b);
    // Creation order (and last update order): a1 b1 a2 a3 b2
    await createVersion(a, { tags: [{ key: "kind", value: "tree" }] });
    await tick();
    await createVersion(b, { source: "mlflow-artifacts:/9/other/model" });
    await tick();
    await createVersion(a, { tags: [{ key: "kind", value: "linear" }] });
    await tick();
    await createVersion(a, { source: "mlflow-artifacts:/9/x/special-model", run_id: "feedface" });
    await tick();
    await createVersion(b, { tags: [{ key: "kind", value: "Tree" }] });
    await post("registered-models/alias", { name: a, alias: "prod", version: "2" });
  });

  it("orders by last update DESC, then name, then version DESC, by default", async () => {
    const { body } = await search({ filter: inPrefix });
    expect(idsOf(body)).toEqual(["b2", "a3", "a2", "b1", "a1"]);
    expect(body.model_versions?.find((v) => v.version === "2" && v.name === a)?.aliases).toEqual(["prod"]);
  });

  it("filters on name, version_number, run_id, source_path and tags", async () => {
    expect(idsOf((await search({ filter: `name = '${a}'` })).body)).toEqual(["a3", "a2", "a1"]);
    expect(idsOf((await search({ filter: `name = '${a}' AND version_number > 1` })).body)).toEqual([
      "a3",
      "a2",
    ]);
    expect(idsOf((await search({ filter: `${inPrefix} AND version_number <= 1` })).body)).toEqual([
      "b1",
      "a1",
    ]);
    expect(idsOf((await search({ filter: `name = '${a}' AND version_number = '2'` })).body)).toEqual(["a2"]);
    expect(idsOf((await search({ filter: `name = '${a}' AND version_number != 2.0` })).body)).toEqual([
      "a3",
      "a1",
    ]);
    expect(idsOf((await search({ filter: `${inPrefix} AND run_id = '${runId}'` })).body)).toEqual([
      "b2",
      "a2",
      "a1",
    ]);
    expect(
      idsOf((await search({ filter: `${inPrefix} AND run_id IN ('feedface', 'nothing')` })).body),
    ).toEqual(["a3"]);
    expect(
      idsOf((await search({ filter: `${inPrefix} AND source_path LIKE 'mlflow-artifacts:/9/%'` })).body),
    ).toEqual(["a3", "b1"]);
    expect(
      idsOf((await search({ filter: `${inPrefix} AND source_path = 'runs:/${runId}/model'` })).body),
    ).toEqual(["b2", "a2", "a1"]);
    expect(idsOf((await search({ filter: `${inPrefix} AND tags.kind = 'tree'` })).body)).toEqual(["a1"]);
    expect(idsOf((await search({ filter: `${inPrefix} AND tags.kind ILIKE 'tree'` })).body)).toEqual([
      "b2",
      "a1",
    ]);
    expect(idsOf((await search({ filter: `${inPrefix} AND tags.kind != 'tree'` })).body)).toEqual([
      "b2",
      "a2",
    ]);
  });

  it("orders by the keys MLflow allows, with its tie-breakers", async () => {
    expect(idsOf((await search({ filter: inPrefix, order_by: "version_number ASC" })).body)).toEqual([
      "a1",
      "b1",
      "a2",
      "b2",
      "a3",
    ]);
    expect(idsOf((await search({ filter: inPrefix, order_by: "name DESC" })).body)).toEqual([
      "b2",
      "b1",
      "a3",
      "a2",
      "a1",
    ]);
    expect(idsOf((await search({ filter: inPrefix, order_by: "creation_timestamp ASC" })).body)).toEqual([
      "a1",
      "b1",
      "a2",
      "a3",
      "b2",
    ]);
    expect(
      idsOf((await search({ filter: inPrefix, order_by: ["attribute.name", "version_number"] })).body),
    ).toEqual(["a1", "a2", "a3", "b1", "b2"]);
  });

  it("pages with max_results and page tokens", async () => {
    const seen: string[] = [];
    let token: string | undefined;
    for (let page = 0; page < 5; page += 1) {
      const { body } = await search({
        filter: inPrefix,
        max_results: 2,
        ...(token ? { page_token: token } : {}),
      });
      seen.push(...idsOf(body));
      token = body.next_page_token;
      if (!token) break;
    }
    expect(seen).toEqual(["b2", "a3", "a2", "b1", "a1"]);
  });

  it("answers MLflow's errors", async () => {
    const cases: [Record<string, string | number>, string][] = [
      [{ filter: "version_number LIKE '2'" }, "Invalid comparator for attribute version_number: LIKE"],
      [{ filter: "run_id NOT IN ('a')" }, "Invalid comparator for attribute: NOT IN"],
      [
        { filter: "name IN ('a')" },
        "Only the 'run_id' attribute supports comparison with a list of quoted string values.",
      ],
      [
        { filter: "creation_timestamp > 0" },
        "Invalid attribute key 'creation_timestamp' specified. Valid keys are '{'name', 'run_id', 'source_path', 'version_number'}'",
      ],
      [
        { filter: "name = 2" },
        "Only the '{'creation_timestamp', 'version_number', 'last_updated_timestamp'}' attributes support comparison with numeric values.",
      ],
      [
        { filter: "tags.kind IN ('a')" },
        "Expected a quoted string value for tag (e.g. 'my-value'). Got value ('a')",
      ],
      [
        { order_by: "run_id" },
        "Invalid attribute key 'run_id' specified. Valid keys are '{'name', 'version_number', 'creation_timestamp', 'last_updated_timestamp'}'",
      ],
      [{ order_by: "tags.kind" }, "Invalid order_by entity: tag"],
      [
        { max_results: 200_001 },
        "Invalid value 200001 for parameter 'max_results' supplied. Hint: Value was of type 'str'. See the API docs for more information about request parameters.",
      ],
      [{ max_results: 0 }, "Invalid value for max_results. It must be a positive integer, but got 0"],
    ];
    for (const [query, message] of cases) {
      expect(await search(query), JSON.stringify(query)).toEqual({
        status: 400,
        body: { error_code: "INVALID_PARAMETER_VALUE", message },
      });
    }
    expect((await search({ order_by: ["name", "name DESC"] })).status).toBe(400);
    expect((await search({ filter: "version_number > 'abc'" })).status).toBe(400);
  });

  it("keeps a long run_id IN list and many clauses inside D1's limits", async () => {
    const ids = Array.from({ length: 500 }, (_, i) => `'${i.toString(16).padStart(32, "0")}'`);
    const response = await search({ filter: `run_id IN (${ids.join(", ")}, 'feedface') AND ${inPrefix}` });
    expect(idsOf(response.body)).toEqual(["a3"]);
    const clauses = (count: number) =>
      Array.from({ length: count }, (_, i) => `tags.k${i} != 'x'`).join(" AND ");
    expect((await search({ filter: clauses(45) })).status).toBe(200);
    // Two bound parameters per tag clause: 60 of them exceed D1's 100 per statement.
    const tooMany = await search({ filter: clauses(60) });
    expect(tooMany).toMatchObject({ status: 400, body: { error_code: "INVALID_PARAMETER_VALUE" } });
    expect((tooMany.body as { message?: string }).message).toMatch(/too complex/);
  });
});
