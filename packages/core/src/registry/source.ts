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
 * A relative path inside the store: confined (no '.', '..', '%', '?', '#', ';', '\', NUL) and no
 * empty segments, which would make "a//b" another spelling of "a/b" (or "//host" an authority).
 * A single trailing slash is allowed.
 */
function isStoreRelativePath(path: string): boolean {
  const segments = (path.endsWith("/") ? path.slice(0, -1) : path).split("/");
  return isConfinedStorePath(path) && segments.every((segment) => segment !== "");
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
  if (path !== "" && !isStoreRelativePath(path)) {
    throw invalidSource(
      source,
      "The path after the run id must be relative and may not contain '.', '..', empty segments, '%', '?', '#', ';', backslashes or NUL.",
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
    storageLocation: run ? appendToUriPath(run.artifactUri ?? "", path.replace(/\/$/, "")) : source,
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
    const path = source.slice(ARTIFACTS_PREFIX.length);
    if (path === "" || !isStoreRelativePath(path)) {
      throw invalidSource(
        source,
        "An mlflow-artifacts: source needs a path in this server's store (no host), without '.', '..', empty segments, '%', '?', '#', ';', backslashes or NUL.",
      );
    }
    return withModelId(ctx, { source, storageLocation: source, runId }, modelId);
  }
  throw invalidSource(source, "Local paths, file:, and other schemes or hosts are not accepted.");
}
