/** Artifact listing and download URLs (MLflow's artifacts/list and /get-artifact). */
import { get, send } from "./client";

export interface FileInfo {
  path: string;
  is_dir?: boolean;
  file_size?: number;
}

export async function listArtifacts(runId: string, path: string): Promise<FileInfo[]> {
  const body = await get<{ files?: FileInfo[] }>("artifacts/list", {
    run_id: runId,
    path: path || undefined,
  });
  return body.files ?? [];
}

export const artifactUrl = (runId: string, path: string) =>
  `/get-artifact?${new URLSearchParams({ path, run_uuid: runId })}`;

/** Where an artifact browser lists and reads files: a run's artifacts or a logged model's. */
export interface ArtifactSource {
  /** Changes exactly when the source does (listings are re-read then). */
  id: string;
  list(path: string): Promise<FileInfo[]>;
  url(path: string): string;
}

export const runArtifacts = (runId: string): ArtifactSource => ({
  id: `run:${runId}`,
  list: (path) => listArtifacts(runId, path),
  url: (path) => artifactUrl(runId, path),
});

/** MLflow 3's logged-model artifact endpoints, as MLflow's own UI calls them. */
export const loggedModelArtifacts = (modelId: string): ArtifactSource => {
  const base = `logged-models/${encodeURIComponent(modelId)}/artifacts`;
  return {
    id: `model:${modelId}`,
    list: async (path) =>
      (
        await get<{ files?: FileInfo[] }>(`${base}/directories`, {
          artifact_directory_path: path || undefined,
        })
      ).files ?? [],
    url: (path) => `/ajax-api/2.0/mlflow/${base}/files?${new URLSearchParams({ artifact_file_path: path })}`,
  };
};

/** At most `limit` bytes of a file as text: previews never pull a whole large artifact. */
export async function readArtifactHead(
  url: string,
  limit = 256 * 1024,
): Promise<{ text: string; truncated: boolean }> {
  const response = await send(url);
  const reader = response.body?.getReader();
  if (!reader) return { text: "", truncated: false };
  const chunks: Uint8Array[] = [];
  let size = 0;
  let truncated = false;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.length;
    if (size >= limit) {
      truncated = true;
      await reader.cancel();
      break;
    }
  }
  const bytes = new Uint8Array(Math.min(size, limit));
  let offset = 0;
  for (const chunk of chunks) {
    const part = chunk.subarray(0, bytes.length - offset);
    bytes.set(part, offset);
    offset += part.length;
  }
  return { text: new TextDecoder().decode(bytes), truncated };
}

/** A blob URL for binary previews (images), so auth headers apply as for every other call. */
export async function artifactBlobUrl(url: string): Promise<string> {
  return URL.createObjectURL(await (await send(url)).blob());
}
