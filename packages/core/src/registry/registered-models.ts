import {
  type CreateRegisteredModel,
  type Infer,
  type ModelVersionWire,
  modelVersions,
  type RegisteredModelWire,
  registeredModels,
  registeredModelTags,
} from "@edgeflow/schema";
import { and, eq, sql } from "drizzle-orm";
import type { TrackingContext } from "../context";
import { databaseErrorText } from "../db";
import { validateServingTag } from "../inference/serving-tags";
import { jsonRows } from "../json-rows";
import { validateKeyName } from "../validation";
import { modelAlreadyExists, modelNotFound } from "./errors";
import { getRegisteredModelRow, loadRegisteredModels } from "./reader";
import { canonicalStage } from "./stages";
import { validateModelName, validateRegistryTag } from "./validation";
import { modelVersionToWire, registeredModelToWire } from "./wire";

function isNameTaken(error: unknown): boolean {
  return /UNIQUE constraint failed: registered_models\.name/.test(databaseErrorText(error));
}

export async function getRegisteredModel(ctx: TrackingContext, name: string): Promise<RegisteredModelWire> {
  validateModelName(name);
  const [parts] = await loadRegisteredModels(ctx, [name]);
  if (!parts) throw modelNotFound(name);
  return registeredModelToWire(parts);
}

export async function createRegisteredModel(
  ctx: TrackingContext,
  input: Infer<typeof CreateRegisteredModel.spec>,
): Promise<RegisteredModelWire> {
  const name = validateModelName(input.name);
  // A key given twice keeps its last value, as MLflow's store does.
  const tags = new Map<string, string>();
  for (const tag of input.tags ?? []) {
    const key = validateKeyName("tag", tag.key);
    validateRegistryTag("Registered model", key, tag.value ?? "");
    validateServingTag(key, tag.value ?? "");
    tags.set(key, tag.value ?? "");
  }
  const now = ctx.now();
  try {
    await ctx.db.batch([
      ctx.db
        .insert(registeredModels)
        .values({ name, creationTime: now, lastUpdatedTime: now, description: input.description ?? "" }),
      ctx.db
        .insert(registeredModelTags)
        .select(sql`SELECT ${name}, j.value->>0, j.value->>1 FROM ${jsonRows([...tags])} AS j WHERE true`),
    ]);
  } catch (error) {
    if (isNameTaken(error)) throw modelAlreadyExists(name);
    throw error;
  }
  return getRegisteredModel(ctx, name);
}

export async function updateRegisteredModel(
  ctx: TrackingContext,
  name: string,
  description: string | undefined,
): Promise<RegisteredModelWire> {
  validateModelName(name);
  const updated = await ctx.db
    .update(registeredModels)
    .set({ description: description ?? "", lastUpdatedTime: ctx.now() })
    .where(eq(registeredModels.name, name))
    .returning({ name: registeredModels.name });
  if (updated.length === 0) throw modelNotFound(name);
  return getRegisteredModel(ctx, name);
}

/**
 * One UPDATE of the primary key: the foreign keys' ON UPDATE CASCADE carries versions, tags and
 * aliases to the new name in the same statement. Versions count as updated, as in MLflow.
 */
export async function renameRegisteredModel(
  ctx: TrackingContext,
  name: string,
  newName: string,
): Promise<RegisteredModelWire> {
  validateModelName(newName);
  await getRegisteredModelRow(ctx, name);
  const now = ctx.now();
  try {
    const [renamed] = await ctx.db.batch([
      ctx.db
        .update(registeredModels)
        .set({ name: newName, lastUpdatedTime: now })
        .where(eq(registeredModels.name, name))
        .returning({ name: registeredModels.name }),
      ctx.db.update(modelVersions).set({ lastUpdatedTime: now }).where(eq(modelVersions.name, newName)),
    ]);
    if (renamed.length === 0) throw modelNotFound(name);
  } catch (error) {
    if (isNameTaken(error)) throw modelAlreadyExists(newName);
    throw error;
  }
  return getRegisteredModel(ctx, newName);
}

/** Versions, tags and aliases go with the model (ON DELETE CASCADE). */
export async function deleteRegisteredModel(ctx: TrackingContext, name: string): Promise<void> {
  validateModelName(name);
  const deleted = await ctx.db
    .delete(registeredModels)
    .where(eq(registeredModels.name, name))
    .returning({ name: registeredModels.name });
  if (deleted.length === 0) throw modelNotFound(name);
}

/** Inserted only if the model exists, in the same statement: no window for a concurrent delete. */
export async function setRegisteredModelTag(
  ctx: TrackingContext,
  name: string,
  key: string,
  value: string,
): Promise<void> {
  validateModelName(name);
  validateRegistryTag("Registered model", key, value);
  validateServingTag(key, value);
  const written = await ctx.db
    .insert(registeredModelTags)
    .select(
      sql`SELECT ${registeredModels.name}, ${key}, ${value} FROM ${registeredModels} WHERE ${registeredModels.name} = ${name}`,
    )
    .onConflictDoUpdate({
      target: [registeredModelTags.name, registeredModelTags.key],
      set: { value: sql`excluded.value` },
    })
    .returning({ key: registeredModelTags.key });
  if (written.length === 0) throw modelNotFound(name);
}

/** Deleting a tag the model does not have is not an error (MLflow's rule). */
export async function deleteRegisteredModelTag(
  ctx: TrackingContext,
  name: string,
  key: string,
): Promise<void> {
  validateModelName(name);
  validateKeyName("tag", key);
  await getRegisteredModelRow(ctx, name);
  await ctx.db
    .delete(registeredModelTags)
    .where(and(eq(registeredModelTags.name, name), eq(registeredModelTags.key, key)));
}

/** The latest version in each requested stage (every stage when none is given), in MLflow's order. */
export async function getLatestVersions(
  ctx: TrackingContext,
  name: string,
  stages: string[] | undefined,
): Promise<ModelVersionWire[]> {
  validateModelName(name);
  const [parts] = await loadRegisteredModels(ctx, [name]);
  if (!parts) throw modelNotFound(name);
  const wanted = new Set((stages ?? []).map(canonicalStage));
  return parts.latestVersions
    .filter((latest) => wanted.size === 0 || wanted.has(latest.version.currentStage))
    .map(modelVersionToWire);
}
