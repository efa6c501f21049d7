import type { ArtifactObject } from "@edgeflow/core";

// The handful of types MLflow's clients and UI care about; anything else downloads as bytes.
const MIME_TYPES: Record<string, string> = {
  txt: "text/plain",
  log: "text/plain",
  json: "application/json",
  yaml: "application/x-yaml",
  yml: "application/x-yaml",
  csv: "text/csv",
  tsv: "text/tab-separated-values",
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  svg: "image/svg+xml",
  pdf: "application/pdf",
  html: "text/html",
  htm: "text/html",
  parquet: "application/octet-stream",
};

export function guessMimeType(path: string): string {
  const extension = path.includes(".") ? (path.split(".").pop() ?? "").toLowerCase() : "";
  return MIME_TYPES[extension] ?? "application/octet-stream";
}

/**
 * A stored file as an HTTP response, streamed. Always an attachment with nosniff and a sandboxing
 * CSP, so an uploaded HTML or SVG file can never run script on this origin (MLflow's XSS advisories).
 */
export function fileResponse(path: string, object: ArtifactObject): Response {
  const name = path.split("/").pop() || "artifact";
  const headers = new Headers({
    "Content-Type": guessMimeType(path),
    "Content-Length": String(object.size),
    "Content-Disposition": `attachment; filename="${name.replace(/["\\\r\n]/g, "_")}"; filename*=UTF-8''${encodeURIComponent(name)}`,
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; sandbox",
    "Accept-Ranges": "bytes",
  });
  if (object.etag) headers.set("ETag", object.etag);
  if (object.contentRange) headers.set("Content-Range", object.contentRange);
  return new Response(object.body, { status: object.contentRange ? 206 : 200, headers });
}
