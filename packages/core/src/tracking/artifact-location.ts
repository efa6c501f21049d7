import { MlflowError } from "@edgeflow/schema";

/**
 * True when a path inside the artifact store can only mean itself: no '.' or '..' segments, and
 * none of the characters that decode, truncate or split a path somewhere along the way ('%',
 * '?', '#', ';', backslashes, NUL). Shared by artifact locations and model version sources.
 */
export function isConfinedStorePath(path: string): boolean {
  return !/[%?#;\\\0]/.test(path) && !/(^|\/)\.\.?(\/|$)/.test(path);
}

/** The bucket behind the store, so `s3://<bucket>/<prefix>/...` can be recognised as inside it. */
export interface ArtifactBucket {
  name: string;
  /** S3_PREFIX: the part of every key before the mlflow-artifacts:/ path. */
  prefix?: string;
}

const SCHEME = /^[a-zA-Z][a-zA-Z0-9+.-]*:/;

function unsupported(location: string): MlflowError {
  return MlflowError.invalidParameter(
    `Unsupported artifact location '${location}'. Edgeflow stores artifacts in its own bucket: use a name inside it ('my_location'), an 'mlflow-artifacts:/<path>' or 's3://<this bucket>/<path>' location, or omit artifact_location.`,
  );
}

function notConfined(location: string): MlflowError {
  return MlflowError.invalidParameter(
    `Invalid artifact location '${location}': it may not contain '..', '.', empty segments, '%', '?', '#', ';', backslashes or NUL.`,
  );
}

/** A relative path with no empty segment (a single trailing slash aside). */
function isPlainRelativePath(path: string): boolean {
  const trimmed = path.endsWith("/") ? path.slice(0, -1) : path;
  return trimmed !== "" && isConfinedStorePath(path) && trimmed.split("/").every((segment) => segment !== "");
}

/**
 * An experiment's artifact location, as stored: always inside the artifact store. MLflow refuses
 * only runs:/ URIs and URLs with fragments, params or a traversing query string, and stores the
 * rest as given; file://, runs:/ or relative locations are how several of its advisories began
 * (reading the server's own files through a crafted experiment). Edgeflow accepts what resolves
 * inside its bucket and stores it as the mlflow-artifacts: location it is:
 *
 * - `mlflow-artifacts:/<path>` as is;
 * - a relative name (`my_location`, `team/a`): a prefix under the artifact root, as MLflow makes
 *   a relative location a folder under its working directory;
 * - `s3://<configured bucket>/<S3_PREFIX>/<path>`: the same objects, so `mlflow-artifacts:/<path>`.
 *
 * Local paths, file:, other buckets, other schemes and hosts are refused (INVALID_PARAMETER_VALUE).
 */
export function checkArtifactLocation(
  location: string,
  artifactRoot: string,
  bucket?: ArtifactBucket,
): string {
  if (location.startsWith("runs:")) {
    throw MlflowError.invalidParameter(`Artifact location cannot be a runs:/ URI. Given: '${location}'`);
  }
  // MLflow's own checks, in its words (urlparse: ';' starts params, '#' a fragment).
  if (/[#]/.test(location) || /;[^/]*$/.test(location.split("?")[0] ?? "")) {
    throw MlflowError.invalidParameter("'artifact_location' URL can't include fragments or params.");
  }
  if ((location.split("?")[1] ?? "").includes("..")) {
    throw MlflowError.invalidParameter("Invalid query string");
  }
  if (location.startsWith("mlflow-artifacts:/")) {
    if (!isConfinedStorePath(location.slice("mlflow-artifacts:".length))) throw notConfined(location);
    return location;
  }
  const s3 = /^s3:\/\/([^/]+)(?:\/(.*))?$/.exec(location);
  if (s3) {
    const prefix = (bucket?.prefix ?? "").replace(/^\/+|\/+$/g, "");
    const key = s3[2] ?? "";
    if (!bucket?.name || s3[1] !== bucket.name) throw unsupported(location);
    if (prefix !== "" && key !== prefix && !key.startsWith(`${prefix}/`)) throw unsupported(location);
    const path = prefix === "" ? key : key.slice(prefix.length).replace(/^\//, "");
    if (path !== "" && !isPlainRelativePath(path)) throw notConfined(location);
    return `mlflow-artifacts:/${path.replace(/\/$/, "")}`;
  }
  if (SCHEME.test(location) || /^[/\\~]/.test(location)) throw unsupported(location);
  if (!isPlainRelativePath(location)) throw notConfined(location);
  const root = artifactRoot.endsWith("/") ? artifactRoot : `${artifactRoot}/`;
  return `${root}${location.replace(/\/$/, "")}`;
}
