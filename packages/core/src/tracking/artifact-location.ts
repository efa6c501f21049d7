import { MlflowError } from "@edgeflow/schema";

/**
 * True when a path inside the artifact store can only mean itself: no '.' or '..' segments, and
 * none of the characters that decode, truncate or split a path somewhere along the way ('%',
 * '?', '#', ';', backslashes, NUL). Shared by artifact locations and model version sources.
 */
export function isConfinedStorePath(path: string): boolean {
  return !/[%?#;\\\0]/.test(path) && !/(^|\/)\.\.?(\/|$)/.test(path);
}

/**
 * Artifact locations are confined to the proxied artifact store. MLflow accepts any URI here, and
 * file://, runs:/ or relative locations are how several of its advisories began (reading the
 * server's own files through a crafted experiment), so Edgeflow accepts mlflow-artifacts: only.
 */
export function checkArtifactLocation(location: string): string {
  if (location.startsWith("runs:")) {
    throw MlflowError.invalidParameter(`Artifact location cannot be a runs:/ URI. Given: '${location}'`);
  }
  if (!location.startsWith("mlflow-artifacts:/")) {
    throw MlflowError.invalidParameter(
      `Unsupported artifact location '${location}'. Edgeflow stores artifacts in its own bucket: use an 'mlflow-artifacts:/<path>' location or omit artifact_location.`,
    );
  }
  if (!isConfinedStorePath(location.slice("mlflow-artifacts:".length))) {
    throw MlflowError.invalidParameter(
      `Invalid artifact location '${location}': it may not contain '..', '.', '%', '?', '#', ';', backslashes or NUL.`,
    );
  }
  return location;
}
