import { MlflowError } from "@edgeflow/schema";

const MAX_KEY_BYTES = 1024;
const SCHEME = /^[a-zA-Z][a-zA-Z0-9+.-]*:/;
// A percent sign still followed by two hex digits after decoding means the path was encoded twice.
const STILL_ENCODED = /%[0-9a-fA-F]{2}/;
// Backslashes, '#', ';' and '?' have no place in an artifact path, nor have control characters.
const FORBIDDEN = /[\\#;?]/;
const hasControlCharacter = (path: string) => [...path].some((c) => c.charCodeAt(0) < 0x20 || c === "\u007f");

/**
 * MLflow's validate_path_is_safe answers exactly "Invalid path" (its tests compare the whole body),
 * so the path and the reason, kept at each call for readers, are not echoed.
 */
function invalidPath(_path: string, _why: string): MlflowError {
  return MlflowError.invalidParameter("Invalid path");
}

/**
 * An artifact path, relative to the artifact root, checked the way MLflow's validate_path_is_safe
 * does and stricter: these are the inputs behind MLflow's path-traversal advisories
 * (CVE-2023-6831, CVE-2024-1560, CVE-2024-1483, CVE-2024-1593, CVE-2024-3848...). `encoded` paths
 * (URL path segments) are percent-decoded exactly once first.
 */
export function validateArtifactPath(raw: string, { encoded = false } = {}): string {
  let path = raw;
  if (encoded) {
    try {
      path = decodeURIComponent(raw);
    } catch {
      throw invalidPath(raw, "malformed percent-encoding");
    }
  }
  if (STILL_ENCODED.test(path)) throw invalidPath(raw, "percent-encoded more than once");
  if (FORBIDDEN.test(path) || hasControlCharacter(path))
    throw invalidPath(raw, "control characters, '\\', '#', ';' and '?' are not allowed");
  if (SCHEME.test(path)) throw invalidPath(raw, "a URI or drive letter is not a relative path");
  if (path.startsWith("/")) throw invalidPath(raw, "absolute paths are not allowed");
  const segments = path.split("/");
  if (segments.some((segment) => segment === "." || segment === "..")) {
    throw invalidPath(raw, "'.' and '..' segments are not allowed");
  }
  if (segments.some((segment, i) => segment === "" && i !== segments.length - 1)) {
    throw invalidPath(raw, "empty path segments are not allowed");
  }
  if (new TextEncoder().encode(path).byteLength > MAX_KEY_BYTES) {
    throw invalidPath(raw.slice(0, 100), `longer than ${MAX_KEY_BYTES} bytes`);
  }
  return path.endsWith("/") ? path.slice(0, -1) : path;
}

/** The bucket path an `mlflow-artifacts:` URI names, e.g. "mlflow-artifacts:/1/abc/artifacts" → "1/abc/artifacts". */
export function proxiedArtifactPath(uri: string): string {
  const match = /^mlflow-artifacts:(?:\/\/[^/]*)?\/(.*)$/.exec(uri);
  if (!match) {
    throw MlflowError.invalidParameter(
      `'${uri}' is not an mlflow-artifacts: location this server can serve.`,
    );
  }
  return match[1] === "" ? "" : validateArtifactPath(match[1] as string);
}

export function joinArtifactPath(...parts: string[]): string {
  return parts.filter((part) => part !== "").join("/");
}
