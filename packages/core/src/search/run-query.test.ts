import { env } from "cloudflare:test";
import { MlflowError } from "@edgeflow/schema";
import { sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { beforeAll, describe, expect, it } from "vitest";
import { compileRunSearch, type RunSearchQuery } from "./index";

// Ids and names unique to this file: other test files share the database.
const E1 = 71_001;
const E2 = 71_002;
const MAX = Number.MAX_VALUE;
const db = drizzle(env.DB);

type Row = (string | number | null)[];
const runs: Row[] = [
  // run_uuid, name, experiment_id, user_id, status, start_time, end_time, lifecycle_stage, artifact_uri
  ["rq1", "alpha", E1, "ann", "FINISHED", 100, 150, "active", "s3://bucket/rq1/Artifacts"],
  ["rq2", "beta", E1, "bob", "FAILED", 200, null, "active", "s3://bucket/rq2/artifacts"],
  ["rq3", "gamma", E1, "ann", "RUNNING", 300, 350, "active", "file:///tmp/RQ3"],
  ["rq4", "delta", E1, "cy", "FINISHED", 400, 420, "deleted", "s3://bucket/rq4"],
  ["rq5", "eps", E1, null, "FINISHED", null, null, "active", null],
  ["rq6", "zeta", E2, "ann", "FINISHED", 500, 600, "active", "s3://bucket/rq6"],
];
const tags: Row[] = [
  ["rq1", "mlflow.runName", "alpha"],
  ["rq2", "mlflow.runName", "beta"],
  ["rq3", "mlflow.runName", "gamma"],
  ["rq4", "mlflow.runName", "delta"],
  // Differs from the name column on purpose: filters read the tag, ordering reads the column.
  ["rq5", "mlflow.runName", "epsilon-tag"],
  ["rq1", "team", "Vision"],
  ["rq2", "team", "vision"],
  ["rq3", "team", "NLP"],
  ["rq4", "team", "vision"],
];
const params: Row[] = [
  ["rq1", "model", "LinearRegression"],
  ["rq2", "model", "linearSVC"],
  ["rq3", "model", "tree"],
  ["rq4", "model", "Linear"],
  ["rq1", "lr", "0.1"],
  ["rq2", "lr", "0.01"],
  ["rq1", "pat", "a_b*c"],
  ["rq2", "pat", "axbyc"],
  ["rq3", "pat", "a[b]?c"],
];
const metrics: Row[] = [
  // run_uuid, key, value, is_nan
  ["rq1", "acc", 0.9, 0],
  ["rq2", "acc", 0, 1],
  ["rq3", "acc", 0.5, 0],
  ["rq4", "acc", 0.95, 0],
  ["rq6", "acc", 0.99, 0],
  ["rq1", "loss", MAX, 0],
  ["rq2", "loss", 0.2, 0],
  ["rq3", "loss", -MAX, 0],
  ["rq1", "zero", 0, 0],
  ["rq2", "zero", 0, 1],
];
const datasets: Row[] = [
  ["rq-d1", E1, "mnist", "dg1"],
  ["rq-d2", E1, "cifar", "dg2"],
  ["rq-d3", E1, "MNIST-big", "dg3"],
];
const inputs: Row[] = [
  // input_uuid, dataset, run, context (null: no context tag)
  ["rq-i1", "rq-d1", "rq1", "train"],
  ["rq-i2", "rq-d2", "rq1", "eval"],
  ["rq-i3", "rq-d1", "rq2", "test"],
  ["rq-i4", "rq-d3", "rq3", null],
];

beforeAll(async () => {
  const insert = (statement: string, rows: Row[]) =>
    rows.map((row) => env.DB.prepare(statement).bind(...row));
  await env.DB.batch([
    env.DB.prepare(
      "INSERT OR IGNORE INTO experiments (experiment_id, name, lifecycle_stage, creation_time, last_update_time) VALUES (?, ?, 'active', 1, 1), (?, ?, 'active', 1, 1)",
    ).bind(E1, "search-run-query-main", E2, "search-run-query-other"),
    ...insert(
      "INSERT OR IGNORE INTO runs (run_uuid, name, experiment_id, user_id, status, start_time, end_time, lifecycle_stage, artifact_uri) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
      runs,
    ),
    ...insert("INSERT OR IGNORE INTO tags (run_uuid, key, value) VALUES (?, ?, ?)", tags),
    ...insert("INSERT OR IGNORE INTO params (run_uuid, key, value) VALUES (?, ?, ?)", params),
    ...insert(
      "INSERT OR IGNORE INTO latest_metrics (run_uuid, key, value, timestamp, step, is_nan) VALUES (?, ?, ?, 0, 0, ?)",
      metrics,
    ),
    ...insert(
      "INSERT OR IGNORE INTO datasets (dataset_uuid, experiment_id, name, digest, dataset_source_type, dataset_source) VALUES (?, ?, ?, ?, 'local', 'src')",
      datasets,
    ),
    ...insert(
      "INSERT OR IGNORE INTO inputs (input_uuid, source_type, source_id, destination_type, destination_id) VALUES (?, 'DATASET', ?, 'RUN', ?)",
      inputs.map((row) => row.slice(0, 3)),
    ),
    ...insert(
      "INSERT OR IGNORE INTO input_tags (input_uuid, name, value) VALUES (?, ?, ?)",
      inputs.map(([input, , , context]) => [
        input ?? null,
        context ? "mlflow.data.context" : "other",
        context ?? "x",
      ]),
    ),
  ]);
});

async function search(query: Partial<RunSearchQuery> = {}): Promise<string[]> {
  const compiled = compileRunSearch({
    experimentIds: [E1],
    viewType: "ACTIVE_ONLY",
    offset: 0,
    limit: 100,
    ...query,
  });
  return (await db.all<{ run_uuid: string }>(compiled)).map((row) => row.run_uuid);
}

const filtered = (filter: string) => search({ filter });
const ordered = (...orderBy: string[]) => search({ orderBy });

describe("compileRunSearch", () => {
  it("orders by start_time DESC then run id by default, per view type and experiment", async () => {
    expect(await search()).toEqual(["rq3", "rq2", "rq1", "rq5"]);
    expect(await search({ viewType: "DELETED_ONLY" })).toEqual(["rq4"]);
    expect(await search({ viewType: "ALL" })).toEqual(["rq4", "rq3", "rq2", "rq1", "rq5"]);
    expect(await search({ experimentIds: [E1, E2] })).toEqual(["rq6", "rq3", "rq2", "rq1", "rq5"]);
    expect(await search({ experimentIds: [] })).toEqual([]);
  });

  it.each<[string, string[]]>([
    ["metrics.acc > 0.6", ["rq1"]],
    // NaN satisfies no comparison (MLflow's SQL store would match the stored 0).
    ["metrics.acc >= 0", ["rq3", "rq1"]],
    ["metrics.acc != 0.9", ["rq3"]],
    ["metrics.zero = 0", ["rq1"]],
    ["metrics.zero < 1", ["rq1"]],
    ["metrics.loss > 1e308", ["rq1"]],
    ["metrics.loss = 1e400", ["rq1"]],
    ["metrics.loss <= -1e400", ["rq3"]],
    ["metrics.acc > 0.4 AND metrics.loss < 1", ["rq3"]],
    ["metrics.missing > 0", []],
  ])("filters metrics: %s", async (filter, expected) => {
    expect(await filtered(filter)).toEqual(expected);
  });

  it.each<[string, string[]]>([
    ["params.model = 'tree'", ["rq3"]],
    ["params.model = 'TREE'", []],
    ["params.model != 'tree'", ["rq2", "rq1"]],
    ["params.model LIKE 'tree'", ["rq3"]],
    ["params.model LIKE 'Tree'", []],
    ["params.model ILIKE 'Tree'", ["rq3"]],
    ["params.model LIKE 'Linear%'", ["rq1"]],
    ["params.model ILIKE 'linear%'", ["rq2", "rq1"]],
    ["params.model LIKE '%SVC'", ["rq2"]],
    ["params.model LIKE '%svc'", []],
    ["params.model ILIKE '%svc'", ["rq2"]],
    ["params.model LIKE '%Regr%'", ["rq1"]],
    ["params.model LIKE '%regr%'", []],
    ["params.model ILIKE '%REGR%'", ["rq1"]],
    ["params.model LIKE 'L_near%'", ["rq1"]],
    ["params.model LIKE 'l_near%'", ["rq2"]],
    ["params.model ILIKE 'L_NEAR%'", ["rq2", "rq1"]],
    ["params.model LIKE '%'", ["rq3", "rq2", "rq1"]],
    ["params.pat LIKE 'a_b*c'", ["rq1"]],
    ["params.pat LIKE 'a%c'", ["rq3", "rq2", "rq1"]],
    ["params.pat LIKE '_[b]?_'", ["rq3"]],
    ["params.pat LIKE '%?%'", ["rq3"]],
    ["params.model IN ('tree', 'linearSVC')", ["rq3", "rq2"]],
    ["params.model NOT IN ('tree')", ["rq2", "rq1"]],
    ["params.model = 'tree' AND params.pat LIKE 'a%'", ["rq3"]],
  ])("filters params: %s", async (filter, expected) => {
    expect(await filtered(filter)).toEqual(expected);
  });

  it.each<[string, string[]]>([
    ["tags.team = 'vision'", ["rq2"]],
    ["tags.team ILIKE 'VISION'", ["rq2", "rq1"]],
    ["tags.team LIKE 'V%'", ["rq1"]],
    ["tags.team != 'NLP'", ["rq2", "rq1"]],
    ["tags.`mlflow.runName` = 'beta'", ["rq2"]],
    ["attributes.run_name = 'epsilon-tag'", ["rq5"]],
    ["run_name = 'eps'", []],
    ["attributes.`Run Name` LIKE 'a%'", ["rq1"]],
    ["run_name IN ('alpha', 'gamma')", ["rq3", "rq1"]],
    ["status = 'FINISHED'", ["rq1", "rq5"]],
    ["attributes.status != 'FINISHED'", ["rq3", "rq2"]],
    ["status IN ('FAILED', 'RUNNING')", ["rq3", "rq2"]],
    ["start_time >= 200", ["rq3", "rq2"]],
    ["created < 200", ["rq1"]],
    ["end_time = 350", ["rq3"]],
    ["user_id = 'ann'", ["rq3", "rq1"]],
    ["attr.artifact_uri LIKE '%artifacts'", ["rq2"]],
    ["attr.artifact_uri ILIKE '%ARTIFACTS'", ["rq2", "rq1"]],
    ["run_id = 'rq2'", ["rq2"]],
    ["run_id IN ('rq1', 'rq3', 'rq6')", ["rq3", "rq1"]],
    ["run_id NOT IN ('rq1')", ["rq3", "rq2", "rq5"]],
  ])("filters tags and attributes: %s", async (filter, expected) => {
    expect(await filtered(filter)).toEqual(expected);
  });

  it.each<[string, string[]]>([
    ["dataset.name = 'mnist'", ["rq2", "rq1"]],
    ["datasets.digest = 'dg2'", ["rq1"]],
    ["dataset.context = 'train'", ["rq1"]],
    ["dataset.context IN ('test', 'eval')", ["rq2", "rq1"]],
    ["datasets.name LIKE 'MNIST%'", ["rq3"]],
    ["datasets.name ILIKE 'mnist%'", ["rq3", "rq2", "rq1"]],
    ["dataset.name = 'cifar' AND dataset.context = 'train'", ["rq1"]],
    ["dataset.context = 'x'", []],
  ])("filters datasets: %s", async (filter, expected) => {
    expect(await filtered(filter)).toEqual(expected);
  });

  it.each<[string[], string[]]>([
    [["metrics.acc ASC"], ["rq3", "rq1", "rq2", "rq5"]],
    [["metrics.acc DESC"], ["rq1", "rq3", "rq2", "rq5"]],
    [["metrics.loss DESC"], ["rq1", "rq2", "rq3", "rq5"]],
    [["metrics.loss"], ["rq3", "rq2", "rq1", "rq5"]],
    [["params.lr"], ["rq2", "rq1", "rq3", "rq5"]],
    [["params.lr DESC"], ["rq1", "rq2", "rq3", "rq5"]],
    [["tags.team DESC"], ["rq2", "rq1", "rq3", "rq5"]],
    [["end_time ASC"], ["rq1", "rq3", "rq2", "rq5"]],
    [["end_time DESC"], ["rq3", "rq1", "rq2", "rq5"]],
    [["start_time ASC"], ["rq1", "rq2", "rq3", "rq5"]],
    [["attributes.created DESC"], ["rq3", "rq2", "rq1", "rq5"]],
    [["attributes.run_name"], ["rq1", "rq2", "rq5", "rq3"]],
    [
      ["status", "start_time ASC"],
      ["rq2", "rq1", "rq5", "rq3"],
    ],
    [
      ["status DESC", "metrics.acc DESC"],
      ["rq3", "rq1", "rq5", "rq2"],
    ],
    [["params.model"], ["rq1", "rq2", "rq3", "rq5"]],
    [
      ["user_id", "metrics.acc"],
      ["rq3", "rq1", "rq2", "rq5"],
    ],
    [
      ["user_id DESC", "metrics.acc DESC"],
      ["rq2", "rq1", "rq3", "rq5"],
    ],
  ])("orders by %j", async (orderBy, expected) => {
    expect(await ordered(...orderBy)).toEqual(expected);
  });

  it("pages with offset and limit", async () => {
    expect(await search({ offset: 1, limit: 2 })).toEqual(["rq2", "rq1"]);
    expect(await search({ offset: 3, limit: 2 })).toEqual(["rq5"]);
    expect(await search({ offset: 10, limit: 2 })).toEqual([]);
    expect(await search({ limit: 0 })).toEqual([]);
    expect(
      await search({ filter: "params.model ILIKE 'l%'", orderBy: ["metrics.acc"], offset: 1, limit: 1 }),
    ).toEqual(["rq2"]);
  });

  it("filters params, tags and metrics through their (key, value) indexes", async () => {
    for (const [filter, index] of [
      ["params.model = 'tree'", "params_key_value"],
      ["tags.team = 'NLP'", "tags_key_value"],
      ["metrics.acc > 0.5", "latest_metrics_key_value"],
    ]) {
      const plan = await db.all<{ detail: string }>(
        sql`EXPLAIN QUERY PLAN ${compileRunSearch({ experimentIds: [E1], filter, viewType: "ALL", offset: 0, limit: 1 })}`,
      );
      expect(plan.map((step) => step.detail).join("\n")).toContain(index);
    }
  });

  it("rejects bad paging and view types", () => {
    const base = { experimentIds: [E1], viewType: "ALL", offset: 0, limit: 1 } as const;
    expect(() => compileRunSearch({ ...base, offset: -1 })).toThrow(MlflowError);
    expect(() => compileRunSearch({ ...base, limit: 1.5 })).toThrow(MlflowError);
    expect(() => compileRunSearch({ ...base, viewType: "SOME" as "ALL" })).toThrow(MlflowError);
    expect(() => compileRunSearch({ ...base, experimentIds: [Number.NaN] })).toThrow(MlflowError);
  });
});
