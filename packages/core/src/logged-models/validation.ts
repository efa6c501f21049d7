import { MlflowError } from "@edgeflow/schema";
import { validateLength } from "../validation";

/**
 * Sizes MLflow's schema gives logged models (keys are VARCHAR(255), names 500) and the bounds
 * Edgeflow adds so one request stays one small D1 batch: MLflow's client sends params 100 at a
 * time (create, then log-params), and values are capped like run params and tags.
 */
export const loggedModelLimits = {
  nameLength: 500,
  keyLength: 255,
  paramValueLength: 6000,
  tagValueLength: 8000,
  entriesPerRequest: 100,
  searchMaxResultsDefault: 100,
  searchMaxResults: 1000,
} as const;

const BAD_NAME_CHARACTERS = ["/", ":", ".", "%", '"', "'"];

/** MLflow's _validate_logged_model_name: absent is fine (a name is generated), empty is not. */
export function validateLoggedModelName(name: string | undefined): void {
  if (name === undefined) return;
  if (name === "" || BAD_NAME_CHARACTERS.some((c) => name.includes(c))) {
    throw MlflowError.invalidParameter(
      `Invalid model name ('${name.slice(0, 250)}') provided. Model name must be a non-empty string and cannot contain the following characters: ('/', ':', '.', '%', '"', "'")`,
    );
  }
  validateLength("Model name", loggedModelLimits.nameLength, name);
}

export interface Entry {
  key: string;
  value: string;
}

/** Tags or params as stored: keys present and bounded, absent values as "", a repeated key's last value kept. */
export function checkEntries(
  kind: "param" | "tag",
  entries: readonly { key?: string; value?: string }[] | undefined,
): Entry[] {
  const list = entries ?? [];
  const label = kind === "param" ? "Param" : "Tag";
  if (list.length > loggedModelLimits.entriesPerRequest) {
    throw MlflowError.invalidParameter(
      `A request can set at most ${loggedModelLimits.entriesPerRequest} logged model ${kind}s. Got ${list.length}.`,
    );
  }
  const byKey = new Map<string, string>();
  for (const entry of list) {
    if (!entry.key) throw MlflowError.invalidParameter(`${label} key must be a non-empty string.`);
    const value = entry.value ?? "";
    validateLength(`${label} key`, loggedModelLimits.keyLength, entry.key);
    validateLength(
      `${label} value`,
      kind === "param" ? loggedModelLimits.paramValueLength : loggedModelLimits.tagValueLength,
      value,
    );
    byKey.set(entry.key, value);
  }
  return [...byKey].map(([key, value]) => ({ key, value }));
}
