import * as core from "@edgeflow/core";
import * as wire from "@edgeflow/schema";
import { type Route, route } from "./route";

/** MLflow's model registry (model_registry.proto): methods as in the proto, one row each. */

const registeredModelRoutes: Route[] = [
  route(
    "POST",
    "/mlflow/registered-models/create",
    wire.CreateRegisteredModel,
    wire.RegisteredModelResponse,
    async (input, ctx) => ({ registered_model: await core.createRegisteredModel(ctx, input) }),
  ),
  route(
    "POST",
    "/mlflow/registered-models/rename",
    wire.RenameRegisteredModel,
    wire.RegisteredModelResponse,
    async (input, ctx) => ({
      registered_model: await core.renameRegisteredModel(ctx, input.name, input.new_name),
    }),
  ),
  route(
    "PATCH",
    "/mlflow/registered-models/update",
    wire.UpdateRegisteredModel,
    wire.RegisteredModelResponse,
    async (input, ctx) => ({
      registered_model: await core.updateRegisteredModel(ctx, input.name, input.description),
    }),
  ),
  route(
    "DELETE",
    "/mlflow/registered-models/delete",
    wire.RegisteredModelNameOnly,
    wire.Empty,
    async (input, ctx) => {
      await core.deleteRegisteredModel(ctx, input.name);
      return {};
    },
  ),
  route(
    "GET",
    "/mlflow/registered-models/get",
    wire.RegisteredModelNameOnly,
    wire.RegisteredModelResponse,
    async (input, ctx) => ({ registered_model: await core.getRegisteredModel(ctx, input.name) }),
  ),
  route(
    "GET",
    "/mlflow/registered-models/search",
    wire.SearchRegisteredModels,
    wire.SearchRegisteredModelsResponse,
    (input, ctx) => core.searchRegisteredModels(ctx, input),
  ),
  ...(["POST", "GET"] as const).map((method) =>
    route(
      method,
      "/mlflow/registered-models/get-latest-versions",
      wire.GetLatestVersions,
      wire.ModelVersionsResponse,
      async (input, ctx) => ({ model_versions: await core.getLatestVersions(ctx, input.name, input.stages) }),
    ),
  ),
  route(
    "POST",
    "/mlflow/registered-models/set-tag",
    wire.SetRegisteredModelTag,
    wire.Empty,
    async (input, ctx) => {
      await core.setRegisteredModelTag(ctx, input.name, input.key, input.value ?? "");
      return {};
    },
  ),
  route(
    "DELETE",
    "/mlflow/registered-models/delete-tag",
    wire.DeleteRegisteredModelTag,
    wire.Empty,
    async (input, ctx) => {
      await core.deleteRegisteredModelTag(ctx, input.name, input.key);
      return {};
    },
  ),
];

const aliasRoutes: Route[] = [
  route(
    "POST",
    "/mlflow/registered-models/alias",
    wire.SetRegisteredModelAlias,
    wire.Empty,
    async (input, ctx) => {
      await core.setRegisteredModelAlias(ctx, input);
      return {};
    },
  ),
  route(
    "DELETE",
    "/mlflow/registered-models/alias",
    wire.RegisteredModelAliasRef,
    wire.Empty,
    async (input, ctx) => {
      await core.deleteRegisteredModelAlias(ctx, input);
      return {};
    },
  ),
  route(
    "GET",
    "/mlflow/registered-models/alias",
    wire.RegisteredModelAliasRef,
    wire.ModelVersionResponse,
    async (input, ctx) => ({ model_version: await core.getModelVersionByAlias(ctx, input) }),
  ),
];

const modelVersionRoutes: Route[] = [
  route(
    "POST",
    "/mlflow/model-versions/create",
    wire.CreateModelVersion,
    wire.ModelVersionResponse,
    async (input, ctx) => ({ model_version: await core.createModelVersion(ctx, input) }),
  ),
  route(
    "PATCH",
    "/mlflow/model-versions/update",
    wire.UpdateModelVersion,
    wire.ModelVersionResponse,
    async (input, ctx) => ({
      model_version: await core.updateModelVersion(ctx, input.name, input.version, input.description),
    }),
  ),
  route(
    "POST",
    "/mlflow/model-versions/transition-stage",
    wire.TransitionModelVersionStage,
    wire.ModelVersionResponse,
    async (input, ctx) => ({ model_version: await core.transitionModelVersionStage(ctx, input) }),
  ),
  route("DELETE", "/mlflow/model-versions/delete", wire.ModelVersionRef, wire.Empty, async (input, ctx) => {
    await core.deleteModelVersion(ctx, input.name, input.version);
    return {};
  }),
  route(
    "GET",
    "/mlflow/model-versions/get",
    wire.ModelVersionRef,
    wire.ModelVersionResponse,
    async (input, ctx) => ({ model_version: await core.getModelVersion(ctx, input.name, input.version) }),
  ),
  route(
    "GET",
    "/mlflow/model-versions/search",
    wire.SearchModelVersions,
    wire.SearchModelVersionsResponse,
    (input, ctx) => core.searchModelVersions(ctx, input),
  ),
  route(
    "GET",
    "/mlflow/model-versions/get-download-uri",
    wire.ModelVersionRef,
    wire.ModelVersionDownloadUriResponse,
    async (input, ctx) => ({
      artifact_uri: await core.getModelVersionDownloadUri(ctx, input.name, input.version),
    }),
  ),
  route("POST", "/mlflow/model-versions/set-tag", wire.SetModelVersionTag, wire.Empty, async (input, ctx) => {
    await core.setModelVersionTag(ctx, input);
    return {};
  }),
  route(
    "DELETE",
    "/mlflow/model-versions/delete-tag",
    wire.DeleteModelVersionTag,
    wire.Empty,
    async (input, ctx) => {
      await core.deleteModelVersionTag(ctx, input);
      return {};
    },
  ),
];

export const registryRoutes: Route[] = [...registeredModelRoutes, ...aliasRoutes, ...modelVersionRoutes];
