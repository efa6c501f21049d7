import { type FileInfoWire, MlflowError } from "@edgeflow/schema";
import type { TrackingContext } from "../context";
import { getModelVersionRow } from "../registry/reader";
import { getRunRow } from "../tracking/run-reader";
import { joinArtifactPath, proxiedArtifactPath, validateArtifactPath } from "./paths";
import type { ArtifactEntry, ArtifactObject, ArtifactStore, ByteRange, MultipartCredential } from "./store";

function toFileInfo(entry: ArtifactEntry, parent: string): FileInfoWire {
  return {
    path: joinArtifactPath(parent, entry.path),
    is_dir: entry.isDir,
    file_size: entry.isDir ? undefined : entry.size,
  };
}

/** GET mlflow-artifacts/artifacts?path=: a directory's immediate children, by name. */
export async function listProxiedArtifacts(store: ArtifactStore, path?: string): Promise<FileInfoWire[]> {
  const directory = path ? validateArtifactPath(path) : "";
  return (await store.list(directory)).map((entry) => toFileInfo(entry, ""));
}

export async function downloadProxiedArtifact(
  store: ArtifactStore,
  encodedPath: string,
  range?: ByteRange,
): Promise<{ path: string; object: ArtifactObject }> {
  const path = validateArtifactPath(encodedPath, { encoded: true });
  const object = path === "" ? undefined : await store.get(path, range);
  if (!object) throw MlflowError.notFound(`Artifact '${path}' does not exist.`);
  return { path, object };
}

export async function uploadProxiedArtifact(
  store: ArtifactStore,
  encodedPath: string,
  body: ReadableStream<Uint8Array> | null,
  options: { contentLength?: number; contentType?: string },
): Promise<void> {
  const path = validateArtifactPath(encodedPath, { encoded: true });
  if (path === "") throw MlflowError.invalidParameter("An artifact upload needs a file path.");
  await store.put(path, body ?? new Uint8Array(0), body ? options : { ...options, contentLength: 0 });
}

export async function deleteProxiedArtifacts(store: ArtifactStore, encodedPath: string): Promise<void> {
  const path = validateArtifactPath(encodedPath, { encoded: true });
  if (path === "") throw MlflowError.invalidParameter("Refusing to delete the whole artifact store.");
  await store.delete(path);
}

/**
 * The multipart endpoints name a directory in the URL and the client's local file in the body;
 * the object is `<directory>/<file name>`, as MLflow's S3 repository composes it.
 */
export function multipartObjectPath(encodedDirectory: string, localPath: string): string {
  const directory = validateArtifactPath(encodedDirectory, { encoded: true });
  const fileName = localPath.split(/[\\/]/).pop() ?? "";
  if (fileName === "" || fileName === "." || fileName === "..") {
    throw MlflowError.invalidParameter(`Invalid file name in path '${localPath}'.`);
  }
  return joinArtifactPath(directory, validateArtifactPath(fileName));
}

export async function createMultipartUpload(
  store: ArtifactStore,
  objectPath: string,
  numParts: number,
): Promise<{
  upload_id: string;
  credentials: { url: string; part_number: number; headers: Record<string, string> }[];
}> {
  // S3 allows 10,000 parts per upload.
  if (!Number.isInteger(numParts) || numParts < 1 || numParts > 10_000) {
    throw MlflowError.invalidParameter(`num_parts must be between 1 and 10000, got ${numParts}.`);
  }
  const { uploadId, credentials } = await store.createMultipartUpload(objectPath, numParts);
  return {
    upload_id: uploadId,
    credentials: credentials.map((c: MultipartCredential) => ({
      url: c.url,
      part_number: c.partNumber,
      headers: c.headers,
    })),
  };
}

/** The run's artifact root inside the bucket; only runs stored behind this proxy are served. */
async function runArtifactRoot(ctx: TrackingContext, runId: string): Promise<{ uri: string; path: string }> {
  const run = await getRunRow(ctx, runId);
  const uri = run.artifactUri ?? "";
  return { uri, path: proxiedArtifactPath(uri) };
}

/** GET mlflow/artifacts/list: a run's artifacts, paths relative to the run's artifact root. */
export async function listRunArtifacts(
  ctx: TrackingContext,
  runId: string,
  path?: string,
): Promise<{ root_uri: string; files: FileInfoWire[] }> {
  const relative = path ? validateArtifactPath(path) : "";
  const root = await runArtifactRoot(ctx, runId);
  const entries = await ctx.artifacts.list(joinArtifactPath(root.path, relative));
  return { root_uri: root.uri, files: entries.map((entry) => toFileInfo(entry, relative)) };
}

/** GET get-artifact?run_uuid&path: one file of a run, for browsers. */
export async function downloadRunArtifact(
  ctx: TrackingContext,
  runId: string,
  path: string,
  range?: ByteRange,
): Promise<{ path: string; object: ArtifactObject }> {
  const relative = validateArtifactPath(path);
  const root = await runArtifactRoot(ctx, runId);
  const object =
    relative === "" ? undefined : await ctx.artifacts.get(joinArtifactPath(root.path, relative), range);
  if (!object) throw MlflowError.notFound(`Artifact '${relative}' of run ${runId} does not exist.`);
  return { path: relative, object };
}

/** GET model-versions/get-artifact?name&version&path: one file of a registered version. */
export async function downloadModelVersionArtifact(
  ctx: TrackingContext,
  name: string,
  version: string,
  path: string,
  range?: ByteRange,
): Promise<{ path: string; object: ArtifactObject }> {
  const relative = validateArtifactPath(path);
  const root = proxiedArtifactPath((await getModelVersionRow(ctx, name, version)).storageLocation);
  const object =
    relative === "" ? undefined : await ctx.artifacts.get(joinArtifactPath(root, relative), range);
  if (!object)
    throw MlflowError.notFound(`Artifact '${relative}' of model ${name} version ${version} does not exist.`);
  return { path: relative, object };
}
