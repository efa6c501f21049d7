import { type ModelVersionRow, modelVersions, registeredModelAliases } from "@edgeflow/schema";
import { and, eq } from "drizzle-orm";
import { proxiedArtifactPath } from "../artifacts/paths";
import type { Database } from "../db";
import { aliasNotFound, versionNotFound } from "../registry/errors";
import { validateModelName } from "../registry/validation";
import { describeRef, type ModelRef } from "./model-ref";

/**
 * How long an alias → version lookup is reused inside one isolate. Moving an alias takes effect
 * within this many milliseconds on every isolate (at once on isolates that have not looked it up).
 */
export const ALIAS_TTL_MS = 5_000;

const aliasCache = new Map<string, { version: number; expires: number }>();

/**
 * Version rows found, reused for ALIAS_TTL_MS too, so a warm request needs no D1 round trip (the
 * largest part of a small model's latency): a deleted version stops being served within that time.
 * Misses are never cached. At most VERSION_CACHE_SIZE entries, the oldest dropped first.
 */
const versionCache = new Map<string, { resolved: ResolvedVersion; expires: number }>();
const VERSION_CACHE_SIZE = 1_000;

export interface ResolvedVersion {
  row: ModelVersionRow;
  /** The version's folder in the artifact bucket. */
  bucketPath: string;
}

async function aliasTarget(db: Database, name: string, alias: string, now: number): Promise<number> {
  const key = JSON.stringify([name, alias]);
  const cached = aliasCache.get(key);
  if (cached && cached.expires > now) return cached.version;
  const row = await db
    .select({ version: registeredModelAliases.version })
    .from(registeredModelAliases)
    .where(and(eq(registeredModelAliases.name, name), eq(registeredModelAliases.alias, alias)))
    .get();
  if (!row) {
    aliasCache.delete(key);
    throw aliasNotFound(alias);
  }
  aliasCache.set(key, { version: row.version, expires: now + ALIAS_TTL_MS });
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
  const cached = versionCache.get(key);
  if (cached && cached.expires > now) return cached.resolved;
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
  versionCache.delete(key);
  if (versionCache.size >= VERSION_CACHE_SIZE)
    versionCache.delete(versionCache.keys().next().value as string);
  versionCache.set(key, { resolved, expires: now + ALIAS_TTL_MS });
  return resolved;
}

/** Forgets cached alias targets and version rows (tests, and an isolate that wants a moved alias at once). */
export function clearAliasCache(): void {
  aliasCache.clear();
  versionCache.clear();
}
