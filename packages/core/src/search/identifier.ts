import { invalid, pyList, pySet, snippet } from "./errors";

/**
 * How MLflow reads `<entity>.<key>`: split the source text at its first dot (quotes and all, so
 * `tags.mlflow.runName` has the key `mlflow.runName` and "`metrics.A`" has the entity "`metrics"),
 * take backticks off the entity, and quotes then backticks off the key. No dot: an attribute.
 */

export type RunEntityType = "metric" | "parameter" | "tag" | "attribute" | "dataset";
export type ExperimentEntityType = "attribute" | "tag";

function isQuotedWith(text: string, quote: string): boolean {
  return text.length >= 2 && text.startsWith(quote) && text.endsWith(quote);
}

function trimBackticks(text: string): string {
  return isQuotedWith(text, "`") ? text.slice(1, -1) : text;
}

function stripQuotes(text: string): string {
  return isQuotedWith(text, "'") || isQuotedWith(text, '"') ? text.slice(1, -1) : text;
}

export function splitIdentifier(raw: string): { entity?: string; key: string } {
  const dot = raw.indexOf(".");
  const key = trimBackticks(stripQuotes(dot === -1 ? raw : raw.slice(dot + 1)));
  return dot === -1 ? { key } : { entity: raw.slice(0, dot), key };
}

const RUN_ENTITY_ALIASES: Record<string, RunEntityType> = {
  metric: "metric",
  metrics: "metric",
  parameter: "parameter",
  parameters: "parameter",
  param: "parameter",
  params: "parameter",
  tag: "tag",
  tags: "tag",
  attribute: "attribute",
  attributes: "attribute",
  attr: "attribute",
  run: "attribute",
  dataset: "dataset",
  datasets: "dataset",
};

const RUN_ENTITY_TYPES: RunEntityType[] = ["metric", "parameter", "tag", "attribute", "dataset"];

/** Run attributes as MLflow names them in filters, aliases included. */
export const RUN_FILTER_ATTRIBUTES = [
  "artifact_uri",
  "end_time",
  "run_id",
  "run_name",
  "start_time",
  "status",
  "user_id",
  "created",
  "Created",
  "run name",
  "Run name",
  "Run Name",
] as const;

/** Orderable run attributes: the searchable ones plus `created`, but not the run-name aliases. */
export const RUN_ORDER_BY_ATTRIBUTES = RUN_FILTER_ATTRIBUTES.filter((key) => !/ /.test(key));

export const DATASET_KEYS = ["name", "digest", "context"] as const;

/** MLflow's aliases: `created` is start_time and "run name" is run_name. */
export function canonicalRunAttribute(key: string): string {
  if (key === "created" || key === "Created") return "start_time";
  if (key === "run name" || key === "Run name" || key === "Run Name") return "run_name";
  return key;
}

function checkAttributeKey(key: string, valid: readonly string[]): void {
  if (!valid.includes(key)) {
    throw invalid(`Invalid attribute key '${snippet(key)}' specified. Valid keys are '${pySet(valid)}'`);
  }
}

/** Resolves a run filter or order_by identifier; the key is returned as written (no aliasing). */
export function resolveRunIdentifier(
  raw: string,
  validAttributes: readonly string[],
): { type: RunEntityType; key: string } {
  const { entity, key } = splitIdentifier(raw);
  let type: RunEntityType = "attribute";
  if (entity !== undefined) {
    const name = trimBackticks(entity);
    const resolved = Object.hasOwn(RUN_ENTITY_ALIASES, name) ? RUN_ENTITY_ALIASES[name] : undefined;
    if (resolved === undefined) {
      throw invalid(`Invalid entity type '${snippet(name)}'. Valid values are ${pyList(RUN_ENTITY_TYPES)}`);
    }
    type = resolved;
  }
  if (type === "attribute") checkAttributeKey(key, validAttributes);
  if (type === "dataset" && !(DATASET_KEYS as readonly string[]).includes(key)) {
    throw invalid(`Invalid dataset key '${snippet(key)}' specified. Valid keys are '${pySet(DATASET_KEYS)}'`);
  }
  return { type, key };
}

// MLflow checks the entity as written here, so "`tag`.x" and "attributes.name" are rejected.
const EXPERIMENT_ENTITIES = ["attribute", "tag", "tags"];

export function resolveExperimentIdentifier(
  raw: string,
  validAttributes: readonly string[],
): { type: ExperimentEntityType; key: string } {
  const { entity, key } = splitIdentifier(raw);
  let type: ExperimentEntityType = "attribute";
  if (entity !== undefined) {
    if (!EXPERIMENT_ENTITIES.includes(entity)) {
      throw invalid(
        `Invalid entity type '${snippet(entity)}'. Valid entity types are ('attribute', 'tag', 'tags')`,
      );
    }
    type = entity === "attribute" ? "attribute" : "tag";
  }
  if (type === "attribute") checkAttributeKey(key, validAttributes);
  return { type, key };
}
