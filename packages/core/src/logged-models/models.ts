import {
  type CreateLoggedModel,
  type Infer,
  type LoggedModelStatus,
  type LoggedModelWire,
  loggedModels,
  MlflowError,
} from "@edgeflow/schema";
import { eq } from "drizzle-orm";
import type { TrackingContext } from "../context";
import { newUuid, randomRunName } from "../names";
import { getExperimentRow } from "../tracking/experiments";
import { appendToUriPath } from "../uri";
import { paramStatements, tagStatements } from "./entries";
import { getLoggedModelRow, loadLoggedModels, loggedModelNotFound } from "./reader";
import { checkEntries, validateLoggedModelName } from "./validation";
import { loggedModelToWire } from "./wire";

/** MLflow's ids: "m-" and a UUID4's 32 hex digits. */
export function newLoggedModelId(): string {
  return `m-${newUuid()}`;
}

export async function getLoggedModel(ctx: TrackingContext, modelId: string): Promise<LoggedModelWire> {
  const [parts] = await loadLoggedModels(ctx, [modelId]);
  if (!parts || parts.model.lifecycleStage === "deleted") throw loggedModelNotFound(modelId);
  return loggedModelToWire(parts);
}

/**
 * POST logged-models: a PENDING model in an active experiment, its artifacts under the
 * experiment's location (`<experiment>/models/<model_id>/artifacts`), params and tags written in
 * the same batch. An empty name gets a generated one, as MLflow's handler does.
 */
export async function createLoggedModel(
  ctx: TrackingContext,
  input: Infer<typeof CreateLoggedModel.spec>,
): Promise<LoggedModelWire> {
  const name = input.name || undefined;
  validateLoggedModelName(name);
  const params = checkEntries("param", input.params);
  const tags = checkEntries("tag", input.tags);
  const experiment = await getExperimentRow(ctx, input.experiment_id);
  if (experiment.lifecycleStage !== "active") {
    throw MlflowError.invalidParameter(
      `The experiment ${experiment.experimentId} must be in the 'active' state. Current state is ${experiment.lifecycleStage}.`,
    );
  }
  const modelId = newLoggedModelId();
  const now = ctx.now();
  await ctx.db.batch([
    ctx.db.insert(loggedModels).values({
      modelId,
      experimentId: experiment.experimentId,
      name: name ?? randomRunName(),
      artifactLocation: appendToUriPath(experiment.artifactLocation ?? "", "models", modelId, "artifacts"),
      creationTimestampMs: now,
      lastUpdatedTimestampMs: now,
      status: "LOGGED_MODEL_PENDING",
      lifecycleStage: "active",
      // MLflow's handler passes the proto's defaults on: absent strings are stored (and shown) as "".
      modelType: input.model_type ?? "",
      sourceRunId: input.source_run_id ?? "",
    }),
    ...paramStatements(ctx, modelId, params),
    ...tagStatements(ctx, modelId, tags),
  ]);
  return getLoggedModel(ctx, modelId);
}

/** PATCH logged-models/{model_id}: the upload's outcome (READY or UPLOAD_FAILED). */
export async function finalizeLoggedModel(
  ctx: TrackingContext,
  modelId: string,
  status: LoggedModelStatus,
): Promise<LoggedModelWire> {
  await getLoggedModelRow(ctx, modelId, { includeDeleted: true });
  await ctx.db
    .update(loggedModels)
    .set({ status, lastUpdatedTimestampMs: ctx.now() })
    .where(eq(loggedModels.modelId, modelId));
  const [parts] = await loadLoggedModels(ctx, [modelId]);
  if (!parts) throw loggedModelNotFound(modelId);
  return loggedModelToWire(parts);
}

/** DELETE logged-models/{model_id}: a soft delete; the model is no longer found or searched. */
export async function deleteLoggedModel(ctx: TrackingContext, modelId: string): Promise<void> {
  await getLoggedModelRow(ctx, modelId, { includeDeleted: true });
  await ctx.db
    .update(loggedModels)
    .set({ lifecycleStage: "deleted", lastUpdatedTimestampMs: ctx.now() })
    .where(eq(loggedModels.modelId, modelId));
}
