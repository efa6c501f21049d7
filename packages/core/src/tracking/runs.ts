import {
  type CreateRun,
  type Infer,
  MlflowError,
  type RunInfoWire,
  type RunWire,
  runs,
  tags,
  type UpdateRun,
} from "@edgeflow/schema";
import { and, eq } from "drizzle-orm";
import type { TrackingContext } from "../context";
import { runAtomically, slices } from "../db";
import { newRunId, randomRunName } from "../names";
import { appendToUriPath } from "../uri";
import { validateRunTag } from "../validation";
import { getExperimentRow } from "./experiments";
import { getRunRow, loadRuns, requireActiveRun } from "./run-reader";
import { RUN_NAME_TAG } from "./system-tags";
import { runInfoToWire, runToWire } from "./wire";

/** MLflow accepts a run's id as `run_id` or its legacy alias `run_uuid`; one place settles it. */
export function runIdOf(input: { run_id?: string; run_uuid?: string }): string {
  const runId = input.run_id || input.run_uuid;
  if (!runId) {
    throw MlflowError.invalidParameter(
      "Missing value for required parameter 'run_id'. See the API docs for more information about request parameters.",
    );
  }
  return runId;
}

export async function createRun(ctx: TrackingContext, input: Infer<typeof CreateRun.spec>): Promise<RunWire> {
  const experiment = await getExperimentRow(ctx, input.experiment_id || "0");
  if (experiment.lifecycleStage !== "active") {
    throw MlflowError.invalidParameter(
      `The experiment ${experiment.experimentId} must be in the 'active' state. Current state is ${experiment.lifecycleStage}.`,
    );
  }
  const runTags = new Map<string, string>();
  for (const tag of input.tags ?? []) {
    const value = tag.value ?? "";
    validateRunTag(tag.key, value);
    runTags.set(tag.key, value);
  }
  const tagName = runTags.get(RUN_NAME_TAG);
  if (input.run_name && tagName && input.run_name !== tagName) {
    throw MlflowError.invalidParameter(
      `Both 'run_name' argument and 'mlflow.runName' tag are specified, but with different values (run_name='${input.run_name}', mlflow.runName='${tagName}').`,
    );
  }
  const runName = input.run_name || tagName || randomRunName();
  runTags.set(RUN_NAME_TAG, runName);
  const runId = newRunId();
  const row = {
    runUuid: runId,
    name: runName,
    experimentId: experiment.experimentId,
    userId: input.user_id ?? "",
    status: "RUNNING",
    startTime: input.start_time ?? ctx.now(),
    lifecycleStage: "active",
    artifactUri: appendToUriPath(experiment.artifactLocation ?? "", runId, "artifacts"),
  } satisfies typeof runs.$inferInsert;
  const tagRows = [...runTags].map(([key, value]) => ({ runUuid: runId, key, value }));
  // At most 33 tag rows fit one statement's 100 parameters.
  await ctx.db.batch([
    ctx.db.insert(runs).values(row),
    ...slices(tagRows, 33).map((chunk) => ctx.db.insert(tags).values(chunk)),
  ]);
  const [parts] = await loadRuns(ctx, [runId]);
  if (!parts) throw new MlflowError("INTERNAL_ERROR", `Run ${runId} vanished after creation`);
  return runToWire(parts);
}

export async function getRun(ctx: TrackingContext, runId: string): Promise<RunWire> {
  const [parts] = await loadRuns(ctx, [runId]);
  if (!parts) throw MlflowError.notFound(`Run with id=${runId} not found`);
  return runToWire(parts);
}

export async function updateRun(
  ctx: TrackingContext,
  runId: string,
  update: Omit<Infer<typeof UpdateRun.spec>, "run_id" | "run_uuid">,
): Promise<RunInfoWire> {
  const row = await getRunRow(ctx, runId);
  requireActiveRun(row);
  const changes = {
    ...(update.status !== undefined && { status: update.status }),
    ...(update.end_time !== undefined && { endTime: update.end_time }),
    ...(update.run_name && { name: update.run_name }),
  };
  if (update.run_name) validateRunTag(RUN_NAME_TAG, update.run_name);
  await runAtomically(ctx.db, [
    ...(Object.keys(changes).length > 0
      ? [ctx.db.update(runs).set(changes).where(eq(runs.runUuid, runId))]
      : []),
    ...(update.run_name ? [upsertTag(ctx, runId, RUN_NAME_TAG, update.run_name)] : []),
  ]);
  return runInfoToWire(await getRunRow(ctx, runId));
}

function upsertTag(ctx: TrackingContext, runId: string, key: string, value: string) {
  return ctx.db
    .insert(tags)
    .values({ runUuid: runId, key, value })
    .onConflictDoUpdate({ target: [tags.runUuid, tags.key], set: { value } });
}

export async function deleteRun(ctx: TrackingContext, runId: string): Promise<void> {
  await getRunRow(ctx, runId);
  await ctx.db
    .update(runs)
    .set({ lifecycleStage: "deleted", deletedTime: ctx.now() })
    .where(eq(runs.runUuid, runId));
}

export async function restoreRun(ctx: TrackingContext, runId: string): Promise<void> {
  await getRunRow(ctx, runId);
  await ctx.db
    .update(runs)
    .set({ lifecycleStage: "active", deletedTime: null })
    .where(eq(runs.runUuid, runId));
}

export async function deleteTag(ctx: TrackingContext, runId: string, key: string): Promise<void> {
  requireActiveRun(await getRunRow(ctx, runId));
  const deleted = await ctx.db
    .delete(tags)
    .where(and(eq(tags.runUuid, runId), eq(tags.key, key)))
    .returning({ key: tags.key });
  if (deleted.length === 0) throw MlflowError.notFound(`No tag with name: ${key} in run with id ${runId}`);
}
