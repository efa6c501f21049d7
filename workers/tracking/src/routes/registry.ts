import * as core from "@edgeflow/core";
import { endpoints as api } from "@edgeflow/schema";
import * as rule from "../auth/rules";
import { type Route, route } from "./route";

/** MLflow's model registry (model_registry.proto): methods as in the proto, one row each. */

const registeredModelRoutes: Route[] = [
  route(api.createRegisteredModel, rule.modelCreator, async (input, ctx) => ({
    registered_model: await core.createRegisteredModel(ctx, input),
  })),
  route(api.renameRegisteredModel, rule.model("update"), async (input, ctx) => ({
    registered_model: await core.renameRegisteredModel(ctx, input.name, input.new_name),
  })),
  route(api.updateRegisteredModel, rule.model("update"), async (input, ctx) => ({
    registered_model: await core.updateRegisteredModel(ctx, input.name, input.description),
  })),
  route(api.deleteRegisteredModel, rule.model("delete"), async (input, ctx) => {
    await core.deleteRegisteredModel(ctx, input.name);
    return {};
  }),
  route(api.getRegisteredModel, rule.model("read"), async (input, ctx) => ({
    registered_model: await core.getRegisteredModel(ctx, input.name),
  })),
  route(api.searchRegisteredModels, rule.USER, (input, ctx) => core.searchRegisteredModels(ctx, input)),
  ...[api.getLatestVersions, api.getLatestVersionsGet].map((endpoint) =>
    route(endpoint, rule.model("read"), async (input, ctx) => ({
      model_versions: await core.getLatestVersions(ctx, input.name, input.stages),
    })),
  ),
  route(api.setRegisteredModelTag, rule.model("update"), async (input, ctx) => {
    await core.setRegisteredModelTag(ctx, input.name, input.key, input.value ?? "");
    return {};
  }),
  route(api.deleteRegisteredModelTag, rule.model("update"), async (input, ctx) => {
    await core.deleteRegisteredModelTag(ctx, input.name, input.key);
    return {};
  }),
];

const aliasRoutes: Route[] = [
  route(api.setRegisteredModelAlias, rule.model("update"), async (input, ctx) => {
    await core.setRegisteredModelAlias(ctx, input);
    return {};
  }),
  route(api.deleteRegisteredModelAlias, rule.model("delete"), async (input, ctx) => {
    await core.deleteRegisteredModelAlias(ctx, input);
    return {};
  }),
  route(api.getModelVersionByAlias, rule.model("read"), async (input, ctx) => ({
    model_version: await core.getModelVersionByAlias(ctx, input),
  })),
];

const modelVersionRoutes: Route[] = [
  route(api.createModelVersion, rule.versionCreate, async (input, ctx) => ({
    model_version: await core.createModelVersion(ctx, input),
  })),
  route(api.updateModelVersion, rule.model("update"), async (input, ctx) => ({
    model_version: await core.updateModelVersion(ctx, input.name, input.version, input.description),
  })),
  route(api.transitionModelVersionStage, rule.model("update"), async (input, ctx) => ({
    model_version: await core.transitionModelVersionStage(ctx, input),
  })),
  route(api.deleteModelVersion, rule.model("delete"), async (input, ctx) => {
    await core.deleteModelVersion(ctx, input.name, input.version);
    return {};
  }),
  route(api.getModelVersion, rule.model("read"), async (input, ctx) => ({
    model_version: await core.getModelVersion(ctx, input.name, input.version),
  })),
  route(api.searchModelVersions, rule.USER, (input, ctx) => core.searchModelVersions(ctx, input)),
  route(api.getModelVersionDownloadUri, rule.model("read"), async (input, ctx) => ({
    artifact_uri: await core.getModelVersionDownloadUri(ctx, input.name, input.version),
  })),
  route(api.setModelVersionTag, rule.model("update"), async (input, ctx) => {
    await core.setModelVersionTag(ctx, input);
    return {};
  }),
  route(api.deleteModelVersionTag, rule.model("delete"), async (input, ctx) => {
    await core.deleteModelVersionTag(ctx, input);
    return {};
  }),
];

export const registryRoutes: Route[] = [...registeredModelRoutes, ...aliasRoutes, ...modelVersionRoutes];
