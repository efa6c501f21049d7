import { MlflowError, runs } from "@edgeflow/schema";
import { eq } from "drizzle-orm";
import type { TrackingContext } from "../context";
import { getLoggedModelRow } from "../logged-models/reader";
import { isConfinedStorePath } from "../tracking/artifact-location";
import { appendToUriPath } from "../uri";
import { validateRunId } from "../validation";
import { getModelVersionRow } from "./reader";

/**
 * Where a model version's artifacts may come from. MLflow accepts almost any URI as a source and
 * its advisories (CVE-2023-1177, CVE-2023-2356, CVE-2023-2780, CVE-2024-3573, CVE-2025-11201)
 * are crafted sources — file:// and local paths, traversal, encoded traversal, other hosts —
 * that later downloads resolved on the server. Edgeflow accepts three shapes only, all inside its
 * own store: `runs:/<run_id>[/<path>]`, `mlflow-artifacts:/<path>` and MLflow 3's
 * `models:/<model_id>` (a logged model: its artifact folder). What MLflow accepts among those it
 * accepts too: a runs:/ source of a run other than run_id, or of a run this server does not have.
 */

export interface ResolvedSource {
  /** The source as given: MLflow stores it unchanged. */
  source: string;
  /** Where the artifacts are (what get-download-uri answers). */
  storageLocation: string;
  runId?: string;
  /** MLflow 3: the logged model the version comes from. */
  modelId?: string;
}

const RUNS_PREFIX = "runs:/";
const ARTIFACTS_PREFIX = "mlflow-artifacts:/";
const MODELS_PREFIX = "models:/";
/** MLflow's logged-model ids: "m-" and 32 hex digits. */
const LOGGED_MODEL_ID = /^m-[0-9a-f]{32}$/;

function invalidSource(source: string, why: string): MlflowError {
  return MlflowError.invalidParameter(
    `Invalid model version source: '${source}'. ${why} Edgeflow accepts 'runs:/<run_id>/<path>', 'mlflow-artifacts:/<path>', 'models:/<model_id>' and 'models:/<name>/<version>' sources.`,
  );
}

/**
 * MLflow 2.12.2's refusal of a source with relative references (handlers.py
 * _validate_non_local_source_contains_relative_paths), in its words: clients match on them.
 */
function relativeReferences(source: string): MlflowError {
  return MlflowError.invalidParameter(
    `Invalid model version source: '${source}'. If supplying a source as an http, https, local file path, ftp, objectstore, or mlflow-artifacts uri, an absolute path must be provided without relative path references present. Please provide an absolute path.`,
  );
}

/**
 * A path inside the store as MLflow reads it: repeated slashes are one ("a//b" is "a/b") and
 * trailing ones go, which is the spelling stored as the version's location. Undefined when the
 * path is not confined (no '.', '..', '%', '?', '#', ';', '\', NUL) or starts with a slash, which
 * would make it an authority ("//host") or a root.
 */
function storeRelativePath(path: string): string | undefined {
  if (path.startsWith("/") || !isConfinedStorePath(path)) return undefined;
  return path.replace(/\/+/g, "/").replace(/\/$/, "");
}

async function resolveRunsSource(
  ctx: TrackingContext,
  source: string,
  runId?: string,
): Promise<ResolvedSource> {
  const rest = source.slice(RUNS_PREFIX.length);
  const slash = rest.indexOf("/");
  const sourceRunId = slash === -1 ? rest : rest.slice(0, slash);
  const path = slash === -1 ? "" : rest.slice(slash + 1);
  if (sourceRunId === "" || !/^[\w-]+$/.test(sourceRunId)) {
    throw invalidSource(source, "A runs:/ source names a run: runs:/<run_id>/<path>.");
  }
  const inRun = path === "" ? "" : storeRelativePath(path);
  if (inRun === undefined) {
    if (!path.startsWith("/")) throw relativeReferences(source);
    throw invalidSource(
      source,
      "The path after the run id must be relative and may not contain '.', '..', '%', '?', '#', ';', backslashes or NUL.",
    );
  }
  // MLflow 2.12.2 checks neither that the run exists nor that run_id names the same run: it
  // validates local sources only. The path is what matters, and it stays inside the store.
  const run = await ctx.db
    .select({ artifactUri: runs.artifactUri })
    .from(runs)
    .where(eq(runs.runUuid, validateRunId(sourceRunId)))
    .get();
  return {
    source,
    // Inside the run's artifacts; a run this server does not have: the source itself, as MLflow
    // stores every runs:/ source (nothing can be downloaded from it).
    storageLocation: run ? appendToUriPath(run.artifactUri ?? "", inRun) : source,
    runId: runId || sourceRunId,
  };
}

/**
 * `models:/<model_id>`: the logged model's artifact folder; its source run stands in for a
 * missing run_id, as in MLflow's store.
 */
async function resolveLoggedModelSource(
  ctx: TrackingContext,
  source: string,
  runId?: string,
  modelId?: string,
): Promise<ResolvedSource> {
  const sourceModelId = source.slice(MODELS_PREFIX.length);
  if (!LOGGED_MODEL_ID.test(sourceModelId)) {
    throw invalidSource(source, "A models:/ source names a logged model by id: models:/m-<32 hex digits>.");
  }
  if (modelId && modelId !== sourceModelId) {
    throw invalidSource(source, `It names logged model '${sourceModelId}' but model_id is '${modelId}'.`);
  }
  const model = await getLoggedModelRow(ctx, sourceModelId);
  return {
    source,
    storageLocation: model.artifactLocation,
    runId: runId || model.sourceRunId || undefined,
    modelId: sourceModelId,
  };
}

/**
 * `models:/<name>/<version>`, what MLflow's copy_model_version sends: the version's own artifact
 * location, as MLflow's store resolves it (already confined when that version was created).
 */
async function resolveVersionSource(
  ctx: TrackingContext,
  source: string,
  runId?: string,
): Promise<ResolvedSource> {
  const match = /^models:\/([^/]+)\/(\d+)$/.exec(source);
  if (!match) {
    throw invalidSource(
      source,
      "A models:/ source names a logged model (models:/m-<32 hex digits>) or a version (models:/<name>/<version>).",
    );
  }
  const row = await getModelVersionRow(ctx, match[1] as string, match[2] as string).catch(
    (error: unknown) => {
      throw invalidSource(
        source,
        `Unable to fetch model from model URI source artifact location '${source}': ${error instanceof MlflowError ? error.message : "no such version"}.`,
      );
    },
  );
  return { source, storageLocation: row.storageLocation, runId: runId || row.runId || undefined };
}

/** A model_id given with another kind of source must name a logged model that exists. */
async function withModelId(ctx: TrackingContext, resolved: ResolvedSource, modelId?: string) {
  if (!modelId) return resolved;
  const model = await getLoggedModelRow(ctx, modelId);
  return { ...resolved, runId: resolved.runId || model.sourceRunId || undefined, modelId };
}

/** Checks a create-model-version source and resolves where its artifacts are. */
export async function resolveModelSource(
  ctx: TrackingContext,
  source: string,
  runId?: string,
  modelId?: string,
): Promise<ResolvedSource> {
  if (source.startsWith(MODELS_PREFIX) && !source.slice(MODELS_PREFIX.length).includes("/"))
    return resolveLoggedModelSource(ctx, source, runId, modelId);
  if (source.startsWith(MODELS_PREFIX))
    return withModelId(ctx, await resolveVersionSource(ctx, source, runId), modelId);
  if (source.startsWith(RUNS_PREFIX))
    return withModelId(ctx, await resolveRunsSource(ctx, source, runId), modelId);
  if (source.startsWith(ARTIFACTS_PREFIX)) {
    const raw = source.slice(ARTIFACTS_PREFIX.length);
    const path = storeRelativePath(raw);
    if (path === undefined || path === "") {
      if (raw !== "" && !raw.startsWith("/")) throw relativeReferences(source);
      throw invalidSource(
        source,
        "An mlflow-artifacts: source needs a path in this server's store (no host), without '.', '..', '%', '?', '#', ';', backslashes or NUL.",
      );
    }
    // Stored as given, as MLflow stores it; a spelling with repeated slashes as the path it means.
    const storageLocation = raw.includes("//") ? `${ARTIFACTS_PREFIX}${path}` : source;
    return withModelId(ctx, { source, storageLocation, runId }, modelId);
  }
  if (isLocalPath(source)) {
    // MLflow's words (handlers.py _validate_source); no local path is ever inside a run's
    // artifacts here, since they all live in the bucket.
    throw invalidSource(
      source,
      "To use a local path as a model version source, the run_id request parameter has to be specified and the local path has to be contained within the artifact directory of the run specified by the run_id. Edgeflow keeps every run's artifacts in its bucket, so no local path is.",
    );
  }
  throw invalidSource(source, "Other schemes and hosts are not accepted.");
}

/** What MLflow's is_local_uri calls local: no scheme, or file:. */
function isLocalPath(source: string): boolean {
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(source)?.[1];
  return scheme === undefined || scheme.toLowerCase() === "file";
}
