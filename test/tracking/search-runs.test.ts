import { beforeAll, describe, expect, it } from "vitest";
import { createExperiment, createRun, post } from "../helpers/api";

type Page = { runs?: { info: { run_id: string; run_name: string } }[]; next_page_token?: string };

describe("runs/search", () => {
  let experimentId = "";
  const names: string[] = [];

  beforeAll(async () => {
    experimentId = await createExperiment();
    for (let i = 0; i < 6; i += 1) {
      const run = await createRun(experimentId, { run_name: `run-${i}`, start_time: 1000 + i });
      names.push(run.info.run_name as string);
      await post("runs/log-batch", {
        run_id: run.info.run_id,
        metrics: i === 5 ? [] : [{ key: "acc", value: i / 10, timestamp: 1, step: 0 }],
        params: [{ key: "model", value: i % 2 === 0 ? "Linear" : "tree" }],
        tags: [{ key: "team", value: i < 3 ? "a" : "b" }],
      });
    }
  });

  const search = (body: Record<string, unknown>) =>
    post<Page>("runs/search", { experiment_ids: [experimentId], ...body });
  const namesOf = (page: Page) => (page.runs ?? []).map((run) => run.info.run_name);

  it("orders by start_time DESC by default", async () => {
    expect(namesOf((await search({})).body)).toEqual(["run-5", "run-4", "run-3", "run-2", "run-1", "run-0"]);
  });

  it("filters on metrics, params, tags and attributes", async () => {
    expect(namesOf((await search({ filter: "metrics.acc > 0.25" })).body)).toEqual(["run-4", "run-3"]);
    expect(namesOf((await search({ filter: "params.model = 'tree'" })).body)).toEqual([
      "run-5",
      "run-3",
      "run-1",
    ]);
    expect(namesOf((await search({ filter: "params.model LIKE 'lin%'" })).body)).toEqual([]);
    expect(namesOf((await search({ filter: "params.model ILIKE 'lin%'" })).body)).toEqual([
      "run-4",
      "run-2",
      "run-0",
    ]);
    expect(namesOf((await search({ filter: "tags.team = 'a' AND metrics.acc >= 0.1" })).body)).toEqual([
      "run-2",
      "run-1",
    ]);
    expect(namesOf((await search({ filter: "attributes.run_name = 'run-3'" })).body)).toEqual(["run-3"]);
    expect(
      namesOf((await search({ filter: "attributes.status = 'RUNNING' AND start_time > 1003" })).body),
    ).toEqual(["run-5", "run-4"]);
  });

  it("orders by a metric with missing values last, in both directions", async () => {
    expect(namesOf((await search({ order_by: ["metrics.acc DESC"] })).body)).toEqual([
      "run-4",
      "run-3",
      "run-2",
      "run-1",
      "run-0",
      "run-5",
    ]);
    expect(namesOf((await search({ order_by: ["metrics.acc ASC"] })).body)).toEqual([
      "run-0",
      "run-1",
      "run-2",
      "run-3",
      "run-4",
      "run-5",
    ]);
    expect(
      namesOf((await search({ order_by: ["tags.team DESC", "params.model", "start_time ASC"] })).body),
    ).toEqual(["run-4", "run-3", "run-5", "run-0", "run-2", "run-1"]);
  });

  it("pages with tokens and honours view types", async () => {
    const first = await search({ max_results: 4 });
    expect(namesOf(first.body)).toHaveLength(4);
    const second = await search({ max_results: 4, page_token: first.body.next_page_token });
    expect(namesOf(second.body)).toEqual(["run-1", "run-0"]);
    expect(second.body.next_page_token).toBeUndefined();
    const victim = first.body.runs?.[0]?.info.run_id;
    await post("runs/delete", { run_id: victim });
    expect(namesOf((await search({})).body)).toHaveLength(5);
    expect(namesOf((await search({ run_view_type: "DELETED_ONLY" })).body)).toEqual(["run-5"]);
    expect(namesOf((await search({ run_view_type: "ALL" })).body)).toHaveLength(6);
    await post("runs/restore", { run_id: victim });
  });

  it("answers bad filters, order_by and limits with INVALID_PARAMETER_VALUE", async () => {
    for (const body of [
      { filter: "metrics.acc >> 1" },
      { filter: "foo.x = 1" },
      { filter: "metrics.acc = 'x'" },
      { filter: "params.model = tree" },
      { filter: "metrics.acc > 1 OR metrics.acc < 0" },
      { order_by: ["metrics.acc SIDEWAYS"] },
      { order_by: ["nope.x"] },
      { max_results: 50001 },
      { max_results: 0 },
      { page_token: "@@@" },
      { experiment_ids: "not-a-list" },
    ]) {
      const response = await search(body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body).toMatchObject({ error_code: "INVALID_PARAMETER_VALUE" });
    }
  });
});
