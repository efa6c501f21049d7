import {
  type CreateModelVersion,
  type DeleteModelVersionTag,
  type Infer,
  loggedModelTags,
  MlflowError,
  type ModelVersionWire,
  modelVersions,
  modelVersionTags,
  registeredModels,
  type SetModelVersionTag,
  type TransitionModelVersionStage,
} from "@edgeflow/schema";
import { and, eq, ne, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { TrackingContext } from "../context";
import { runAtomically } from "../db";
import { jsonRows } from "../json-rows";
import { validateKeyName } from "../validation";
import { modelNotFound, versionNotFound } from "./errors";
import { getModelVersionRow, getRegisteredModelRow, loadModelVersions } from "./reader";
import { resolveModelSource } from "./source";
import { ACTIVE_STAGES, canonicalStage } from "./stages";
import { validateModelName, validateRegistryTag } from "./validation";
import { modelVersionToWire } from "./wire";

async function versionWire(ctx: TrackingContext, name: string, version: number): Promise<ModelVersionWire> {
  const [parts] = await loadModelVersions(ctx, [{ name, version }]);
  if (!parts) throw versionNotFound(name, version);
  return modelVersionToWire(parts);
}

const whereVersion = (name: string, version: number) =>
  and(eq(modelVersions.name, name), eq(modelVersions.version, version));

/** A key given twice keeps its last value, as MLflow's store does. */
function versionTags(tags: { key?: string; value?: string }[] | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const tag of tags ?? []) {
    const key = validateKeyName("tag", tag.key);
    validateRegistryTag("Model version", key, tag.value ?? "");
    out.set(key, tag.value ?? "");
  }
  return out;
}

const MODEL_VERSIONS_TAG = "mlflow.modelVersions";

/**
 * MLflow's server notes each registration on the logged model, in its `mlflow.modelVersions`
 * tag: a JSON list of {"name", "version"} in Python's json.dumps spacing (the version a number,
 * as its SQL store returns it). Written in the version's own batch, from the number just taken.
 */
function recordRegistration(ctx: TrackingContext, name: string, modelId: string) {
  const entry = sql`'{"name": ' || json_quote(${name}) || ', "version": ' || ${registeredModels.lastVersion} || '}'`;
  const existing = sql.raw(`"${loggedModelTags.value.name}"`);
  return ctx.db
    .insert(loggedModelTags)
    .select(
      sql`SELECT ${modelId}, ${MODEL_VERSIONS_TAG}, '[' || ${entry} || ']' FROM ${registeredModels} WHERE ${eq(registeredModels.name, name)}`,
    )
    .onConflictDoUpdate({
      target: [loggedModelTags.modelId, loggedModelTags.key],
      set: {
        value: sql`CASE WHEN json_valid(${existing}) AND json_type(${existing}) = 'array' AND json_array_length(${existing}) > 0 THEN substr(${existing}, 1, length(${existing}) - 1) || ', ' || substr(excluded.tag_value, 2) ELSE excluded.tag_value END`,
      },
    });
}

/**
 * Creates the model's next version in one transaction: the model's counter is bumped and the
 * version (and its tags) inserted from it, so concurrent creations get distinct numbers and a
 * deleted version's number is never given again.
 */
export async function createModelVersion(
  ctx: TrackingContext,
  input: Infer<typeof CreateModelVersion.spec>,
): Promise<ModelVersionWire> {
  const name = validateModelName(input.name);
  const resolved = await resolveModelSource(
    ctx,
    input.source,
    input.run_id || undefined,
    input.model_id || undefined,
  );
  const tags = versionTags(input.tags);
  await getRegisteredModelRow(ctx, name);
  const now = ctx.now();
  const ofModel = eq(registeredModels.name, name);
  const [, inserted] = await ctx.db.batch([
    ctx.db
      .update(registeredModels)
      .set({ lastVersion: sql`${registeredModels.lastVersion} + 1`, lastUpdatedTime: now })
      .where(ofModel),
    ctx.db
      .insert(modelVersions)
      .select(
        // Every column, in the table's order (drizzle checks the keys).
        ctx.db
          .select({
            name: registeredModels.name,
            version: registeredModels.lastVersion,
            creationTime: sql<number>`${now}`.as("creation_time"),
            lastUpdatedTime: sql<number>`${now}`.as("last_updated_time"),
            // Absent strings are stored as "", as MLflow's server does (and so shown as "").
            description: sql<string>`${input.description ?? ""}`.as("description"),
            userId: sql<null>`NULL`.as("user_id"),
            currentStage: sql<"None">`'None'`.as("current_stage"),
            source: sql<string>`${resolved.source}`.as("source"),
            storageLocation: sql<string>`${resolved.storageLocation}`.as("storage_location"),
            runId: sql<string>`${resolved.runId ?? ""}`.as("run_id"),
            modelId: sql<string | null>`${resolved.modelId ?? null}`.as("model_id"),
            runLink: sql<string>`${input.run_link ?? ""}`.as("run_link"),
            status: sql<"READY">`'READY'`.as("status"),
            statusMessage: sql<null>`NULL`.as("status_message"),
          })
          .from(registeredModels)
          .where(ofModel),
      )
      .returning({ version: modelVersions.version }),
    ctx.db
      .insert(modelVersionTags)
      .select(
        sql`SELECT ${registeredModels.name}, ${registeredModels.lastVersion}, j.value->>0, j.value->>1 FROM ${registeredModels}, ${jsonRows([...tags])} AS j WHERE ${ofModel}`,
      ),
    ...(resolved.modelId ? [recordRegistration(ctx, name, resolved.modelId)] : []),
  ]);
  const version = inserted[0]?.version;
  // Only if the model was deleted between the check and the batch.
  if (version === undefined) throw modelNotFound(name);
  return versionWire(ctx, name, version);
}

export async function getModelVersion(
  ctx: TrackingContext,
  name: string,
  version: string,
): Promise<ModelVersionWire> {
  const row = await getModelVersionRow(ctx, name, version);
  return versionWire(ctx, row.name, row.version);
}

/** An update without a description clears it, as MLflow's does. */
export async function updateModelVersion(
  ctx: TrackingContext,
  name: string,
  version: string,
  description: string | undefined,
): Promise<ModelVersionWire> {
  const row = await getModelVersionRow(ctx, name, version);
  await ctx.db
    .update(modelVersions)
    .set({ description: description ?? null, lastUpdatedTime: ctx.now() })
    .where(whereVersion(row.name, row.version));
  return versionWire(ctx, row.name, row.version);
}

/**
 * Moves a version to a stage; with archive_existing_versions (Staging or Production only), the
 * model's other versions in that stage move to Archived in the same transaction.
 */
export async function transitionModelVersionStage(
  ctx: TrackingContext,
  input: Infer<typeof TransitionModelVersionStage.spec>,
): Promise<ModelVersionWire> {
  const stage = canonicalStage(input.stage);
  const archive = input.archive_existing_versions ?? false;
  if (archive && !ACTIVE_STAGES.includes(stage)) {
    throw MlflowError.invalidParameter(
      `Model version transition cannot archive existing model versions because '${input.stage}' is not an Active stage. Valid stages are ['Staging', 'Production']`,
    );
  }
  const row = await getModelVersionRow(ctx, input.name, input.version);
  const now = ctx.now();
  const archiveOthers: BatchItem<"sqlite">[] = archive
    ? [
        ctx.db
          .update(modelVersions)
          .set({ currentStage: "Archived", lastUpdatedTime: now })
          .where(
            and(
              eq(modelVersions.name, row.name),
              ne(modelVersions.version, row.version),
              eq(modelVersions.currentStage, stage),
            ),
          ),
      ]
    : [];
  await runAtomically(ctx.db, [
    ...archiveOthers,
    ctx.db
      .update(modelVersions)
      .set({ currentStage: stage, lastUpdatedTime: now })
      .where(whereVersion(row.name, row.version)),
    ctx.db.update(registeredModels).set({ lastUpdatedTime: now }).where(eq(registeredModels.name, row.name)),
  ]);
  return versionWire(ctx, row.name, row.version);
}

/** Its tags and the aliases pointing at it go with it (ON DELETE CASCADE); its number is not reused. */
export async function deleteModelVersion(ctx: TrackingContext, name: string, version: string): Promise<void> {
  const row = await getModelVersionRow(ctx, name, version);
  const [deleted] = await ctx.db.batch([
    ctx.db
      .delete(modelVersions)
      .where(whereVersion(row.name, row.version))
      .returning({ version: modelVersions.version }),
    ctx.db
      .update(registeredModels)
      .set({ lastUpdatedTime: ctx.now() })
      .where(eq(registeredModels.name, row.name)),
  ]);
  if (deleted.length === 0) throw versionNotFound(name, version);
}

/** The location resolved at creation (for a runs:/ source, inside the run's artifacts). */
export async function getModelVersionDownloadUri(
  ctx: TrackingContext,
  name: string,
  version: string,
): Promise<string> {
  return (await getModelVersionRow(ctx, name, version)).storageLocation;
}

/** Inserted only if the version exists, in the same statement: no window for a concurrent delete. */
export async function setModelVersionTag(
  ctx: TrackingContext,
  input: Infer<typeof SetModelVersionTag.spec>,
): Promise<void> {
  const value = input.value ?? "";
  validateRegistryTag("Model version", input.key, value);
  const row = await getModelVersionRow(ctx, input.name, input.version);
  const written = await ctx.db
    .insert(modelVersionTags)
    .select(
      sql`SELECT ${modelVersions.name}, ${modelVersions.version}, ${input.key}, ${value} FROM ${modelVersions} WHERE ${whereVersion(row.name, row.version)}`,
    )
    .onConflictDoUpdate({
      target: [modelVersionTags.name, modelVersionTags.version, modelVersionTags.key],
      set: { value: sql`excluded.value` },
    })
    .returning({ key: modelVersionTags.key });
  if (written.length === 0) throw versionNotFound(input.name, input.version);
}

/** Deleting a tag the version does not have is not an error (MLflow's rule). */
export async function deleteModelVersionTag(
  ctx: TrackingContext,
  input: Infer<typeof DeleteModelVersionTag.spec>,
): Promise<void> {
  validateKeyName("tag", input.key);
  const row = await getModelVersionRow(ctx, input.name, input.version);
  await ctx.db
    .delete(modelVersionTags)
    .where(
      and(
        eq(modelVersionTags.name, row.name),
        eq(modelVersionTags.version, row.version),
        eq(modelVersionTags.key, input.key),
      ),
    );
}
