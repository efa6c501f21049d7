import * as core from "@edgeflow/core";
import { jsonText, readMlflowJson } from "@edgeflow/http";
import * as wire from "@edgeflow/schema";
import { endpoints as api } from "@edgeflow/schema";
import * as rule from "../auth/rules";
import { parseRangeHeader } from "../http/byte-range";
import { fileResponse, guessMimeType } from "../http/file-response";
import { type Route, rawRoute, route } from "./route";

const EMPTY = "{}";

function declaredLength(request: Request): number | undefined {
  const header = request.headers.get("Content-Length");
  return header === null || header === "" ? undefined : Number(header);
}

/** MLflow's proxied artifact API (mlflow_artifacts.proto): bytes stream between client and bucket. */
export const artifactRoutes: Route[] = [
  rawRoute("GET", "/mlflow-artifacts/artifacts/*", rule.artifact("read"), async (request, ctx) => {
    const { path, object } = await core.downloadProxiedArtifact(
      ctx.tracking.artifacts,
      ctx.tail,
      parseRangeHeader(request.headers.get("Range")),
    );
    return fileResponse(path, object);
  }),
  rawRoute("PUT", "/mlflow-artifacts/artifacts/*", rule.artifact("update"), async (request, ctx) => {
    await core.uploadProxiedArtifact(ctx.tracking.artifacts, ctx.tail, request.body, {
      contentLength: declaredLength(request),
      contentType: request.headers.get("Content-Type") ?? guessMimeType(ctx.tail),
    });
    return jsonText(EMPTY);
  }),
  rawRoute("DELETE", "/mlflow-artifacts/artifacts/*", rule.artifact("manage"), async (_request, ctx) => {
    await core.deleteProxiedArtifacts(ctx.tracking.artifacts, ctx.tail);
    return jsonText(EMPTY);
  }),
  route(api.listProxiedArtifacts, rule.artifact("read", rule.listPath), async (input, ctx) => ({
    files: await core.listProxiedArtifacts(ctx.artifacts, input.path),
  })),
  rawRoute("POST", "/mlflow-artifacts/mpu/create/*", rule.artifact("update"), async (request, ctx) => {
    const input = wire.CreateMultipartUpload.parse(await readMlflowJson(request));
    const objectPath = core.multipartObjectPath(ctx.tail, input.path);
    const created = await core.createMultipartUpload(
      ctx.tracking.artifacts,
      objectPath,
      input.num_parts ?? 1,
    );
    return jsonText(JSON.stringify(wire.CreateMultipartUploadResponse.encode(created)));
  }),
  rawRoute("POST", "/mlflow-artifacts/mpu/complete/*", rule.artifact("update"), async (request, ctx) => {
    const input = wire.CompleteMultipartUpload.parse(await readMlflowJson(request));
    const objectPath = core.multipartObjectPath(ctx.tail, input.path);
    const parts = input.parts.map((part) => ({ partNumber: part.part_number, etag: part.etag ?? "" }));
    await ctx.tracking.artifacts.completeMultipartUpload(objectPath, input.upload_id, parts);
    return jsonText(EMPTY);
  }),
  rawRoute("POST", "/mlflow-artifacts/mpu/abort/*", rule.artifact("update"), async (request, ctx) => {
    const input = wire.AbortMultipartUpload.parse(await readMlflowJson(request));
    await ctx.tracking.artifacts.abortMultipartUpload(
      core.multipartObjectPath(ctx.tail, input.path),
      input.upload_id,
    );
    return jsonText(EMPTY);
  }),
  route(api.listArtifacts, rule.run("read"), (input, ctx) =>
    core.listRunArtifacts(ctx, core.runIdOf(input), input.path),
  ),
];

/** Served outside /api/2.0, as MLflow's server does: run and model-version files for browsers and the UI. */
export const rootArtifactRoutes: Route[] = [
  rawRoute("GET", "/get-artifact", rule.run("read", rule.downloadRunId), async (request, ctx) => {
    const input = wire.GetRunArtifact.parseQuery(Object.fromEntries(ctx.url.searchParams));
    const { path, object } = await core.downloadRunArtifact(
      ctx.tracking,
      core.runIdOf(input),
      input.path,
      parseRangeHeader(request.headers.get("Range")),
    );
    return fileResponse(path, object);
  }),
  rawRoute(
    "GET",
    "/model-versions/get-artifact",
    rule.model("read", rule.downloadModelName),
    async (request, ctx) => {
      const input = wire.GetModelVersionArtifact.parseQuery(Object.fromEntries(ctx.url.searchParams));
      const { path, object } = await core.downloadModelVersionArtifact(
        ctx.tracking,
        input.name,
        input.version,
        input.path,
        parseRangeHeader(request.headers.get("Range")),
      );
      return fileResponse(path, object);
    },
  ),
];
