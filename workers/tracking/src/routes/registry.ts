import * as core from "@edgeflow/core";
import * as wire from "@edgeflow/schema";
import * as rule from "../auth/rules";
import { type Route, route } from "./route";

/** MLflow's model registry (model_registry.proto): methods as in the proto, one row each. */

const registeredModelRoutes: Route[] = [
  route(
    "POST",
    "/mlflow/registered-models/create",
    rule.modelCreator,
    wire.CreateRegisteredModel,
    wire.RegisteredModelResponse,
    async (input, ctx) => ({ registered_model: await core.createRegisteredModel(ctx, input) }),
  ),
  route(
    "POST",
    "/mlflow/registered-models/rename",
    rule.model("update"),
    wire.RenameRegisteredModel,
    wire.RegisteredModelResponse,
    async (input, ctx) => ({
      registered_model: await core.renameRegisteredModel(ctx, input.name, input.new_name),
    }),
  ),
  route(
    "PATCH",
    "/mlflow/registered-models/update",
    rule.model("update"),
    wire.UpdateRegisteredModel,
    wire.RegisteredModelResponse,
    async (input, ctx) => ({
      registered_model: await core.updateRegisteredModel(ctx, input.name, input.description),
    }),
  ),
  route(
    "DELETE",
    "/mlflow/registered-models/delete",
    rule.model("delete"),
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
    rule.model("read"),
    wire.RegisteredModelNameOnly,
    wire.RegisteredModelResponse,
    async (input, ctx) => ({ registered_model: await core.getRegisteredModel(ctx, input.name) }),
  ),
  route(
    "GET",
    "/mlflow/registered-models/search",
    rule.USER,
    wire.SearchRegisteredModels,
    wire.SearchRegisteredModelsResponse,
    (input, ctx) => core.searchRegisteredModels(ctx, input),
  ),
  ...(["POST", "GET"] as const).map((method) =>
    route(
      method,
      "/mlflow/registered-models/get-latest-versions",
      rule.model("read"),
      wire.GetLatestVersions,
      wire.ModelVersionsResponse,
      async (input, ctx) => ({ model_versions: await core.getLatestVersions(ctx, input.name, input.stages) }),
    ),
  ),
  route(
    "POST",
    "/mlflow/registered-models/set-tag",
    rule.model("update"),
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
    rule.model("update"),
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
    rule.model("update"),
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
    rule.model("delete"),
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
    rule.model("read"),
    wire.RegisteredModelAliasRef,
    wire.ModelVersionResponse,
    async (input, ctx) => ({ model_version: await core.getModelVersionByAlias(ctx, input) }),
  ),
];

const modelVersionRoutes: Route[] = [
  route(
    "POST",
    "/mlflow/model-versions/create",
    rule.versionCreate,
    wire.CreateModelVersion,
    wire.ModelVersionResponse,
    async (input, ctx) => ({ model_version: await core.createModelVersion(ctx, input) }),
  ),
  route(
    "PATCH",
    "/mlflow/model-versions/update",
    rule.model("update"),
    wire.UpdateModelVersion,
    wire.ModelVersionResponse,
    async (input, ctx) => ({
      model_version: await core.updateModelVersion(ctx, input.name, input.version, input.description),
    }),
  ),
  route(
    "POST",
    "/mlflow/model-versions/transition-stage",
    rule.model("update"),
    wire.TransitionModelVersionStage,
    wire.ModelVersionResponse,
    async (input, ctx) => ({ model_version: await core.transitionModelVersionStage(ctx, input) }),
  ),
  route(
    "DELETE",
    "/mlflow/model-versions/delete",
    rule.model("delete"),
    wire.ModelVersionRef,
    wire.Empty,
    async (input, ctx) => {
      await core.deleteModelVersion(ctx, input.name, input.version);
      return {};
    },
  ),
  route(
    "GET",
    "/mlflow/model-versions/get",
    rule.model("read"),
    wire.ModelVersionRef,
    wire.ModelVersionResponse,
    async (input, ctx) => ({ model_version: await core.getModelVersion(ctx, input.name, input.version) }),
  ),
  route(
    "GET",
    "/mlflow/model-versions/search",
    rule.USER,
    wire.SearchModelVersions,
    wire.SearchModelVersionsResponse,
    (input, ctx) => core.searchModelVersions(ctx, input),
  ),
  route(
    "GET",
    "/mlflow/model-versions/get-download-uri",
    rule.model("read"),
    wire.ModelVersionRef,
    wire.ModelVersionDownloadUriResponse,
    async (input, ctx) => ({
      artifact_uri: await core.getModelVersionDownloadUri(ctx, input.name, input.version),
    }),
  ),
  route(
    "POST",
    "/mlflow/model-versions/set-tag",
    rule.model("update"),
    wire.SetModelVersionTag,
    wire.Empty,
    async (input, ctx) => {
      await core.setModelVersionTag(ctx, input);
      return {};
    },
  ),
  route(
    "DELETE",
    "/mlflow/model-versions/delete-tag",
    rule.model("delete"),
    wire.DeleteModelVersionTag,
    wire.Empty,
    async (input, ctx) => {
      await core.deleteModelVersionTag(ctx, input);
      return {};
    },
  ),
];

export const registryRoutes: Route[] = [...registeredModelRoutes, ...aliasRoutes, ...modelVersionRoutes];
