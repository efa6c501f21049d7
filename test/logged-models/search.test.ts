import { beforeAll, describe, expect, it } from "vitest";
import { createExperiment, createRun, post } from "../helpers/api";
import { call, createLoggedModel, type WireLoggedModel } from "./helpers";

type SearchBody = { models?: WireLoggedModel[]; next_page_token?: string };

async function search(body: Record<string, unknown>) {
  return post<SearchBody & { error_code?: string; message?: string }>("logged-models/search", body);
}
const names = (body: SearchBody) => (body.models ?? []).map((m) => m.info.name);

/**
 * Three models in one experiment, created in order a, b, c (so newest first is c, b, a), with
 * params, tags and metrics on two datasets.
 */
describe("search_logged_models", () => {
  let experimentId: string;
  let ids: Record<string, string>;

  beforeAll(async () => {
    experimentId = await createExperiment();
    const run = await createRun(experimentId);
    const runId = run.info.run_id;
    ids = {};
    const specs = [
      { name: "a", params: { lr: "0.1" }, tags: { team: "red" }, acc: [0.7, 0.75], loss: 0.3 },
      { name: "b", params: { lr: "0.2" }, tags: { team: "blue" }, acc: [0.9, 0.8], loss: Number.NaN },
      { name: "c", params: { lr: "0.3" }, tags: { team: "red" }, acc: undefined, loss: undefined },
    ];
    for (const spec of specs) {
      const model = await createLoggedModel(experimentId, {
        name: spec.name,
        source_run_id: runId,
        params: Object.entries(spec.params).map(([key, value]) => ({ key, value })),
        tags: Object.entries(spec.tags).map(([key, value]) => ({ key, value })),
      });
      ids[spec.name] = model.info.model_id;
      const metrics = [];
      if (spec.acc) {
        const [onTrain, onTest] = spec.acc;
        metrics.push(
          {
            key: "acc",
            value: onTrain,
            timestamp: 1,
            step: 0,
            model_id: model.info.model_id,
            dataset_name: "train",
            dataset_digest: "d1",
          },
          {
            key: "acc",
            value: onTest,
            timestamp: 2,
            step: 0,
            model_id: model.info.model_id,
            dataset_name: "test",
            dataset_digest: "d2",
          },
        );
      }
      if (spec.loss !== undefined) {
        metrics.push({
          key: "loss",
          value: Number.isNaN(spec.loss) ? "NaN" : spec.loss,
          timestamp: 1,
          model_id: model.info.model_id,
        });
      }
      if (metrics.length > 0) {
        const logged = await post("runs/log-batch", { run_id: runId, metrics });
        expect(logged.status).toBe(200);
      }
    }
    await call("PATCH", `logged-models/${ids.a}`, { status: "LOGGED_MODEL_READY" });
  });

  it("returns an experiment's models newest first, with their data", async () => {
    const { status, body } = await search({ experiment_ids: [experimentId] });
    expect(status).toBe(200);
    expect(names(body)).toEqual(["c", "b", "a"]);
    expect(body.next_page_token).toBeUndefined();
    const a = body.models?.find((m) => m.info.name === "a");
    expect(a?.data.metrics?.map((m) => [m.key, m.value, m.dataset_name])).toEqual([
      ["acc", 0.7, "train"],
      ["acc", 0.75, "test"],
      ["loss", 0.3, undefined],
    ]);
  });

  it("filters on attributes, params, tags and metrics", async () => {
    const cases: [string, string[]][] = [
      ["name = 'a'", ["a"]],
      ["name='a'", ["a"]],
      ["name LIKE '%b%'", ["b"]],
      ["name IN ('a', 'c')", ["c", "a"]],
      ["model_id = 'm-none'", []],
      ["status = 'LOGGED_MODEL_READY'", ["a"]],
      ["attributes.status != 'LOGGED_MODEL_READY'", ["c", "b"]],
      ["params.lr = '0.2'", ["b"]],
      ["params.lr >= '0.2'", []],
      ["tags.team = 'red'", ["c", "a"]],
      ["tags.`team` ILIKE 'BLUE'", ["b"]],
      ["metrics.acc > 0.85", ["b"]],
      ["metrics.acc >= 0.7 AND tags.team = 'red'", ["a"]],
      ["metrics.loss < 1", ["a"]],
      ["creation_timestamp > 0", ["c", "b", "a"]],
    ];
    for (const [filter, expected] of cases) {
      const { status, body } = await search({ experiment_ids: [experimentId], filter });
      if (filter.startsWith("params.lr >=")) {
        expect(status, filter).toBe(400);
        continue;
      }
      expect(status, filter).toBe(200);
      expect(names(body), filter).toEqual(expected);
    }
    const byId = await search({ experiment_ids: [experimentId], filter: `model_id = '${ids.b}'` });
    expect(names(byId.body)).toEqual(["b"]);
    const byRun = await search({ experiment_ids: [experimentId], filter: "source_run_id != ''" });
    expect(names(byRun.body)).toEqual(["c", "b", "a"]);
  });

  it("applies metric filters to the requested datasets only", async () => {
    const onTrain = await search({
      experiment_ids: [experimentId],
      filter: "metrics.acc > 0.8",
      datasets: [{ dataset_name: "train" }],
    });
    expect(names(onTrain.body)).toEqual(["b"]);
    const onTest = await search({
      experiment_ids: [experimentId],
      filter: "metrics.acc > 0.76",
      datasets: [{ dataset_name: "test", dataset_digest: "d2" }],
    });
    expect(names(onTest.body)).toEqual(["b"]);
    const wrongDigest = await search({
      experiment_ids: [experimentId],
      filter: "metrics.acc > 0",
      datasets: [{ dataset_name: "test", dataset_digest: "nope" }],
    });
    expect(names(wrongDigest.body)).toEqual([]);
    const anyMetricOnTest = await search({
      experiment_ids: [experimentId],
      datasets: [{ dataset_name: "test" }],
    });
    expect(names(anyMetricOnTest.body)).toEqual(["b", "a"]);
    const noName = await search({ experiment_ids: [experimentId], datasets: [{ dataset_digest: "d2" }] });
    expect(noName.status).toBe(400);
  });

  it("orders by attributes and by a metric's latest value, missing values last", async () => {
    const byName = await search({
      experiment_ids: [experimentId],
      order_by: [{ field_name: "name", ascending: true }],
    });
    expect(names(byName.body)).toEqual(["a", "b", "c"]);
    const byNameDesc = await search({
      experiment_ids: [experimentId],
      order_by: [{ field_name: "name", ascending: false }],
    });
    expect(names(byNameDesc.body)).toEqual(["c", "b", "a"]);
    const oldest = await search({
      experiment_ids: [experimentId],
      order_by: [{ field_name: "creation_time" }],
    });
    expect(names(oldest.body)).toEqual(["a", "b", "c"]);
    const acc = await search({
      experiment_ids: [experimentId],
      order_by: [{ field_name: "metrics.acc", ascending: false }],
    });
    expect(names(acc.body)).toEqual(["b", "a", "c"]);
    const accOnTrain = await search({
      experiment_ids: [experimentId],
      order_by: [{ field_name: "metrics.acc", ascending: true, dataset_name: "train" }],
    });
    expect(names(accOnTrain.body)).toEqual(["a", "b", "c"]);
    // NaN counts as missing.
    const loss = await search({ experiment_ids: [experimentId], order_by: [{ field_name: "metrics.loss" }] });
    expect(names(loss.body)).toEqual(["a", "c", "b"]);
    const params = await search({ experiment_ids: [experimentId], order_by: [{ field_name: "params.lr" }] });
    expect(params.status).toBe(400);
    expect(params.body.message).toBe("Invalid order by field name: params.lr. Only metrics are supported.");
    const unknown = await search({ experiment_ids: [experimentId], order_by: [{ field_name: "bogus" }] });
    expect(unknown.body.message).toBe("Invalid order by field name: bogus");
  });

  it("pages with tokens bound to the search", async () => {
    const first = await search({ experiment_ids: [experimentId], max_results: 2 });
    expect(names(first.body)).toEqual(["c", "b"]);
    expect(first.body.next_page_token).toBeTruthy();
    const second = await search({
      experiment_ids: [experimentId],
      max_results: 2,
      page_token: first.body.next_page_token,
    });
    expect(names(second.body)).toEqual(["a"]);
    expect(second.body.next_page_token).toBeUndefined();
    const otherFilter = await search({
      experiment_ids: [experimentId],
      filter: "name = 'a'",
      page_token: first.body.next_page_token,
    });
    expect(otherFilter.status).toBe(400);
    const garbage = await search({ experiment_ids: [experimentId], page_token: "!!!" });
    expect(garbage.status).toBe(400);
  });

  it("refuses bad filters and requests with INVALID_PARAMETER_VALUE, never a 500", async () => {
    const bad = [
      { experiment_ids: [experimentId], filter: "foo.bar = 'x'" },
      { experiment_ids: [experimentId], filter: "bogus = 'x'" },
      { experiment_ids: [experimentId], filter: "metrics.acc LIKE 'x'" },
      { experiment_ids: [experimentId], filter: "metrics.acc > 'x'" },
      { experiment_ids: [experimentId], filter: "name = 'a' OR name = 'b'" },
      { experiment_ids: [experimentId], filter: "name =" },
      { experiment_ids: ["abc"] },
      { experiment_ids: [experimentId], max_results: 100_000 },
      {
        experiment_ids: [experimentId],
        order_by: [{ field_name: "metrics.a" }].concat(Array(30).fill({ field_name: "name" })),
      },
      {},
    ];
    for (const body of bad) {
      const response = await search(body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body.error_code).toBe("INVALID_PARAMETER_VALUE");
    }
  });

  it("does not find deleted models or other experiments' models", async () => {
    const other = await createExperiment();
    const model = await createLoggedModel(other, { name: "gone" });
    await createLoggedModel(other, { name: "kept" });
    await call("DELETE", `logged-models/${model.info.model_id}`, {});
    const { body } = await search({ experiment_ids: [other] });
    expect(names(body)).toEqual(["kept"]);
    const both = await search({ experiment_ids: [experimentId, other], filter: "name IN ('kept', 'a')" });
    expect(names(both.body).sort()).toEqual(["a", "kept"]);
  });
});
