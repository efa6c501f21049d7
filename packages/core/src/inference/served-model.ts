import { loggedModels, MlflowError } from "@edgeflow/schema";
import { and, eq, ne } from "drizzle-orm";
import { proxiedArtifactPath } from "../artifacts/paths";
import type { Database } from "../db";
import { loggedModelNotFound } from "../logged-models/reader";
import type { ModelRef } from "./model-ref";
import { parseRequestLoggingTag, REQUEST_LOGGING_TAG, type RequestLogging } from "./request-logging";
import {
  aliasRoute,
  type LookupMemo,
  resolveModelVersion,
  servingTags,
  type VersionLookups,
} from "./resolve";
import type { TrafficShare } from "./traffic";

/** What the inference worker serves, however the URL named it: a model version or a logged model. */
export interface ServedIdentity {
  /** How responses name it: "<name>/<version>", or the logged model's id. */
  id: string;
  /** The registered model's name, or the logged model's name. */
  name: string;
  /** The version number as text; null for a logged model. */
  version: string | null;
  /** The MLflow 3 logged model behind it, when there is one. */
  modelId: string | null;
  source: string;
  runId: string | null;
  /** Where its files are (an mlflow-artifacts: URI) and that place in the bucket. */
  storageLocation: string;
  bucketPath: string;
  /** A version of the same model that gets a copy of this request (the alias's shadow tag). */
  shadowVersion: number | null;
  /** The alias's traffic split when the reference was a split alias (this is the version it picked). */
  traffic: TrafficShare[] | null;
  /** How invocations are logged as traces (the model's request-logging tag); null: not logged. */
  requestLogging: RequestLogging | null;
}

/**
 * A logged model is servable once finalized READY (before that its files may be half uploaded);
 * a deleted one is not found. Found rows are reused for ALIAS_TTL_MS, as version rows are.
 */
/** Version lookups plus logged models, memoised the same way. */
export interface RegistryLookups extends VersionLookups {
  loggedModels: LookupMemo<ServedIdentity>;
}

async function resolveLoggedModel(
  db: Database,
  loggedModelCache: LookupMemo<ServedIdentity>,
  modelId: string,
  now: number,
): Promise<ServedIdentity> {
  const cached = loggedModelCache.get(modelId, now);
  if (cached) return cached;
  const row = await db
    .select()
    .from(loggedModels)
    .where(and(eq(loggedModels.modelId, modelId), ne(loggedModels.lifecycleStage, "deleted")))
    .get();
  if (!row) throw loggedModelNotFound(modelId);
  if (row.status !== "LOGGED_MODEL_READY") {
    throw MlflowError.invalidParameter(
      `Logged model '${modelId}' is ${row.status}, not LOGGED_MODEL_READY: finalize it before serving it.`,
    );
  }
  const identity: ServedIdentity = {
    id: modelId,
    name: row.name,
    version: null,
    modelId,
    source: `models:/${modelId}`,
    runId: row.sourceRunId || null,
    storageLocation: row.artifactLocation,
    bucketPath: proxiedArtifactPath(row.artifactLocation),
    shadowVersion: null,
    traffic: null,
    requestLogging: null,
  };
  loggedModelCache.set(modelId, identity, now);
  return identity;
}

/**
 * The model a reference names and where its files are. An alias with a traffic split answers
 * with the version `requestId` hashes to; one with a shadow names the version that gets a copy.
 */
export async function resolveServedModel(
  db: Database,
  ref: ModelRef,
  lookups: RegistryLookups,
  now = Date.now(),
  requestId = "",
): Promise<ServedIdentity> {
  if ("modelId" in ref) return resolveLoggedModel(db, lookups.loggedModels, ref.modelId, now);
  const { row, bucketPath } = await resolveModelVersion(db, ref, lookups, now, requestId);
  // Memoised by resolveModelVersion a moment ago: no second query.
  const route = "alias" in ref ? await aliasRoute(db, lookups, ref.name, ref.alias, now) : null;
  const tags = await servingTags(db, lookups.servingTags, row.name, now);
  const shadow = route?.shadow ?? null;
  return {
    id: `${row.name}/${row.version}`,
    name: row.name,
    version: String(row.version),
    modelId: row.modelId || null,
    source: row.source,
    runId: row.runId || null,
    storageLocation: row.storageLocation,
    bucketPath,
    shadowVersion: shadow === row.version ? null : shadow,
    traffic: route?.split ?? null,
    requestLogging:
      REQUEST_LOGGING_TAG in tags ? parseRequestLoggingTag(tags[REQUEST_LOGGING_TAG] ?? null) : null,
  };
}
