import { beforeAll, describe, expect, it } from "vitest";
import { get, post, uniqueName } from "../helpers/api";
import { createModel, createVersion, type WireRegisteredModel } from "../helpers/registry";

type ModelPage = { registered_models?: WireRegisteredModel[]; next_page_token?: string };

const tick = () => new Promise((resolve) => setTimeout(resolve, 3));

describe("registered-models/search", () => {
  // Every filter includes the prefix: the database is shared with the other test files.
  const prefix = uniqueName("srm").replaceAll("-", "_");
  const name = (suffix: string) => `${prefix}_${suffix}`;
  const inPrefix = `name LIKE '${prefix}%'`;
  const search = (query: Record<string, string | number | string[]>) =>
    get<ModelPage>("registered-models/search", query);
  const namesOf = (page: ModelPage) =>
    (page.registered_models ?? []).map((model) => model.name.slice(prefix.length + 1));

  beforeAll(async () => {
    for (const [suffix, team] of [
      ["beta", "vision"],
      ["Alpha", "nlp"],
      ["gamma", "vision"],
      ["delta", undefined],
    ] as const) {
      await createModel(name(suffix), team ? { tags: [{ key: "team", value: team }] } : {});
      await tick();
    }
    await createVersion(name("delta"));
    await post("registered-models/alias", { name: name("delta"), alias: "live", version: "1" });
  });

  it("orders by name by default, with latest versions, tags and aliases", async () => {
    const { body } = await search({ filter: inPrefix });
    expect(namesOf(body)).toEqual(["Alpha", "beta", "delta", "gamma"]);
    expect(body.next_page_token).toBeUndefined();
    const delta = body.registered_models?.[2];
    expect(delta).toMatchObject({
      latest_versions: [{ version: "1", current_stage: "None", aliases: ["live"] }],
      aliases: [{ alias: "live", version: "1" }],
    });
    expect(body.registered_models?.[0]?.tags).toEqual([{ key: "team", value: "nlp" }]);
  });

  it("filters on name with =, !=, LIKE (case-sensitive) and ILIKE, and on tags", async () => {
    expect(namesOf((await search({ filter: `name = '${name("beta")}'` })).body)).toEqual(["beta"]);
    expect(namesOf((await search({ filter: `${inPrefix} AND name != '${name("beta")}'` })).body)).toEqual([
      "Alpha",
      "delta",
      "gamma",
    ]);
    expect(namesOf((await search({ filter: `name LIKE '${prefix}_a%'` })).body)).toEqual([]);
    expect(namesOf((await search({ filter: `name ILIKE '${prefix}_a%'` })).body)).toEqual(["Alpha"]);
    expect(namesOf((await search({ filter: `${inPrefix} AND tags.team = 'vision'` })).body)).toEqual([
      "beta",
      "gamma",
    ]);
    expect(
      namesOf((await search({ filter: `${inPrefix} AND tags.team LIKE '%i%' AND tags.team != 'nlp'` })).body),
    ).toEqual(["beta", "gamma"]);
    expect(namesOf((await search({ filter: `${inPrefix} AND tags.\`team\` ILIKE 'NLP'` })).body)).toEqual([
      "Alpha",
    ]);
  });

  it("orders by name, timestamps and creation time, and pages with tokens", async () => {
    expect(namesOf((await search({ filter: inPrefix, order_by: "name DESC" })).body)).toEqual([
      "gamma",
      "delta",
      "beta",
      "Alpha",
    ]);
    expect(namesOf((await search({ filter: inPrefix, order_by: "creation_timestamp ASC" })).body)).toEqual([
      "beta",
      "Alpha",
      "gamma",
      "delta",
    ]);
    // delta was updated last (its version).
    expect(namesOf((await search({ filter: inPrefix, order_by: "timestamp DESC" })).body)[0]).toBe("delta");
    expect(
      namesOf((await search({ filter: inPrefix, order_by: "last_updated_timestamp DESC" })).body)[0],
    ).toBe("delta");
    const first = await search({ filter: inPrefix, max_results: 3 });
    expect(namesOf(first.body)).toEqual(["Alpha", "beta", "delta"]);
    expect(first.body.next_page_token).toBeTruthy();
    const second = await search({
      filter: inPrefix,
      max_results: 3,
      page_token: first.body.next_page_token ?? "",
    });
    expect(namesOf(second.body)).toEqual(["gamma"]);
    expect(second.body.next_page_token).toBeUndefined();
  });

  it("answers MLflow's errors", async () => {
    const cases: [Record<string, string | number>, string][] = [
      [
        { filter: "name IN ('a')" },
        "Only the 'run_id' attribute supports comparison with a list of quoted string values.",
      ],
      [
        { filter: "tags.t IN ('a')" },
        "Expected a quoted string value for tag (e.g. 'my-value'). Got value ('a')",
      ],
      [
        { filter: "name = 3" },
        "Expected a quoted string value or a list of quoted string values for attributes. Got value 3",
      ],
      [
        { filter: "creation_timestamp > 1" },
        "Invalid attribute key 'creation_timestamp' specified. Valid keys are '{'name'}'",
      ],
      [
        { filter: "foo.x = '3'" },
        "Invalid entity type 'foo'. Valid entity types are ('attribute', 'tag', 'tags')",
      ],
      [{ filter: "name < 'a'" }, "Invalid comparator for attribute: <"],
      [
        { filter: "name = 'a' OR name = 'b'" },
        "Invalid clause(s) in filter string: 'name = 'a' OR name = 'b''",
      ],
      [
        { order_by: "tags.x" },
        "Invalid order by key 'tags.x' specified. Valid keys are '{'name', 'timestamp', 'last_updated_timestamp', 'creation_timestamp'}'",
      ],
      [
        { max_results: 1001 },
        "Invalid value 1001 for parameter 'max_results' supplied. Hint: Value was of type 'str'. See the API docs for more information about request parameters.",
      ],
      [{ max_results: 0 }, "Invalid value for max_results. It must be a positive integer, but got 0"],
      [{ page_token: "not base64!" }, "Invalid page token, could not base64-decode"],
    ];
    for (const [query, message] of cases) {
      expect(await search(query), JSON.stringify(query)).toEqual({
        status: 400,
        body: { error_code: "INVALID_PARAMETER_VALUE", message },
      });
    }
    const duplicate = await search({ order_by: ["name", "name DESC"] });
    expect(duplicate).toMatchObject({ status: 400, body: { error_code: "INVALID_PARAMETER_VALUE" } });
    expect((await search({ order_by: ["timestamp", "last_updated_timestamp DESC"] })).status).toBe(400);
    expect((await search({ max_results: 1000 })).status).toBe(200);
  });
});
