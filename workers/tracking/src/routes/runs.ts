import * as core from "@edgeflow/core";
import { endpoints as api, missingValue } from "@edgeflow/schema";
import * as rule from "../auth/rules";
import { type Route, route } from "./route";

const { runIdOf } = core;

export const runRoutes: Route[] = [
  route(api.createRun, rule.runCreate, async (input, ctx) => ({
    run: await core.createRun(ctx, input),
  })),
  route(api.getRun, rule.run("read"), async (input, ctx) => ({
    run: await core.getRun(ctx, runIdOf(input)),
  })),
  route(api.updateRun, rule.run("update"), async (input, ctx) => ({
    run_info: await core.updateRun(ctx, runIdOf(input), input),
  })),
  route(api.deleteRun, rule.run("delete"), async (input, ctx) => {
    await core.deleteRun(ctx, input.run_id);
    return {};
  }),
  route(api.restoreRun, rule.run("delete"), async (input, ctx) => {
    await core.restoreRun(ctx, input.run_id);
    return {};
  }),
  route(api.searchRuns, rule.experiment("read", rule.fieldList("experiment_ids")), (input, ctx) =>
    core.searchRuns(ctx, input),
  ),
  route(api.logMetric, rule.run("update"), async (input, ctx) => {
    await core.logRunData(ctx, runIdOf(input), { metrics: [input] });
    return {};
  }),
  route(api.logParam, rule.run("update"), async (input, ctx) => {
    await core.logRunData(ctx, runIdOf(input), { params: [input] });
    return {};
  }),
  route(api.setTag, rule.run("update"), async (input, ctx) => {
    await core.logRunData(ctx, runIdOf(input), { tags: [input] });
    return {};
  }),
  route(api.deleteTag, rule.run("update"), async (input, ctx) => {
    await core.deleteTag(ctx, input.run_id, input.key);
    return {};
  }),
  route(
    api.logBatch,
    rule.run("update"),
    async (input, ctx) => {
      await core.logRunData(ctx, input.run_id, input);
      return {};
    },
    { maxBodyBytes: core.limits.batchRequestBytes },
  ),
  route(api.logModel, rule.run("update"), async (input, ctx) => {
    await core.logModel(ctx, input.run_id, input.model_json);
    return {};
  }),
  route(api.logInputs, rule.run("update"), async (input, ctx) => {
    // MLflow 2.x requires datasets; 3.x made them optional beside models. Neither is refused.
    if (input.datasets === undefined && input.models === undefined) throw missingValue("datasets");
    await core.logInputs(ctx, input.run_id, input.datasets ?? [], input.models ?? []);
    return {};
  }),
];
