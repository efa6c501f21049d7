import * as core from "@edgeflow/core";
import * as wire from "@edgeflow/schema";
import * as rule from "../auth/rules";
import { type Route, route } from "./route";

const { runIdOf } = core;

export const runRoutes: Route[] = [
  route(
    "POST",
    "/mlflow/runs/create",
    rule.runCreate,
    wire.CreateRun,
    wire.RunResponse,
    async (input, ctx) => ({
      run: await core.createRun(ctx, input),
    }),
  ),
  route("GET", "/mlflow/runs/get", rule.run("read"), wire.GetRun, wire.RunResponse, async (input, ctx) => ({
    run: await core.getRun(ctx, runIdOf(input)),
  })),
  route(
    "POST",
    "/mlflow/runs/update",
    rule.run("update"),
    wire.UpdateRun,
    wire.UpdateRunResponse,
    async (input, ctx) => ({
      run_info: await core.updateRun(ctx, runIdOf(input), input),
    }),
  ),
  route("POST", "/mlflow/runs/delete", rule.run("delete"), wire.RunIdOnly, wire.Empty, async (input, ctx) => {
    await core.deleteRun(ctx, input.run_id);
    return {};
  }),
  route(
    "POST",
    "/mlflow/runs/restore",
    rule.run("delete"),
    wire.RunIdOnly,
    wire.Empty,
    async (input, ctx) => {
      await core.restoreRun(ctx, input.run_id);
      return {};
    },
  ),
  route(
    "POST",
    "/mlflow/runs/search",
    rule.experiment("read", rule.fieldList("experiment_ids")),
    wire.SearchRuns,
    wire.SearchRunsResponse,
    (input, ctx) => core.searchRuns(ctx, input),
  ),
  route(
    "POST",
    "/mlflow/runs/log-metric",
    rule.run("update"),
    wire.LogMetric,
    wire.Empty,
    async (input, ctx) => {
      await core.logRunData(ctx, runIdOf(input), { metrics: [input] });
      return {};
    },
  ),
  route(
    "POST",
    "/mlflow/runs/log-parameter",
    rule.run("update"),
    wire.LogParam,
    wire.Empty,
    async (input, ctx) => {
      await core.logRunData(ctx, runIdOf(input), { params: [input] });
      return {};
    },
  ),
  route("POST", "/mlflow/runs/set-tag", rule.run("update"), wire.SetTag, wire.Empty, async (input, ctx) => {
    await core.logRunData(ctx, runIdOf(input), { tags: [input] });
    return {};
  }),
  route(
    "POST",
    "/mlflow/runs/delete-tag",
    rule.run("update"),
    wire.DeleteTag,
    wire.Empty,
    async (input, ctx) => {
      await core.deleteTag(ctx, input.run_id, input.key);
      return {};
    },
  ),
  route(
    "POST",
    "/mlflow/runs/log-batch",
    rule.run("update"),
    wire.LogBatch,
    wire.Empty,
    async (input, ctx) => {
      await core.logRunData(ctx, input.run_id, input);
      return {};
    },
    { maxBodyBytes: core.limits.batchRequestBytes },
  ),
  route(
    "POST",
    "/mlflow/runs/log-model",
    rule.run("update"),
    wire.LogModel,
    wire.Empty,
    async (input, ctx) => {
      await core.logModel(ctx, input.run_id, input.model_json);
      return {};
    },
  ),
  route(
    "POST",
    "/mlflow/runs/log-inputs",
    rule.run("update"),
    wire.LogInputs,
    wire.Empty,
    async (input, ctx) => {
      await core.logInputs(ctx, input.run_id, input.datasets ?? [], input.models ?? []);
      return {};
    },
  ),
];
