import {
  type ModelVersionRow,
  modelVersions,
  registeredModelAliases,
  registeredModelTags,
} from "@edgeflow/schema";
import { and, eq, like } from "drizzle-orm";
import { proxiedArtifactPath } from "../artifacts/paths";
import type { Database } from "../db";
import { aliasNotFound, versionNotFound } from "../registry/errors";
import { validateModelName } from "../registry/validation";
import { describeRef, type ModelRef } from "./model-ref";
import {
  type AliasRoute,
  parseShadowTag,
  parseTrafficTag,
  pickVersion,
  SHADOW_TAG_PREFIX,
  TRAFFIC_TAG_PREFIX,
} from "./traffic";

/**
 * How long an alias → version lookup is reused inside one isolate. Moving an alias takes effect
 * within this many milliseconds on every isolate (at once on isolates that have not looked it up).
 */
export const ALIAS_TTL_MS = 5_000;

/**
 * A memo of registry lookups the caller keeps (the inference worker: one per isolate, entries
 * reused for ALIAS_TTL_MS). Core only reads and fills it; misses are never stored, so a name
 * that appears is found at once.
 */
export interface LookupMemo<V> {
  get(key: string, now: number): V | undefined;
  set(key: string, value: V, now: number): void;
  delete(key: string): void;
}

/**
 * The memos a version lookup uses: alias targets, and version rows (so a warm request needs no
 * D1 round trip, the largest part of a small model's latency). A deleted version or a moved alias
 * takes effect once its entry expires.
 */
export interface VersionLookups {
  aliases: LookupMemo<AliasRoute>;
  servingTags: LookupMemo<ServingTags>;
  versions: LookupMemo<ResolvedVersion>;
}

export interface ResolvedVersion {
  row: ModelVersionRow;
  /** The version's folder in the artifact bucket. */
  bucketPath: string;
}

/** A registered model's `edgeflow.*` tags (routing and request logging), key → value. */
export type ServingTags = Readonly<Record<string, string | null>>;

/** The tag namespace the inference worker reads: one query per model fetches all of it. */
const SERVING_TAG_PATTERN = "edgeflow.%";

export async function servingTags(
  db: Database,
  memo: LookupMemo<ServingTags>,
  name: string,
  now: number,
): Promise<ServingTags> {
  const cached = memo.get(name, now);
  if (cached !== undefined) return cached;
  const rows = await db
    .select({ key: registeredModelTags.key, value: registeredModelTags.value })
    .from(registeredModelTags)
    .where(and(eq(registeredModelTags.name, name), like(registeredModelTags.key, SERVING_TAG_PATTERN)))
    .all();
  const tags: ServingTags = Object.fromEntries(rows.map((row) => [row.key, row.value]));
  memo.set(name, tags, now);
  return tags;
}

/** Where an alias sends requests: its version, and the traffic split and shadow its tags set. */
export async function aliasRoute(
  db: Database,
  lookups: VersionLookups,
  name: string,
  alias: string,
  now: number,
): Promise<AliasRoute> {
  const key = JSON.stringify([name, alias]);
  const cached = lookups.aliases.get(key, now);
  if (cached !== undefined) return cached;
  const [row, tags] = await Promise.all([
    db
      .select({ version: registeredModelAliases.version })
      .from(registeredModelAliases)
      .where(and(eq(registeredModelAliases.name, name), eq(registeredModelAliases.alias, alias)))
      .get(),
    servingTags(db, lookups.servingTags, name, now),
  ]);
  if (!row) {
    lookups.aliases.delete(key);
    throw aliasNotFound(alias);
  }
  const trafficTag = TRAFFIC_TAG_PREFIX + alias;
  const shadowTag = SHADOW_TAG_PREFIX + alias;
  const route: AliasRoute = {
    version: row.version,
    split: trafficTag in tags ? parseTrafficTag(trafficTag, tags[trafficTag] ?? null) : null,
    shadow: shadowTag in tags ? parseShadowTag(shadowTag, tags[shadowTag] ?? null) : null,
  };
  lookups.aliases.set(key, route, now);
  return route;
}

/** The registry row a reference names, and where its files are. */
export async function resolveModelVersion(
  db: Database,
  ref: Exclude<ModelRef, { modelId: string }>,
  lookups: VersionLookups,
  now = Date.now(),
  requestId = "",
): Promise<ResolvedVersion> {
  validateModelName(ref.name);
  let version: number;
  if ("alias" in ref) {
    const route = await aliasRoute(db, lookups, ref.name, ref.alias, now);
    version = route.split ? pickVersion(route.split, requestId, describeRef(ref)) : route.version;
  } else version = ref.version;
  const key = JSON.stringify([ref.name, version]);
  const versionCache = lookups.versions;
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
