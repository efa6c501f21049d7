import { badRequest } from "./errors";

/**
 * A model named in a URL or an OpenAI "model" field: a registered model's version by number or
 * by alias, or an MLflow 3 logged model by its id (what `models:/<model_id>` names).
 */
export type ModelRef =
  | { name: string; version: number }
  | { name: string; alias: string }
  | { modelId: string };

/** A logged model's id, as MLflow 3 mints them. */
const LOGGED_MODEL_ID = /^m-[0-9a-f]{32}$/;

export function describeRef(ref: ModelRef): string {
  if ("modelId" in ref) return ref.modelId;
  return "alias" in ref ? `${ref.name}@${ref.alias}` : `${ref.name}/${ref.version}`;
}

/**
 * "<name>/<version>", "<name>@<alias>" or "m-<32 hex>" (the path between /models/ and the
 * endpoint, decoded once). Names may hold "/" and "@": the version is the last segment, the alias
 * what follows the last "@". A bare name is never a version, so a logged model's id is unambiguous.
 */
export function parseModelRef(raw: string): ModelRef {
  if (LOGGED_MODEL_ID.test(raw)) return { modelId: raw };
  const byVersion = /^(.+)\/(\d{1,15})$/.exec(raw);
  if (byVersion) return { name: byVersion[1] as string, version: Number(byVersion[2]) };
  const at = raw.lastIndexOf("@");
  if (at > 0 && at < raw.length - 1) {
    const alias = raw.slice(at + 1);
    if (/^[\w-]+$/.test(alias)) return { name: raw.slice(0, at), alias };
  }
  throw badRequest(
    `'${raw}' does not name a model version: use '<name>/<version>', '<name>@<alias>' or a logged model's id ('m-<32 hex>').`,
  );
}
