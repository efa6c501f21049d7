import { loggedModelParams, loggedModelTags, MlflowError } from "@edgeflow/schema";
import { and, eq, inArray, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { TrackingContext } from "../context";
import { runAtomically } from "../db";
import { jsonRows, jsonValues } from "../json-rows";
import { getLoggedModelRow } from "./reader";
import { checkEntries, type Entry } from "./validation";

/** Rows travel as one JSON parameter: any count stays one statement. */
const rowsOf = (entries: readonly Entry[]) => jsonRows(entries.map((e) => [e.key, e.value]));

/** Params are immutable: logging a key again with the same value is a no-op. */
export function paramStatements(
  ctx: TrackingContext,
  modelId: string,
  entries: Entry[],
): BatchItem<"sqlite">[] {
  if (entries.length === 0) return [];
  return [
    ctx.db
      .insert(loggedModelParams)
      .select(sql`select ${modelId}, j.value->>0, j.value->>1 from ${rowsOf(entries)} as j where true`)
      .onConflictDoNothing(),
  ];
}

/** Tags are upserted: a key set again takes the new value. */
export function tagStatements(
  ctx: TrackingContext,
  modelId: string,
  entries: Entry[],
): BatchItem<"sqlite">[] {
  if (entries.length === 0) return [];
  return [
    ctx.db
      .insert(loggedModelTags)
      .select(sql`select ${modelId}, j.value->>0, j.value->>1 from ${rowsOf(entries)} as j where true`)
      .onConflictDoUpdate({
        target: [loggedModelTags.modelId, loggedModelTags.key],
        set: { value: sql`excluded.tag_value` },
      }),
  ];
}

async function rejectChangedParams(ctx: TrackingContext, modelId: string, entries: Entry[]): Promise<void> {
  const existing = await ctx.db
    .select()
    .from(loggedModelParams)
    .where(
      and(
        eq(loggedModelParams.modelId, modelId),
        inArray(loggedModelParams.key, jsonValues(entries.map((e) => e.key))),
      ),
    );
  const old = new Map(existing.map((row) => [row.key, row.value]));
  const changed = entries.find((e) => old.has(e.key) && old.get(e.key) !== e.value);
  if (changed) {
    throw MlflowError.invalidParameter(
      `Changing param values is not allowed. Param with key='${changed.key}' was already logged with value='${old.get(changed.key)}' for logged model ID='${modelId}'. Attempted logging new value '${changed.value}'.`,
    );
  }
}

/** POST logged-models/{model_id}/params */
export async function logLoggedModelParams(
  ctx: TrackingContext,
  modelId: string,
  params: { key?: string; value?: string }[] | undefined,
): Promise<void> {
  const entries = checkEntries("param", params);
  await getLoggedModelRow(ctx, modelId, { includeDeleted: true });
  if (entries.length === 0) return;
  await rejectChangedParams(ctx, modelId, entries);
  await runAtomically(ctx.db, paramStatements(ctx, modelId, entries));
}

/** PATCH logged-models/{model_id}/tags */
export async function setLoggedModelTags(
  ctx: TrackingContext,
  modelId: string,
  tags: { key?: string; value?: string }[] | undefined,
): Promise<void> {
  const entries = checkEntries("tag", tags);
  await getLoggedModelRow(ctx, modelId, { includeDeleted: true });
  await runAtomically(ctx.db, tagStatements(ctx, modelId, entries));
}

/** DELETE logged-models/{model_id}/tags/{tag_key}: a tag the model lacks is a 404, as in MLflow. */
export async function deleteLoggedModelTag(
  ctx: TrackingContext,
  modelId: string,
  key: string,
): Promise<void> {
  await getLoggedModelRow(ctx, modelId, { includeDeleted: true });
  const deleted = await ctx.db
    .delete(loggedModelTags)
    .where(and(eq(loggedModelTags.modelId, modelId), eq(loggedModelTags.key, key)))
    .returning({ key: loggedModelTags.key });
  if (deleted.length === 0) {
    throw MlflowError.notFound(`No tag with key '${key}' found for model with ID '${modelId}'.`);
  }
}
