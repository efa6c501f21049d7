import { type ModelVersionRow, modelVersions, registeredModelAliases } from "@edgeflow/schema";
import { and, eq } from "drizzle-orm";
import { proxiedArtifactPath } from "../artifacts/paths";
import type { Database } from "../db";
import { aliasNotFound, versionNotFound } from "../registry/errors";
import { validateModelName } from "../registry/validation";
import { ExpiringCache } from "./expiring-cache";
import { describeRef, type ModelRef } from "./model-ref";

/**
 * How long an alias → version lookup is reused inside one isolate. Moving an alias takes effect
 * within this many milliseconds on every isolate (at once on isolates that have not looked it up).
 */
export const ALIAS_TTL_MS = 5_000;

const aliasCache = new ExpiringCache<number>(ALIAS_TTL_MS);

/**
 * Version rows found, reused for ALIAS_TTL_MS too, so a warm request needs no D1 round trip (the
 * largest part of a small model's latency): a deleted version stops being served within that time.
 */
const versionCache = new ExpiringCache<ResolvedVersion>(ALIAS_TTL_MS);

/** Every registry lookup cache of this isolate (served-model.ts adds logged models'). */
export const registryCaches: { clear(): void }[] = [aliasCache, versionCache];

export interface ResolvedVersion {
  row: ModelVersionRow;
  /** The version's folder in the artifact bucket. */
  bucketPath: string;
}

async function aliasTarget(db: Database, name: string, alias: string, now: number): Promise<number> {
  const key = JSON.stringify([name, alias]);
  const cached = aliasCache.get(key, now);
  if (cached !== undefined) return cached;
  const row = await db
    .select({ version: registeredModelAliases.version })
    .from(registeredModelAliases)
    .where(and(eq(registeredModelAliases.name, name), eq(registeredModelAliases.alias, alias)))
    .get();
  if (!row) {
    aliasCache.delete(key);
    throw aliasNotFound(alias);
  }
  aliasCache.set(key, row.version, now);
  return row.version;
}

/** The registry row a reference names, and where its files are. */
export async function resolveModelVersion(
  db: Database,
  ref: Exclude<ModelRef, { modelId: string }>,
  now = Date.now(),
): Promise<ResolvedVersion> {
  validateModelName(ref.name);
  const version = "alias" in ref ? await aliasTarget(db, ref.name, ref.alias, now) : ref.version;
  const key = JSON.stringify([ref.name, version]);
  const cached = versionCache.get(key, now);
  if (cached) return cached;
  const row = await db
    .select()
    .from(modelVersions)
    .where(and(eq(modelVersions.name, ref.name), eq(modelVersions.version, version)))
    .get();
  if (!row) {
    versionCache.delete(key);
    throw versionNotFound(ref.name, "alias" in ref ? `${version} (${describeRef(ref)})` : version);
  }
  const resolved = { row, bucketPath: proxiedArtifactPath(row.storageLocation) };
  versionCache.set(key, resolved, now);
  return resolved;
}

/**
 * Forgets cached alias targets, version rows and logged models (tests, and an isolate that
 * wants a moved alias at once).
 */
export function clearAliasCache(): void {
  for (const cache of registryCaches) cache.clear();
}
