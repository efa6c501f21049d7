import * as core from "@edgeflow/core";
import * as wire from "@edgeflow/schema";
import { endpoints as api } from "@edgeflow/schema";
import * as rule from "../auth/rules";
import { parseRangeHeader } from "../http/byte-range";
import { fileResponse } from "../http/file-response";
import { type Route, rawRoute, route } from "./route";

/** MLflow 3's logged models (service.proto) and runs/outputs, which links runs to them. */
export const loggedModelRoutes: Route[] = [
  route(api.createLoggedModel, rule.experiment("update"), async (input, ctx) => ({
    model: await core.createLoggedModel(ctx, input),
  })),
  route(api.getLoggedModel, rule.loggedModel("read"), async (input, ctx) => ({
    model: await core.getLoggedModel(ctx, input.model_id),
  })),
  route(api.finalizeLoggedModel, rule.loggedModel("update"), async (input, ctx) => ({
    model: await core.finalizeLoggedModel(ctx, input.model_id, input.status),
  })),
  route(api.deleteLoggedModel, rule.loggedModel("delete"), async (input, ctx) => {
    await core.deleteLoggedModel(ctx, input.model_id);
    return {};
  }),
  route(api.searchLoggedModels, rule.experiment("read", rule.fieldList("experiment_ids")), (input, ctx) =>
    core.searchLoggedModels(ctx, input),
  ),
  route(api.setLoggedModelTags, rule.loggedModel("update"), async (input, ctx) => {
    await core.setLoggedModelTags(ctx, input.model_id, input.tags);
    return {};
  }),
  route(api.deleteLoggedModelTag, rule.loggedModel("delete"), async (input, ctx) => {
    await core.deleteLoggedModelTag(ctx, input.model_id, input.tag_key);
    return {};
  }),
  route(api.logLoggedModelParams, rule.loggedModel("update"), async (input, ctx) => {
    await core.logLoggedModelParams(ctx, input.model_id, input.params);
    return {};
  }),
  route(api.listLoggedModelArtifacts, rule.loggedModel("read"), (input, ctx) =>
    core.listLoggedModelArtifacts(ctx, input.model_id, input.artifact_directory_path),
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
  route(api.logOutputs, rule.run("update"), async (input, ctx) => {
    await core.logRunOutputs(ctx, input.run_id, input.models);
    return {};
  }),
];
