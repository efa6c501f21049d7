import { type ClauseOptions, parseClauses, type RawClause } from "./clauses";
import {
  type Condition,
  NUMERIC_COMPARATORS,
  STRING_COMPARATORS,
  toCondition,
  type ValueRules,
} from "./condition";
import { invalid } from "./errors";
import {
  canonicalRunAttribute,
  RUN_FILTER_ATTRIBUTES,
  type RunEntityType,
  resolveExperimentIdentifier,
  resolveRunIdentifier,
} from "./identifier";

/**
 * Filter strings for search_runs and search_experiments, parsed into clauses that are ANDed.
 * Keys are canonical: run attribute aliases (`created`, "run name") are resolved.
 */

/** Long enough for hundreds of run ids in an IN list; bounded so parsing stays cheap. */
export const MAX_FILTER_LENGTH = 20_000;
/** Far more than any real search; keeps compiled statements well inside D1's limits. */
export const MAX_FILTER_CLAUSES = 100;

export type RunFilterClause = { type: RunEntityType; key: string } & Condition;
export type ExperimentFilterClause = { type: "attribute" | "tag"; key: string } & Condition;

const RUN_NUMERIC_ATTRIBUTES = ["start_time", "end_time"];
const EXPERIMENT_ATTRIBUTES = ["name", "creation_time", "last_update_time"];
const EXPERIMENT_NUMERIC_ATTRIBUTES = ["creation_time", "last_update_time"];

/** Splits a filter into raw clauses within the length and clause-count limits. */
export function clausesOf(filter: string | null | undefined, options: ClauseOptions = {}): RawClause[] {
  if (filter === undefined || filter === null) return [];
  if (filter.length > MAX_FILTER_LENGTH) {
    throw invalid(
      `The filter string is too long: ${filter.length} characters, more than the maximum of ${MAX_FILTER_LENGTH}.`,
    );
  }
  const clauses = parseClauses(filter, options);
  if (clauses.length > MAX_FILTER_CLAUSES) {
    throw invalid(
      `The filter has ${clauses.length} clauses, more than the maximum of ${MAX_FILTER_CLAUSES}.`,
    );
  }
  return clauses;
}

export const numericAttribute = (key: string): ValueRules => ({
  kind: "numeric",
  comparators: NUMERIC_COMPARATORS,
  typeError: (text) => `Expected numeric value type for numeric attribute: ${key}. Found ${text}`,
});

function runRules(type: RunEntityType, key: string): ValueRules {
  switch (type) {
    case "metric":
      return {
        kind: "numeric",
        comparators: NUMERIC_COMPARATORS,
        typeError: (text) => `Expected numeric value type for metric. Found ${text}`,
      };
    case "parameter":
    case "tag":
      return {
        kind: "string",
        comparators: STRING_COMPARATORS,
        typeError: (text) =>
          `Expected a quoted string value for ${type} (e.g. 'my-value'). Got value ${text}`,
      };
    case "dataset":
      return {
        kind: "string",
        comparators: STRING_COMPARATORS,
        typeError: (text) => `Expected a quoted string value for dataset attributes. Got value ${text}`,
      };
    case "attribute":
      if (RUN_NUMERIC_ATTRIBUTES.includes(canonicalRunAttribute(key))) return numericAttribute(key);
      return {
        kind: "string",
        comparators: STRING_COMPARATORS,
        typeError: (text) => `Expected a quoted string value for attributes. Got value ${text}`,
      };
  }
}

/** Parses a search_runs filter; `undefined` or blank means no clauses. */
export function parseRunFilter(filter: string | null | undefined): RunFilterClause[] {
  return clausesOf(filter).map((clause) => {
    const { type, key } = resolveRunIdentifier(clause.identifier, RUN_FILTER_ATTRIBUTES);
    const condition = toCondition(clause, runRules(type, key));
    return { type, key: type === "attribute" ? canonicalRunAttribute(key) : key, ...condition };
  });
}

function experimentRules(type: "attribute" | "tag", key: string): ValueRules {
  if (type === "tag") {
    return {
      kind: "string",
      comparators: STRING_COMPARATORS,
      typeError: (text) => `Expected a quoted string value for tag (e.g. 'my-value'). Got value ${text}`,
      comparatorError: (comparator) => `Invalid comparator for tag: ${comparator}`,
    };
  }
  if (EXPERIMENT_NUMERIC_ATTRIBUTES.includes(key)) return numericAttribute(key);
  return {
    kind: "string",
    comparators: STRING_COMPARATORS,
    typeError: (text) => `Expected a quoted string value for attributes. Got value ${text}`,
  };
}

/** Parses a search_experiments filter: attributes name, creation_time, last_update_time and tags. */
export function parseExperimentFilter(filter: string | null | undefined): ExperimentFilterClause[] {
  return clausesOf(filter).map((clause) => {
    const { type, key } = resolveExperimentIdentifier(clause.identifier, EXPERIMENT_ATTRIBUTES);
    return { type, key, ...toCondition(clause, experimentRules(type, key)) };
  });
}
