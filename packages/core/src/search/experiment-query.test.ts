import { env } from "cloudflare:test";
import { MlflowError } from "@edgeflow/schema";
import { drizzle } from "drizzle-orm/d1";
import { beforeAll, describe, expect, it } from "vitest";
import { compileExperimentSearch, type ExperimentSearchQuery, parseExperimentFilter } from "./index";

// Ids and names unique to this file; every search is narrowed to the "sxq-" names because other
// test files share the database.
const OURS = "name LIKE 'sxq-%'";
const db = drizzle(env.DB);

type Row = (string | number | null)[];
const experiments: Row[] = [
  // experiment_id, name, lifecycle_stage, creation_time, last_update_time
  [72_001, "sxq-a", "active", 1000, 5000],
  [72_002, "sxq-ab", "active", 2000, 4000],
  [72_003, "sxq-Abc", "active", 3000, 3000],
  [72_004, "sxq-deleted", "deleted", 4000, 2000],
  [72_005, "sxq-same", "active", 3000, 1000],
];
const tags: Row[] = [
  [72_001, "key1", "value"],
  [72_001, "key2", "value"],
  [72_002, "key1", "vaLue"],
  [72_002, "key2", "vaLue"],
  [72_003, "k e y 1", "value"],
  [72_005, "key1", null],
];

beforeAll(async () => {
  await env.DB.batch([
    ...experiments.map((row) =>
      env.DB.prepare(
        "INSERT OR IGNORE INTO experiments (experiment_id, name, lifecycle_stage, creation_time, last_update_time) VALUES (?, ?, ?, ?, ?)",
      ).bind(...row),
    ),
    ...tags.map((row) =>
      env.DB.prepare(
        "INSERT OR IGNORE INTO experiment_tags (experiment_id, key, value) VALUES (?, ?, ?)",
      ).bind(...row),
    ),
  ]);
});

async function search(query: Partial<ExperimentSearchQuery> = {}): Promise<number[]> {
  const compiled = compileExperimentSearch({
    viewType: "ACTIVE_ONLY",
    offset: 0,
    limit: 100,
    filter: OURS,
    ...query,
  });
  return (await db.all<{ experiment_id: number }>(compiled)).map((row) => row.experiment_id);
}

const filtered = (filter: string) => search({ filter: `${filter} AND ${OURS}` });

function errorOf(action: () => unknown): MlflowError {
  try {
    action();
  } catch (error) {
    if (error instanceof MlflowError) return error;
    throw error;
  }
  throw new Error("expected an error");
}

describe("compileExperimentSearch", () => {
  it("orders by creation_time DESC, experiment_id ASC by default, per view type", async () => {
    expect(await search()).toEqual([72_003, 72_005, 72_002, 72_001]);
    expect(await search({ viewType: "DELETED_ONLY" })).toEqual([72_004]);
    expect(await search({ viewType: "ALL" })).toEqual([72_004, 72_003, 72_005, 72_002, 72_001]);
  });

  it.each<[string, number[]]>([
    ["name = 'sxq-a'", [72_001]],
    ["attribute.`name` != 'sxq-a'", [72_003, 72_005, 72_002]],
    ["name LIKE 'sxq-a%'", [72_002, 72_001]],
    ["name ILIKE 'sxq-a%'", [72_003, 72_002, 72_001]],
    ["name ILIKE 'SXQ-A%' AND name ILIKE '%b'", [72_002]],
    ["name LIKE 'sxq-_b'", [72_002]],
    ["name LIKE '%B%'", []],
    ["name IN ('sxq-a', 'sxq-Abc')", [72_003, 72_001]],
    ["name NOT IN ('sxq-a', 'sxq-Abc')", [72_005, 72_002]],
    ["creation_time = 3000", [72_003, 72_005]],
    ["creation_time < 2500", [72_002, 72_001]],
    ["last_update_time >= 4000", [72_002, 72_001]],
    ["attribute.last_update_time != 3000", [72_005, 72_002, 72_001]],
  ])("filters attributes: %s", async (filter, expected) => {
    expect(await filtered(filter)).toEqual(expected);
  });

  it.each<[string, number[]]>([
    ["tag.key1 = 'value'", [72_001]],
    ["tag.`k e y 1` = 'value'", [72_003]],
    ["tag.\"k e y 1\" = 'value'", [72_003]],
    ["tag.key1 != 'value'", [72_002]],
    ["tag.key1 != 'VALUE'", [72_002, 72_001]],
    ["tag.key1 LIKE 'val%'", [72_001]],
    ["tag.key1 LIKE '%Lue'", [72_002]],
    ["tag.key1 ILIKE '%alu%'", [72_002, 72_001]],
    ["tag.key1 LIKE 'va%' AND tag.key2 LIKE '%Lue'", [72_002]],
    ["tags.key1 IN ('value', 'x')", [72_001]],
    ["tag.KEY1 = 'value'", []],
  ])("filters tags: %s", async (filter, expected) => {
    expect(await filtered(filter)).toEqual(expected);
  });

  it.each<[string[], number[]]>([
    [["name"], [72_003, 72_001, 72_002, 72_005]],
    [["name DESC"], [72_005, 72_002, 72_001, 72_003]],
    [["experiment_id DESC"], [72_005, 72_003, 72_002, 72_001]],
    // experiment_id DESC breaks the creation_time tie, as in MLflow.
    [["creation_time"], [72_001, 72_002, 72_005, 72_003]],
    [
      ["creation_time ASC", "experiment_id"],
      [72_001, 72_002, 72_003, 72_005],
    ],
    [["attribute.last_update_time DESC"], [72_001, 72_002, 72_003, 72_005]],
  ])("orders by %j", async (orderBy, expected) => {
    expect(await search({ orderBy })).toEqual(expected);
  });

  it("pages with offset and limit", async () => {
    expect(await search({ offset: 1, limit: 2 })).toEqual([72_005, 72_002]);
    expect(await search({ offset: 4, limit: 2 })).toEqual([]);
  });

  it.each<[Partial<ExperimentSearchQuery>, string]>([
    [{ filter: "name = 'a' OR name = 'b'" }, "Invalid clause(s) in filter string"],
    [{ filter: "tags.a > 'b'" }, "Invalid comparator for tag: >"],
    [{ filter: `name LIKE '_${"x".repeat(50)}'` }, "limited to 50 bytes"],
    [{ orderBy: ["tags.a"] }, "Invalid order_by entity: tag"],
    [{ orderBy: ["name", "bogus"] }, "Invalid attribute key 'bogus'"],
    [{ viewType: "NONE" as "ALL" }, "Invalid view type"],
  ])("rejects %j", (query, message) => {
    const error = errorOf(() => compileExperimentSearch({ viewType: "ALL", offset: 0, limit: 10, ...query }));
    expect(error.errorCode).toBe("INVALID_PARAMETER_VALUE");
    expect(error.message).toContain(message);
  });
});

describe("parseExperimentFilter", () => {
  it.each<[string, unknown[]]>([
    ["name = 'a'", [{ type: "attribute", key: "name", comparator: "=", value: "a" }]],
    ["attribute.`name` != 'a'", [{ type: "attribute", key: "name", comparator: "!=", value: "a" }]],
    ["creation_time >= 17", [{ type: "attribute", key: "creation_time", comparator: ">=", value: 17 }]],
    ["tag.`k e y` = 'v'", [{ type: "tag", key: "k e y", comparator: "=", value: "v" }]],
    [
      "tags.\"k\" ILIKE '%V%'",
      [{ type: "tag", key: "k", comparator: "ILIKE", value: "%V%", like: { kind: "contains", text: "V" } }],
    ],
    ["name in ('a', 'b')", [{ type: "attribute", key: "name", comparator: "IN", value: ["a", "b"] }]],
  ])("parses %s", (filter, expected) => {
    expect(parseExperimentFilter(filter)).toEqual(expected);
  });

  it.each<[string, string]>([
    [
      "attributes.name = 'a'",
      "Invalid entity type 'attributes'. Valid entity types are ('attribute', 'tag', 'tags')",
    ],
    ["`tag`.a = 'b'", "Invalid entity type '`tag`'"],
    ["experiment_id = 1", "Invalid attribute key 'experiment_id' specified"],
    ["name > 'a'", "Invalid comparator '>' not one of"],
    ["creation_time LIKE 1", "Invalid comparator 'LIKE'"],
    ["last_update_time = 'x'", "Expected numeric value type for numeric attribute: last_update_time"],
    ["tags.a < 'b'", "Invalid comparator for tag: <"],
    ["name = 'a' OR name = 'b'", "Invalid clause(s) in filter string"],
  ])("rejects %s", (filter, message) => {
    const error = errorOf(() => parseExperimentFilter(filter));
    expect(error.errorCode).toBe("INVALID_PARAMETER_VALUE");
    expect(error.message).toContain(message);
  });
});
