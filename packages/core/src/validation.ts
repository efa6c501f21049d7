import { MlflowError } from "@edgeflow/schema";
import { limits } from "./limits";

// Names may only contain alphanumerics, underscores, periods, dashes, spaces and slashes.
const VALID_NAME = /^[/\w.\- ]*$/u;
const RUN_ID = /^[a-zA-Z0-9][\w-]{0,255}$/;
const BAD_CHARACTERS =
  "Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), and slashes (/).";

/** posixpath.normpath, enough to tell whether a name would resolve to another name as a path. */
function normalizePath(path: string): string {
  if (path === "") return ".";
  const absolute = path.startsWith("/");
  const parts: string[] = [];
  for (const part of path.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === ".." && parts.length > 0 && parts[parts.length - 1] !== "..") parts.pop();
    else if (part !== ".." || !absolute) parts.push(part);
  }
  const joined = parts.join("/");
  // POSIX keeps exactly two leading slashes; MLflow's check only cares that it differs.
  const prefix = absolute ? (path.startsWith("//") && !path.startsWith("///") ? "//" : "/") : "";
  return prefix + joined || (absolute ? prefix : ".");
}

function pathNotUnique(name: string): boolean {
  const norm = normalizePath(name);
  return norm !== name || norm === "." || norm.startsWith("..") || norm.startsWith("/");
}

/** Metric, param and tag names: MLflow's character set, and no path tricks. */
export function validateKeyName(kind: "metric" | "parameter" | "tag", name: string | undefined): string {
  const label = kind === "metric" ? "Metric" : kind === "parameter" ? "Parameter" : "Tag";
  if (name === undefined) {
    throw MlflowError.invalidParameter(`${label} name cannot be None. A key name must be provided.`);
  }
  if (!VALID_NAME.test(name)) {
    throw MlflowError.invalidParameter(`Invalid ${kind} name: '${name}'. ${BAD_CHARACTERS}`);
  }
  if (pathNotUnique(name)) {
    throw MlflowError.invalidParameter(
      `Invalid ${kind} name: '${name}'. Names may be treated as files in certain cases, and must not resolve to other names when treated as such. This name would resolve to '${normalizePath(name)}'`,
    );
  }
  return name;
}

export function validateLength(label: string, limit: number, value: string | undefined): void {
  if (value === undefined || value.length <= limit) return;
  throw MlflowError.invalidParameter(
    `${label} '${value.slice(0, 250)}' had length ${value.length}, which exceeded length limit of ${limit}`,
  );
}

export function validateRunId(runId: string): string {
  if (!RUN_ID.test(runId)) throw MlflowError.invalidParameter(`Invalid run ID: '${runId}'`);
  return runId;
}

export function validateParam(key: string, value: string): void {
  validateKeyName("parameter", key);
  validateLength("Param key", limits.entityKeyLength, key);
  validateLength("Param value", limits.paramValueLength, value);
}

export function validateRunTag(key: string, value: string): void {
  validateKeyName("tag", key);
  validateLength("Tag key", limits.entityKeyLength, key);
  validateLength("Tag value", limits.runTagValueLength, value);
}

export function validateExperimentTag(key: string, value: string): void {
  validateKeyName("tag", key);
  validateLength("Tag key", limits.experimentTagKeyLength, key);
  validateLength("Tag value", limits.experimentTagValueLength, value);
}

export function validateMetric(key: string, timestamp: number): void {
  validateKeyName("metric", key);
  if (timestamp < 0) {
    throw MlflowError.invalidParameter(
      `Got invalid timestamp ${timestamp} for metric '${key}'. Timestamp must be a nonnegative long (64-bit integer) `,
    );
  }
  validateLength("Metric name", limits.entityKeyLength, key);
}

export function validateBatchLimit(entityName: string, limit: number, length: number): void {
  if (length <= limit) return;
  throw MlflowError.invalidParameter(
    `A batch logging request can contain at most ${limit} ${entityName}. Got ${length} ${entityName}. Please split up ${entityName} across multiple requests and try again.`,
  );
}

export function validateExperimentName(name: string | undefined): string {
  if (name === undefined || name === "") {
    throw MlflowError.invalidParameter(`Invalid experiment name: '${name ?? "None"}'`);
  }
  return name;
}

/** A max_results argument: a positive integer no larger than `max`. */
export function validateMaxResults(value: number | undefined, fallback: number, max: number): number {
  const maxResults = value ?? fallback;
  if (!Number.isInteger(maxResults) || maxResults < 1) {
    throw MlflowError.invalidParameter(
      `Invalid value for max_results. It must be a positive integer, but got ${maxResults}`,
    );
  }
  if (maxResults > max) {
    throw MlflowError.invalidParameter(
      `Invalid value for max_results. It must be at most ${max}, but got ${maxResults}`,
    );
  }
  return maxResults;
}
