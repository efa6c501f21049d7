import { MlflowError } from "@edgeflow/schema";
import { limits } from "../limits";
import { validateKeyName, validateLength } from "../validation";

/** Registry inputs checked as mlflow/utils/validation.py checks them, with its messages. */

/** Any non-empty string: names are stored and compared verbatim (never URL-decoded). */
export function validateModelName(name: string | undefined): string {
  if (name === undefined || name === "") {
    throw MlflowError.invalidParameter("Registered model name cannot be empty.");
  }
  return name;
}

// Python's int(): optional blanks and sign, digits with single underscores between them.
const PYTHON_INT = /^\s*[+-]?\d+(_\d+)*\s*$/;

/**
 * The number a version string names ("3", " 3", "+3" all name version 3). The result may be
 * beyond any version that can exist (negative, or too large to be exact); lookups find nothing.
 */
export function parseVersion(version: string): number {
  if (!PYTHON_INT.test(version)) {
    throw MlflowError.invalidParameter(`Model version must be an integer, got '${version}'`);
  }
  return Number(version.replaceAll("_", "").trim());
}

// Python's \w is Unicode-aware: letters and digits of any script, and the underscore.
const ALIAS_NAME = /^[\p{L}\p{N}_-]*$/u;
const VERSION_ALIAS = /^[vV]\p{Nd}+$/u;

/** Aliases may not look like MLflow's own version references ("latest", "v3"). */
export function validateAliasName(alias: string | undefined): string {
  if (alias === undefined || alias === "") {
    throw MlflowError.invalidParameter("Registered model alias name cannot be empty.");
  }
  if (!ALIAS_NAME.test(alias)) {
    throw MlflowError.invalidParameter(
      `Invalid alias name: '${alias}'. Names may only contain alphanumerics, underscores (_), and dashes (-).`,
    );
  }
  validateLength("Registered model alias name", limits.modelAliasLength, alias);
  if (alias.toLowerCase() === "latest") {
    throw MlflowError.invalidParameter("'latest' alias name (case insensitive) is reserved.");
  }
  if (VERSION_ALIAS.test(alias)) {
    throw MlflowError.invalidParameter(`Version alias name '${alias}' is reserved.`);
  }
  return alias;
}

export function validateRegistryTag(
  entity: "Registered model" | "Model version",
  key: string,
  value: string,
): void {
  validateKeyName("tag", key);
  validateLength(`${entity} key`, limits.registryTagKeyLength, key);
  validateLength(`${entity} value`, limits.registryTagValueLength, value);
}
