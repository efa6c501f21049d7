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
