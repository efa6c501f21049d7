import * as core from "@edgeflow/core";
import { json, jsonText, messageRoute, readBodyBytes, readMlflowJson } from "@edgeflow/http";
import * as wire from "@edgeflow/schema";
import * as rule from "../auth/rules";
import { guessMimeType } from "../http/file-response";
import type { RequestContext } from "../request-context";
import { type Route, rawRoute } from "./route";

/**
 * Endpoints MLflow's server keeps for its web UI, outside its protos (mlflow/server/__init__.py,
 * 2.12.2): MLflow serves them under /ajax-api/2.0 only, and so does this group (routes/index.ts).
 * MLflow's auth plugin gives them no check beyond signing in; here each names what it touches.
 */

// The rules run the handlers' own checks first, so a caller learns what is missing (400) before
// any permission is looked up, with auth on as with it off.
const promptlabExperiment: rule.Picker<string> = ({ message }) => {
  if (!message) return undefined;
  core.validatePromptlabRun(message as core.PromptlabRunInput);
  return rule.text(message.experiment_id);
};
const datasetExperiments: rule.Picker<readonly string[]> = ({ message }) =>
  message ? core.validateSearchDatasets(message.experiment_ids as string[] | undefined) : undefined;
const uploadRunId: rule.Picker<string> = ({ url }) => core.uploadArtifactTarget(url.searchParams).runId;

export const uiRoutes: Route[] = [
  messageRoute(
    "POST",
    "/mlflow/runs/create-promptlab-run",
    rule.experiment("update", promptlabExperiment),
    wire.CreatePromptlabRun,
    wire.RunResponse,
    async (input, ctx: RequestContext) => ({ run: await core.createPromptlabRun(ctx.tracking, input) }),
  ),
  {
    // A message row whose answer keeps MLflow's `"context": null` (a message encoder drops nulls).
    method: "POST",
    path: "/mlflow/experiments/search-datasets",
    access: rule.experiment("read", datasetExperiments),
    request: wire.SearchDatasets,
    async handle(request, ctx) {
      const input = wire.SearchDatasets.parse(await readMlflowJson(request));
      await ctx.auth.authorize(input);
      return json({
        dataset_summaries: await core.searchDatasetSummaries(ctx.tracking, input.experiment_ids),
      });
    },
  },
  // The body is the file itself, of any type, as MLflow takes it (the UI sends JSON text).
  rawRoute("POST", "/mlflow/upload-artifact", rule.run("update", uploadRunId), async (request, ctx) => {
    const target = core.uploadArtifactTarget(ctx.url.searchParams);
    const data = await readBodyBytes(request, core.MAX_UI_UPLOAD_BYTES, core.uploadTooLarge);
    await core.uploadRunArtifact(ctx.tracking, target, data, guessMimeType(target.path));
    return jsonText(""); // MLflow answers an empty application/json body
  }),
];
