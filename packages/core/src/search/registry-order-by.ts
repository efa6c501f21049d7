import { invalid, pyList, pySet, snippet } from "./errors";
import { resolveExperimentIdentifier } from "./identifier";
import { checkCount, splitEntry } from "./order-by";

/** order_by for search_registered_models and search_model_versions, with MLflow's tie-breakers. */

export type RegisteredModelOrderKey = {
  key: "name" | "creation_timestamp" | "last_updated_timestamp";
  ascending: boolean;
};

export type ModelVersionOrderKey = {
  key: "name" | "version_number" | "creation_timestamp" | "last_updated_timestamp";
  ascending: boolean;
};

// `timestamp` is MLflow's (recommended) spelling of last_updated_timestamp. MLflow's SQL store
// does not order models by creation_timestamp (its file store does); Edgeflow accepts both.
const REGISTERED_MODEL_KEYS: Record<string, RegisteredModelOrderKey["key"]> = {
  name: "name",
  timestamp: "last_updated_timestamp",
  last_updated_timestamp: "last_updated_timestamp",
  creation_timestamp: "creation_timestamp",
};

const MODEL_VERSION_KEYS = [
  "name",
  "version_number",
  "creation_timestamp",
  "last_updated_timestamp",
] as const;
const MODEL_VERSION_DEFAULT_ORDER = ["last_updated_timestamp DESC", "name ASC", "version_number DESC"];

function rejectDuplicates(keys: { key: string }[], orderBy: readonly string[]): void {
  const seen = new Set<string>();
  for (const { key } of keys) {
    if (seen.has(key)) throw invalid(`\`order_by\` contains duplicate fields: ${pyList(orderBy)}`);
    seen.add(key);
  }
}

/** Bare keys only (no `attribute.` prefix), as MLflow's SQL store reads them; then name ASC. */
export function parseRegisteredModelOrderBy(
  orderBy: readonly string[] | null | undefined,
): RegisteredModelOrderKey[] {
  const entries = orderBy ?? [];
  checkCount(entries);
  const keys = entries.map((entry): RegisteredModelOrderKey => {
    const { identifier, ascending } = splitEntry(entry);
    const key = Object.hasOwn(REGISTERED_MODEL_KEYS, identifier)
      ? REGISTERED_MODEL_KEYS[identifier]
      : undefined;
    if (key === undefined) {
      throw invalid(
        `Invalid order by key '${snippet(identifier)}' specified. Valid keys are '${pySet(Object.keys(REGISTERED_MODEL_KEYS))}'`,
      );
    }
    return { key, ascending };
  });
  rejectDuplicates(keys, entries);
  if (!keys.some((entry) => entry.key === "name")) keys.push({ key: "name", ascending: true });
  return keys;
}

/**
 * Defaults to last_updated_timestamp DESC, name ASC, version_number DESC; otherwise the given keys
 * then name ASC and version_number DESC where not named.
 */
export function parseModelVersionOrderBy(
  orderBy: readonly string[] | null | undefined,
): ModelVersionOrderKey[] {
  const entries = orderBy && orderBy.length > 0 ? orderBy : MODEL_VERSION_DEFAULT_ORDER;
  checkCount(entries);
  const keys = entries.map((entry): ModelVersionOrderKey => {
    const { identifier, ascending } = splitEntry(entry);
    const { type, key } = resolveExperimentIdentifier(identifier, MODEL_VERSION_KEYS);
    if (type !== "attribute") throw invalid(`Invalid order_by entity: ${type}`);
    return { key: key as ModelVersionOrderKey["key"], ascending };
  });
  rejectDuplicates(keys, entries);
  if (!keys.some((entry) => entry.key === "name")) keys.push({ key: "name", ascending: true });
  if (!keys.some((entry) => entry.key === "version_number"))
    keys.push({ key: "version_number", ascending: false });
  return keys;
}
