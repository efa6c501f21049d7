import {
  type Infer,
  type ModelVersionWire,
  modelVersions,
  type RegisteredModelAliasRef,
  registeredModelAliases,
  type SetRegisteredModelAlias,
} from "@edgeflow/schema";
import { and, eq, sql } from "drizzle-orm";
import type { TrackingContext } from "../context";
import { aliasNotFound, versionNotFound } from "./errors";
import { getModelVersionRow, getRegisteredModelRow, loadModelVersions } from "./reader";
import { validateAliasName, validateModelName } from "./validation";
import { modelVersionToWire } from "./wire";

/**
 * Points an alias at a version, moving it if it pointed elsewhere: one upsert, so readers see the
 * old target or the new one, never neither. The row is written only if the version exists.
 */
export async function setRegisteredModelAlias(
  ctx: TrackingContext,
  input: Infer<typeof SetRegisteredModelAlias.spec>,
): Promise<void> {
  validateModelName(input.name);
  validateAliasName(input.alias);
  const row = await getModelVersionRow(ctx, input.name, input.version);
  const written = await ctx.db
    .insert(registeredModelAliases)
    .select(
      sql`SELECT ${modelVersions.name}, ${input.alias}, ${modelVersions.version} FROM ${modelVersions} WHERE ${modelVersions.name} = ${row.name} AND ${modelVersions.version} = ${row.version}`,
    )
    .onConflictDoUpdate({
      target: [registeredModelAliases.name, registeredModelAliases.alias],
      set: { version: sql`excluded.version` },
    })
    .returning({ alias: registeredModelAliases.alias });
  if (written.length === 0) throw versionNotFound(input.name, input.version);
}

/** Deleting an alias the model does not have is not an error (MLflow's rule). */
export async function deleteRegisteredModelAlias(
  ctx: TrackingContext,
  input: Infer<typeof RegisteredModelAliasRef.spec>,
): Promise<void> {
  validateModelName(input.name);
  validateAliasName(input.alias);
  await getRegisteredModelRow(ctx, input.name);
  await ctx.db
    .delete(registeredModelAliases)
    .where(and(eq(registeredModelAliases.name, input.name), eq(registeredModelAliases.alias, input.alias)));
}

export async function getModelVersionByAlias(
  ctx: TrackingContext,
  input: Infer<typeof RegisteredModelAliasRef.spec>,
): Promise<ModelVersionWire> {
  validateModelName(input.name);
  validateAliasName(input.alias);
  const target = await ctx.db
    .select({ version: registeredModelAliases.version })
    .from(registeredModelAliases)
    .where(and(eq(registeredModelAliases.name, input.name), eq(registeredModelAliases.alias, input.alias)))
    .get();
  if (!target) throw aliasNotFound(input.alias);
  const [parts] = await loadModelVersions(ctx, [{ name: input.name, version: target.version }]);
  // Deleted together with its version, so only a concurrent delete gets here.
  if (!parts) throw aliasNotFound(input.alias);
  return modelVersionToWire(parts);
}
