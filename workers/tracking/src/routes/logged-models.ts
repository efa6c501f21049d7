import * as core from "@edgeflow/core";
import * as wire from "@edgeflow/schema";
import * as rule from "../auth/rules";
import { parseRangeHeader } from "../http/byte-range";
import { fileResponse } from "../http/file-response";
import { type Route, rawRoute, route } from "./route";

/** MLflow 3's logged models (service.proto) and runs/outputs, which links runs to them. */
export const loggedModelRoutes: Route[] = [
  route(
    "POST",
    "/mlflow/logged-models",
    rule.experiment("update"),
    wire.CreateLoggedModel,
    wire.LoggedModelResponse,
    async (input, ctx) => ({
      model: await core.createLoggedModel(ctx, input),
    }),
  ),
  route(
    "GET",
    "/mlflow/logged-models/{model_id}",
    rule.loggedModel("read"),
    wire.LoggedModelRef,
    wire.LoggedModelResponse,
    async (input, ctx) => ({
      model: await core.getLoggedModel(ctx, input.model_id),
    }),
  ),
  route(
    "PATCH",
    "/mlflow/logged-models/{model_id}",
    rule.loggedModel("update"),
    wire.FinalizeLoggedModel,
    wire.LoggedModelResponse,
    async (input, ctx) => ({ model: await core.finalizeLoggedModel(ctx, input.model_id, input.status) }),
  ),
  route(
    "DELETE",
    "/mlflow/logged-models/{model_id}",
    rule.loggedModel("delete"),
    wire.LoggedModelRef,
    wire.Empty,
    async (input, ctx) => {
      await core.deleteLoggedModel(ctx, input.model_id);
      return {};
    },
  ),
  route(
    "POST",
    "/mlflow/logged-models/search",
    rule.experiment("read", rule.fieldList("experiment_ids")),
    wire.SearchLoggedModels,
    wire.SearchLoggedModelsResponse,
    (input, ctx) => core.searchLoggedModels(ctx, input),
  ),
  route(
    "PATCH",
    "/mlflow/logged-models/{model_id}/tags",
    rule.loggedModel("update"),
    wire.SetLoggedModelTags,
    wire.Empty,
    async (input, ctx) => {
      await core.setLoggedModelTags(ctx, input.model_id, input.tags);
      return {};
    },
  ),
  route(
    "DELETE",
    "/mlflow/logged-models/{model_id}/tags/{tag_key}",
    rule.loggedModel("delete"),
    wire.DeleteLoggedModelTag,
    wire.Empty,
    async (input, ctx) => {
      await core.deleteLoggedModelTag(ctx, input.model_id, input.tag_key);
      return {};
    },
  ),
  route(
    "POST",
    "/mlflow/logged-models/{model_id}/params",
    rule.loggedModel("update"),
    wire.LogLoggedModelParams,
    wire.Empty,
    async (input, ctx) => {
      await core.logLoggedModelParams(ctx, input.model_id, input.params);
      return {};
    },
  ),
  route(
    "GET",
    "/mlflow/logged-models/{model_id}/artifacts/directories",
    rule.loggedModel("read"),
    wire.ListLoggedModelArtifacts,
    wire.ListLoggedModelArtifactsResponse,
    (input, ctx) => core.listLoggedModelArtifacts(ctx, input.model_id, input.artifact_directory_path),
  ),
  // The UI's download (MLflow serves it under /ajax-api/2.0/mlflow); the query is parsed as the
  // access rule parses it (rule.pathModelId).
  rawRoute(
    "GET",
    "/mlflow/logged-models/{model_id}/artifacts/files",
    rule.loggedModel("read", rule.pathModelId),
    async (request, ctx) => {
      const input = wire.GetLoggedModelArtifact.parseQuery({
        ...Object.fromEntries(ctx.url.searchParams),
        ...ctx.params,
      });
      const { path, object } = await core.downloadLoggedModelArtifact(
        ctx.tracking,
        input.model_id,
        input.artifact_file_path,
        parseRangeHeader(request.headers.get("Range")),
      );
      return fileResponse(path, object);
    },
  ),
  route(
    "POST",
    "/mlflow/runs/outputs",
    rule.run("update"),
    wire.LogOutputs,
    wire.Empty,
    async (input, ctx) => {
      await core.logRunOutputs(ctx, input.run_id, input.models);
      return {};
    },
  ),
];
