import { invalid, pyList, snippet } from "./errors";
import {
  canonicalRunAttribute,
  RUN_ORDER_BY_ATTRIBUTES,
  resolveExperimentIdentifier,
  resolveRunIdentifier,
} from "./identifier";
import { tokenize } from "./tokenizer";

/**
 * order_by entries: `<identifier> [ASC|DESC]`, ascending by default. Like MLflow, leading or
 * trailing blanks make an entry unparseable.
 */

/** Each non-attribute key joins one table; SQLite joins at most 64, and D1 binds 100 parameters. */
export const MAX_ORDER_BY_KEYS = 20;
export const MAX_ORDER_BY_LENGTH = 1_000;

export type RunOrderKey = {
  type: "metric" | "parameter" | "tag" | "attribute";
  key: string;
  ascending: boolean;
};

export type ExperimentOrderKey = {
  key: "name" | "experiment_id" | "creation_time" | "last_update_time";
  ascending: boolean;
};

const EXPERIMENT_ORDER_BY_ATTRIBUTES = [
  "name",
  "experiment_id",
  "creation_time",
  "last_update_time",
] as const;
const EXPERIMENT_DEFAULT_ORDER = ["creation_time DESC", "experiment_id ASC"];
const BARE_WORD = /^[\p{L}_][\p{L}\p{N}_$]*$/u;

export function splitEntry(entry: unknown): { identifier: string; ascending: boolean } {
  if (typeof entry !== "string")
    throw invalid(`Invalid order_by clause '${String(entry)}'. Could not be parsed.`);
  if (entry.length > MAX_ORDER_BY_LENGTH) {
    throw invalid(
      `Invalid order_by clause '${snippet(entry)}': longer than ${MAX_ORDER_BY_LENGTH} characters.`,
    );
  }
  const unparseable = invalid(`Invalid order_by clause '${entry}'. Could not be parsed.`);
  if (entry === "" || entry !== entry.trim()) throw unparseable;
  const [identifier, direction, ...rest] = tokenize(entry);
  if (identifier?.kind !== "identifier" || rest.length > 0) throw unparseable;
  if (direction === undefined) return { identifier: identifier.text, ascending: true };
  if (
    direction.kind !== "identifier" ||
    !BARE_WORD.test(direction.text) ||
    direction.start === identifier.end
  ) {
    throw unparseable;
  }
  const word = direction.text.toLowerCase();
  if (word !== "asc" && word !== "desc") throw invalid(`Invalid ordering key in order_by clause '${entry}'.`);
  return { identifier: identifier.text, ascending: word === "asc" };
}

export function checkCount(orderBy: readonly unknown[]): void {
  if (orderBy.length > MAX_ORDER_BY_KEYS) {
    throw invalid(
      `Too many order_by entries: ${orderBy.length}. At most ${MAX_ORDER_BY_KEYS} are supported.`,
    );
  }
}

/** search_runs order_by; attribute keys are canonical (`created` is start_time). */
export function parseRunOrderBy(orderBy: readonly string[] | null | undefined): RunOrderKey[] {
  if (!orderBy) return [];
  checkCount(orderBy);
  const seen = new Set<string>();
  return orderBy.map((entry) => {
    const { identifier, ascending } = splitEntry(entry);
    const { type, key } = resolveRunIdentifier(identifier, RUN_ORDER_BY_ATTRIBUTES);
    if (type === "dataset") throw invalid(`Invalid identifier type '${type}'`);
    const canonical = type === "attribute" ? canonicalRunAttribute(key) : key;
    const field = JSON.stringify([type, canonical]);
    if (seen.has(field)) throw invalid(`\`order_by\` contains duplicate fields: ${pyList(orderBy)}`);
    seen.add(field);
    return { type, key: canonical, ascending };
  });
}

/**
 * search_experiments order_by, with MLflow's default (creation_time DESC, experiment_id ASC) and
 * its tie-breaker: experiment_id DESC when experiment_id is not named. MLflow does not reject
 * duplicate keys here, so neither does this.
 */
export function parseExperimentOrderBy(orderBy: readonly string[] | null | undefined): ExperimentOrderKey[] {
  const entries = orderBy && orderBy.length > 0 ? orderBy : EXPERIMENT_DEFAULT_ORDER;
  checkCount(entries);
  const keys = entries.map((entry): ExperimentOrderKey => {
    const { identifier, ascending } = splitEntry(entry);
    const { type, key } = resolveExperimentIdentifier(identifier, EXPERIMENT_ORDER_BY_ATTRIBUTES);
    if (type !== "attribute") throw invalid(`Invalid order_by entity: ${type}`);
    return { key: key as ExperimentOrderKey["key"], ascending };
  });
  if (!keys.some((entry) => entry.key === "experiment_id"))
    keys.push({ key: "experiment_id", ascending: false });
  return keys;
}
