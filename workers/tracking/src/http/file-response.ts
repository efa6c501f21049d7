import type { ArtifactObject } from "@edgeflow/core";

/**
 * MLflow's mapping (mlflow/utils/mime_type_utils.py `_guess_mime_type`): these extensions — and
 * the extension-less names MLmodel and mlproject, compared as MLflow does, case-sensitively — are
 * text/plain; anything else is what Python's `mimetypes.guess_type` says (the common part of its
 * table below, looked up case-insensitively as it does), and bytes when it knows nothing.
 */
const TEXT_EXTENSIONS = new Set([
  "txt",
  "log",
  "err",
  "cfg",
  "conf",
  "cnf",
  "cf",
  "ini",
  "properties",
  "prop",
  "hocon",
  "toml",
  "yaml",
  "yml",
  "xml",
  "json",
  "js",
  "py",
  "py3",
  "csv",
  "tsv",
  "md",
  "rst",
  "MLmodel",
  "mlproject",
]);

// Python 3.11's mimetypes defaults for the types an artifact is likely to have.
const PYTHON_MIME_TYPES: Record<string, string> = {
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  jpe: "image/jpeg",
  gif: "image/gif",
  bmp: "image/bmp",
  ico: "image/vnd.microsoft.icon",
  svg: "image/svg+xml",
  tif: "image/tiff",
  tiff: "image/tiff",
  pdf: "application/pdf",
  html: "text/html",
  htm: "text/html",
  css: "text/css",
  mjs: "application/javascript",
  zip: "application/zip",
  tar: "application/x-tar",
  wav: "audio/x-wav",
  mp3: "audio/mpeg",
  mp4: "video/mp4",
  webm: "video/webm",
  wasm: "application/wasm",
  h5: "application/x-hdf5",
};

/** The Content-Type MLflow's server gives a downloaded artifact named `path`. */
export function guessMimeType(path: string): string {
  const name = path.split("/").pop() ?? "";
  // Python's os.path.splitext: a leading dot does not start an extension.
  const dot = name.lastIndexOf(".");
  const extension = dot > 0 && !/^\.+$/.test(name.slice(0, dot + 1)) ? name.slice(dot + 1) : "";
  if (TEXT_EXTENSIONS.has(extension === "" ? name : extension)) return "text/plain";
  const lower = name.toLowerCase();
  // guess_type("model.tar.gz") is the type under the compression ("application/x-tar").
  const encoding = /\.(gz|bz2|xz|br|z)$/.exec(lower);
  const inner = encoding ? lower.slice(0, -encoding[0].length) : lower;
  if (/\.(tgz|taz|tz)$/.test(lower)) return "application/x-tar";
  const innerDot = inner.lastIndexOf(".");
  const type = innerDot > 0 ? PYTHON_MIME_TYPES[inner.slice(innerDot + 1)] : undefined;
  return type ?? "application/octet-stream";
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
