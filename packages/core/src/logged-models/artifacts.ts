import { type FileInfoWire, MlflowError } from "@edgeflow/schema";
import { joinArtifactPath, proxiedArtifactPath, validateArtifactPath } from "../artifacts/paths";
import type { ArtifactObject, ByteRange } from "../artifacts/store";
import type { TrackingContext } from "../context";
import { getLoggedModelRow } from "./reader";

/** The model's artifact folder in the bucket: only models stored behind this proxy are served. */
async function modelArtifactRoot(
  ctx: TrackingContext,
  modelId: string,
): Promise<{ uri: string; path: string }> {
  const model = await getLoggedModelRow(ctx, modelId);
  return { uri: model.artifactLocation, path: proxiedArtifactPath(model.artifactLocation) };
}

/** GET logged-models/{model_id}/artifacts/directories: one folder's children, relative to the model. */
export async function listLoggedModelArtifacts(
  ctx: TrackingContext,
  modelId: string,
  directory?: string,
): Promise<{ root_uri: string; files: FileInfoWire[] }> {
  const relative = directory ? validateArtifactPath(directory) : "";
  const root = await modelArtifactRoot(ctx, modelId);
  const entries = await ctx.artifacts.list(joinArtifactPath(root.path, relative));
  return {
    root_uri: root.uri,
    files: entries.map((entry) => ({
      path: joinArtifactPath(relative, entry.path),
      is_dir: entry.isDir,
      file_size: entry.isDir ? undefined : entry.size,
    })),
  };
}

/** GET logged-models/{model_id}/artifacts/files?artifact_file_path=: one file, for the UI. */
export async function downloadLoggedModelArtifact(
  ctx: TrackingContext,
  modelId: string,
  path: string | undefined,
  range?: ByteRange,
): Promise<{ path: string; object: ArtifactObject }> {
  if (!path) {
    throw new MlflowError("BAD_REQUEST", 'Request must include the "artifact_file_path" query parameter.');
  }
  const relative = validateArtifactPath(path);
  const root = await modelArtifactRoot(ctx, modelId);
  const object =
    relative === "" ? undefined : await ctx.artifacts.get(joinArtifactPath(root.path, relative), range);
  if (!object)
    throw MlflowError.notFound(`Artifact '${relative}' of logged model ${modelId} does not exist.`);
  return { path: relative, object };
}
