import * as core from "@edgeflow/core";
import * as wire from "@edgeflow/schema";
import * as rule from "../auth/rules";
import { type Route, route } from "./route";

export const experimentRoutes: Route[] = [
  route(
    "POST",
    "/mlflow/experiments/create",
    rule.experimentCreator,
    wire.CreateExperiment,
    wire.CreateExperimentResponse,
    async (input, ctx) => ({
      experiment_id: await core.createExperiment(ctx, input),
    }),
  ),
  route(
    "GET",
    "/mlflow/experiments/get",
    rule.experiment("read"),
    wire.GetExperiment,
    wire.ExperimentResponse,
    async (input, ctx) => ({
      experiment: await core.getExperiment(ctx, input.experiment_id),
    }),
  ),
  route(
    "GET",
    "/mlflow/experiments/get-by-name",
    rule.experimentByName,
    wire.GetExperimentByName,
    wire.ExperimentResponse,
    async (input, ctx) => ({
      experiment: await core.getExperimentByName(ctx, input.experiment_name),
    }),
  ),
  route(
    "POST",
    "/mlflow/experiments/search",
    rule.USER,
    wire.SearchExperiments,
    wire.SearchExperimentsResponse,
    (input, ctx) => core.searchExperiments(ctx, input),
  ),
  route(
    "GET",
    "/mlflow/experiments/search",
    rule.USER,
    wire.SearchExperiments,
    wire.SearchExperimentsResponse,
    (input, ctx) => core.searchExperiments(ctx, input),
  ),
  route(
    "POST",
    "/mlflow/experiments/update",
    rule.experiment("update"),
    wire.UpdateExperiment,
    wire.Empty,
    async (input, ctx) => {
      await core.renameExperiment(ctx, input.experiment_id, input.new_name);
      return {};
    },
  ),
  route(
    "POST",
    "/mlflow/experiments/delete",
    rule.experiment("delete"),
    wire.ExperimentIdOnly,
    wire.Empty,
    async (input, ctx) => {
      await core.deleteExperiment(ctx, input.experiment_id);
      return {};
    },
  ),
  route(
    "POST",
    "/mlflow/experiments/restore",
    rule.experiment("delete"),
    wire.ExperimentIdOnly,
    wire.Empty,
    async (input, ctx) => {
      await core.restoreExperiment(ctx, input.experiment_id);
      return {};
    },
  ),
  route(
    "POST",
    "/mlflow/experiments/set-experiment-tag",
    rule.experiment("update"),
    wire.SetExperimentTag,
    wire.Empty,
    async (input, ctx) => {
      await core.setExperimentTag(ctx, input.experiment_id, input.key, input.value ?? "");
      return {};
    },
  ),
  route(
    "POST",
    "/mlflow/experiments/delete-experiment-tag",
    rule.experiment("update"),
    wire.DeleteExperimentTag,
    wire.Empty,
    async (input, ctx) => {
      await core.deleteExperimentTag(ctx, input.experiment_id, input.key);
      return {};
    },
  ),
];
