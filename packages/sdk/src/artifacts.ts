import { type Infer, type ListProxiedArtifactsResponse, MlflowError } from "@edgeflow/schema/wire";
import type { MlflowClient } from "./client";
import { type MultipartOptions, MultipartUpload, type PartSource } from "./multipart";
import { encodePath } from "./proxy-path";
import { errorFrom, type Transport } from "./transport";

/**
 * What an upload takes: bytes, text, a Blob (a browser File), a stream (read once, so not retried),
 * or a function that opens the stream (called again for each retry: a file on disk is re-read).
 */
export type ArtifactBody =
  | string
  | Uint8Array
  | ArrayBuffer
  | Blob
  | ReadableStream<Uint8Array>
  | (() => ReadableStream<Uint8Array>);

/** Files from this size on go through the multipart endpoints (a Worker takes at most 100 MB per request). */
export const MULTIPART_THRESHOLD = 64 * 1024 * 1024;

const PROXIED = "mlflow-artifacts:";

/**
 * The artifact proxy path of `relative` under a run's or logged model's artifact URI
 * ("mlflow-artifacts:/0/<run_id>/artifacts"). Refuses `..` and empty segments before anything is
 * sent; the server refuses them too.
 */
export function artifactPath(artifactUri: string | undefined, relative: string): string {
  if (!artifactUri?.startsWith(PROXIED)) {
    throw new MlflowError(
      "INVALID_PARAMETER_VALUE",
      `Artifact URI '${artifactUri}' is not served through the artifact proxy (mlflow-artifacts:/...).`,
    );
  }
  const root = artifactUri.slice(PROXIED.length).replace(/^\/+/, "").replace(/\/+$/, "");
  const parts = relative.split("/");
  if (relative !== "" && parts.some((part) => part === "" || part === "." || part === "..")) {
    throw new MlflowError("INVALID_PARAMETER_VALUE", `Invalid artifact path '${relative}'.`);
  }
  return relative === "" ? root : `${root}/${relative}`;
}

/** PUTs one file through the artifact proxy; a stream is sent as it is read. */
export async function uploadArtifact(transport: Transport, path: string, body: ArtifactBody): Promise<void> {
  const url = `/api/2.0/mlflow-artifacts/artifacts/${encodePath(path)}`;
  const isStream = body instanceof ReadableStream || typeof body === "function";
  let used = false;
  const response = await transport.send("PUT", url, {
    headers: { "Content-Type": "application/octet-stream" },
    body: () => {
      if (typeof body === "function") return body();
      if (isStream && used)
        throw new MlflowError("TEMPORARILY_UNAVAILABLE", `Upload of ${path} failed mid-stream.`);
      used = true;
      return body as BodyInit;
    },
    duplex: isStream,
  });
  if (!response.ok) throw await errorFrom(response, `PUT ${url}`);
  await response.body?.cancel();
}

/** A file for `uploadArtifactFile`: its size, ranges for multipart parts, and a stream for one PUT. */
export interface ArtifactSource extends PartSource {
  open?: () => ReadableStream<Uint8Array>;
}

/**
 * Uploads one file the way its size calls for: one streamed PUT through the proxy, or, from
 * `multipartThreshold` bytes on, a resumable multipart upload straight to the bucket. A server
 * without multipart support (MLflow's, over a local folder) gets the single PUT.
 */
export async function uploadArtifactFile(
  transport: Transport,
  path: string,
  source: ArtifactSource,
  options: MultipartOptions & { multipartThreshold?: number } = {},
): Promise<void> {
  if (source.size >= (options.multipartThreshold ?? MULTIPART_THRESHOLD)) {
    try {
      await new MultipartUpload(transport, path, source, options).send();
      return;
    } catch (error) {
      const unsupported =
        error instanceof MlflowError && ["NOT_IMPLEMENTED", "ENDPOINT_NOT_FOUND"].includes(error.errorCode);
      if (!unsupported) throw error;
    }
  }
  await uploadArtifact(transport, path, source.open ?? (await source.read(0, source.size)));
  options.onProgress?.(source.size, source.size);
}

/** GETs one file through the artifact proxy, as a stream of its bytes. */
export async function downloadArtifact(
  transport: Transport,
  path: string,
): Promise<ReadableStream<Uint8Array>> {
  const url = `/api/2.0/mlflow-artifacts/artifacts/${encodePath(path)}`;
  const response = await transport.send("GET", url);
  if (!response.ok) throw await errorFrom(response, `GET ${url}`);
  return response.body ?? new ReadableStream({ start: (c) => c.close() });
}

export type ArtifactFile = NonNullable<Infer<typeof ListProxiedArtifactsResponse.spec>["files"]>[number];

/** Lists one folder through the artifact proxy (path relative to the proxy's root). */
export async function listArtifacts(client: MlflowClient, path: string): Promise<ArtifactFile[]> {
  const { files } = await client.listProxiedArtifacts({ path });
  return files ?? [];
}
