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
  ref: ModelRef,
  now = Date.now(),
): Promise<ResolvedVersion> {
  validateModelName(ref.name);
  const version = "alias" in ref ? await aliasTarget(db, ref.name, ref.alias, now) : ref.version;
  const row = await db
    .select()
    .from(modelVersions)
    .where(and(eq(modelVersions.name, ref.name), eq(modelVersions.version, version)))
    .get();
  if (!row) throw versionNotFound(ref.name, "alias" in ref ? `${version} (${describeRef(ref)})` : version);
  return { row, bucketPath: proxiedArtifactPath(row.storageLocation) };
}

/** Forgets cached alias targets (tests, and an isolate that wants a moved alias at once). */
export function clearAliasCache(): void {
  aliasCache.clear();
}
