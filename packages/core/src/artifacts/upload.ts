import { MlflowError } from "@edgeflow/schema";
import type { TrackingContext } from "../context";
import { getRunRow } from "../tracking/run-reader";
import { joinArtifactPath, proxiedArtifactPath, validateArtifactPath } from "./paths";

/** MLflow's upload_artifact_handler takes at most 10 MB (the UI writes back evaluation tables). */
export const MAX_UI_UPLOAD_BYTES = 10 * 1024 * 1024;

/**
 * POST ajax-api/2.0/mlflow/upload-artifact?run_uuid=&path=: which run and file, checked in
 * MLflow's order and words. The route's access rule reads the run id through this too, so the
 * check and the write cannot disagree on it.
 */
export function uploadArtifactTarget(query: URLSearchParams): { runId: string; path: string } {
  const runId = query.get("run_uuid");
  if (!runId) throw MlflowError.invalidParameter("Request must specify run_uuid.");
  const raw = query.get("path");
  if (!raw) throw MlflowError.invalidParameter("Request must specify path.");
  const path = validateArtifactPath(raw);
  if (path === "") throw MlflowError.invalidParameter("Request must specify path.");
  return { runId, path };
}

export const uploadTooLarge = () =>
  MlflowError.invalidParameter("Artifact size is too large. Max size is 10MB.");

/** Writes the request's bytes as one file of the run's artifacts (the run may be finished). */
export async function uploadRunArtifact(
  ctx: TrackingContext,
  target: { runId: string; path: string },
  data: Uint8Array,
  contentType: string,
): Promise<void> {
  if (data.byteLength > MAX_UI_UPLOAD_BYTES) throw uploadTooLarge();
  if (data.byteLength === 0) throw MlflowError.invalidParameter("Request must specify data.");
  const run = await getRunRow(ctx, target.runId);
  const root = proxiedArtifactPath(run.artifactUri ?? "");
  await ctx.artifacts.put(joinArtifactPath(root, target.path), data, {
    contentLength: data.byteLength,
    contentType,
  });
}
