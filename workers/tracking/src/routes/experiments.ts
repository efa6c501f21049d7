import * as core from "@edgeflow/core";
import { endpoints as api } from "@edgeflow/schema";
import * as rule from "../auth/rules";
import { type Route, route } from "./route";

export const experimentRoutes: Route[] = [
  route(api.createExperiment, rule.experimentCreator, async (input, ctx) => ({
    experiment_id: await core.createExperiment(ctx, input),
  })),
  route(api.getExperiment, rule.experiment("read"), async (input, ctx) => ({
    experiment: await core.getExperiment(ctx, input.experiment_id),
  })),
  route(api.getExperimentByName, rule.experimentByName, async (input, ctx) => ({
    experiment: await core.getExperimentByName(ctx, input.experiment_name),
  })),
  route(api.searchExperiments, rule.USER, (input, ctx) => core.searchExperiments(ctx, input)),
  route(api.searchExperimentsGet, rule.USER, (input, ctx) => core.searchExperiments(ctx, input)),
  route(api.updateExperiment, rule.experiment("update"), async (input, ctx) => {
    await core.renameExperiment(ctx, input.experiment_id, input.new_name);
    return {};
  }),
  route(api.deleteExperiment, rule.experiment("delete"), async (input, ctx) => {
    await core.deleteExperiment(ctx, input.experiment_id);
    return {};
  }),
  route(api.restoreExperiment, rule.experiment("delete"), async (input, ctx) => {
    await core.restoreExperiment(ctx, input.experiment_id);
    return {};
  }),
  route(api.setExperimentTag, rule.experiment("update"), async (input, ctx) => {
    await core.setExperimentTag(ctx, input.experiment_id, input.key, input.value ?? "");
    return {};
  }),
  route(api.deleteExperimentTag, rule.experiment("update"), async (input, ctx) => {
    await core.deleteExperimentTag(ctx, input.experiment_id, input.key);
    return {};
  }),
];
