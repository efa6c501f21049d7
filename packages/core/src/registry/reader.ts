import {
  type ModelVersionRow,
  modelVersions,
  modelVersionTags,
  type RegisteredModelRow,
  registeredModelAliases,
  registeredModels,
  registeredModelTags,
} from "@edgeflow/schema";
import { and, asc, eq, inArray, type SQL, type SQLWrapper, sql } from "drizzle-orm";
import type { TrackingContext } from "../context";
import { jsonRows, jsonValues } from "../json-rows";
import { groupBy } from "../tracking/run-reader";
import { modelNotFound, versionNotFound } from "./errors";
import { parseVersion, validateModelName } from "./validation";
import type { ModelVersionParts, RegisteredModelParts } from "./wire";

export interface VersionKey {
  name: string;
  version: number;
}

const keyOf = (name: string, version: number) => JSON.stringify([name, version]);

/**
 * Tags come back in the order they were first set, as MLflow's SQL store returns them (it reads
 * them in rowid order); setting an existing key again keeps its place.
 */
const insertionOrder = (table: typeof registeredModelTags | typeof modelVersionTags) => sql`${table}.rowid`;

/** `(name, version) IN (...)` with the pairs bound as one JSON parameter, however many. */
function isVersionIn(name: SQLWrapper, version: SQLWrapper, keys: readonly VersionKey[]): SQL {
  const pairs = jsonRows(keys.map((key) => [key.name, key.version]));
  return sql`(${name}, ${version}) IN (SELECT value->>0, value->>1 FROM ${pairs})`;
}

export async function getRegisteredModelRow(ctx: TrackingContext, name: string): Promise<RegisteredModelRow> {
  validateModelName(name);
  const row = await ctx.db.select().from(registeredModels).where(eq(registeredModels.name, name)).get();
  if (!row) throw modelNotFound(name);
  return row;
}

/** The version a request names (`version` as the client wrote it), or MLflow's 404. */
export async function getModelVersionRow(
  ctx: TrackingContext,
  name: string,
  version: string,
): Promise<ModelVersionRow> {
  validateModelName(name);
  const number = parseVersion(version);
  if (!Number.isSafeInteger(number)) throw versionNotFound(name, version);
  const row = await ctx.db
    .select()
    .from(modelVersions)
    .where(and(eq(modelVersions.name, name), eq(modelVersions.version, number)))
    .get();
  if (!row) throw versionNotFound(name, version);
  return row;
}

/** Whole versions (row, tags, alias names) in three queries, in the order of `keys`. */
export async function loadModelVersions(
  ctx: TrackingContext,
  keys: VersionKey[],
): Promise<ModelVersionParts[]> {
  if (keys.length === 0) return [];
  const [rows, tagRows, aliasRows] = await ctx.db.batch([
    ctx.db
      .select()
      .from(modelVersions)
      .where(isVersionIn(modelVersions.name, modelVersions.version, keys)),
    ctx.db
      .select()
      .from(modelVersionTags)
      .where(isVersionIn(modelVersionTags.name, modelVersionTags.version, keys))
      .orderBy(insertionOrder(modelVersionTags)),
    ctx.db
      .select()
      .from(registeredModelAliases)
      .where(isVersionIn(registeredModelAliases.name, registeredModelAliases.version, keys))
      .orderBy(asc(registeredModelAliases.alias)),
  ]);
  const byKey = new Map(rows.map((row) => [keyOf(row.name, row.version), row]));
  const tagsByKey = groupBy(tagRows, (row) => keyOf(row.name, row.version));
  const aliasesByKey = groupBy(aliasRows, (row) => keyOf(row.name, row.version));
  return keys.flatMap((key) => {
    const id = keyOf(key.name, key.version);
    const version = byKey.get(id);
    if (!version) return [];
    return [
      {
        version,
        tags: tagsByKey.get(id) ?? [],
        aliases: (aliasesByKey.get(id) ?? []).map((row) => row.alias),
      },
    ];
  });
}

/**
 * Whole registered models (row, tags, aliases, latest version per stage with its tags) in one
 * batch of five queries, in the order of `names`. Latest versions come in MLflow's order: stages
 * by the lowest version number each holds.
 */
export async function loadRegisteredModels(
  ctx: TrackingContext,
  names: string[],
): Promise<RegisteredModelParts[]> {
  if (names.length === 0) return [];
  const inNames = jsonValues(names);
  const perStage = ctx.db
    .select({
      name: modelVersions.name,
      latest: sql<number>`max(${modelVersions.version})`.as("latest"),
      first: sql<number>`min(${modelVersions.version})`.as("first"),
    })
    .from(modelVersions)
    .where(inArray(modelVersions.name, inNames))
    .groupBy(modelVersions.name, modelVersions.currentStage)
    .as("per_stage");
  const isLatest = (name: SQLWrapper, version: SQLWrapper) =>
    and(eq(name, perStage.name), eq(version, perStage.latest));
  const [models, tagRows, aliasRows, latestRows, latestTagRows] = await ctx.db.batch([
    ctx.db.select().from(registeredModels).where(inArray(registeredModels.name, inNames)),
    ctx.db
      .select()
      .from(registeredModelTags)
      .where(inArray(registeredModelTags.name, inNames))
      .orderBy(insertionOrder(registeredModelTags)),
    ctx.db
      .select()
      .from(registeredModelAliases)
      .where(inArray(registeredModelAliases.name, inNames))
      .orderBy(asc(registeredModelAliases.alias)),
    ctx.db
      .select({ row: modelVersions })
      .from(modelVersions)
      .innerJoin(perStage, isLatest(modelVersions.name, modelVersions.version))
      .orderBy(asc(perStage.first)),
    ctx.db
      .select({ tag: modelVersionTags })
      .from(modelVersionTags)
      .innerJoin(perStage, isLatest(modelVersionTags.name, modelVersionTags.version))
      .orderBy(insertionOrder(modelVersionTags)),
  ]);
  const byName = new Map(models.map((row) => [row.name, row]));
  const tagsByName = groupBy(tagRows, (row) => row.name);
  const aliasesByName = groupBy(aliasRows, (row) => row.name);
  const latestByName = groupBy(
    latestRows.map(({ row }) => row),
    (row) => row.name,
  );
  const versionTags = groupBy(
    latestTagRows.map(({ tag }) => tag),
    (tag) => keyOf(tag.name, tag.version),
  );
  return names.flatMap((name) => {
    const model = byName.get(name);
    if (!model) return [];
    const aliases = aliasesByName.get(name) ?? [];
    const latestVersions = (latestByName.get(name) ?? []).map((version) => ({
      version,
      tags: versionTags.get(keyOf(name, version.version)) ?? [],
      aliases: aliases.filter((alias) => alias.version === version.version).map((alias) => alias.alias),
    }));
    return [{ model, tags: tagsByName.get(name) ?? [], aliases, latestVersions }];
  });
}
