import type { RawClause, RawValue } from "./clauses";
import { type Condition, NUMERIC_COMPARATORS, toCondition, type ValueRules } from "./condition";
import { invalid, pySet, snippet } from "./errors";
import { clausesOf, numericAttribute } from "./filter";
import { resolveExperimentIdentifier } from "./identifier";

/**
 * Filters for search_registered_models and search_model_versions (MLflow's SearchModelUtils and
 * SearchModelVersionUtils with its SQL store's checks). Identifiers are `<key>`, `attribute.<key>`
 * or `tag(s).<key>`, as for experiments. Values are checked before comparators, in MLflow's order.
 */

export type RegistryFilterClause = { type: "attribute" | "tag"; key: string } & Condition;

const REGISTERED_MODEL_ATTRIBUTES = ["name"] as const;
const MODEL_VERSION_ATTRIBUTES = ["name", "run_id", "source_path", "version_number"] as const;
/** As MLflow names them in its message (only version_number is searchable). */
const MODEL_VERSION_NUMERIC_ATTRIBUTES = ["creation_timestamp", "version_number", "last_updated_timestamp"];
const TAG_COMPARATORS = ["=", "!=", "LIKE", "ILIKE"] as const;

const tagRules: ValueRules = {
  kind: "string",
  comparators: TAG_COMPARATORS,
  typeError: (text) => `Expected a quoted string value for tag (e.g. 'my-value'). Got value ${text}`,
  comparatorError: (comparator) => `Invalid comparator for tag: ${comparator}`,
};

/** run_id alone compares with lists, and only with IN (MLflow has no NOT IN here). */
const stringAttributeRules = (key: string): ValueRules => ({
  kind: "string",
  comparators: key === "run_id" ? [...TAG_COMPARATORS, "IN"] : TAG_COMPARATORS,
  typeError: (text) =>
    `Expected a quoted string value or a list of quoted string values for attributes. Got value ${text}`,
  comparatorError: (comparator) => `Invalid comparator for attribute: ${comparator}`,
});

const numericAttributeRules = (key: string): ValueRules => ({
  ...numericAttribute(key),
  comparators: NUMERIC_COMPARATORS,
  comparatorError: (comparator) => `Invalid comparator for attribute ${key}: ${comparator}`,
});

/** MLflow compares `version_number = '3'` as a number too (the column is an integer). */
function numericStringAsNumber(value: RawValue): RawValue {
  if (value.kind !== "string" || !/^\s*-?\d+(\.\d+)?\s*$/.test(value.value)) return value;
  return { kind: "number", value: Number(value.value), text: value.text };
}

function attributeClause(clause: RawClause, key: string, numeric: readonly string[]): Condition {
  const { value } = clause;
  if (value.kind === "list" && key !== "run_id") {
    throw invalid("Only the 'run_id' attribute supports comparison with a list of quoted string values.");
  }
  if (numeric.includes(key)) {
    return toCondition({ ...clause, value: numericStringAsNumber(value) }, numericAttributeRules(key));
  }
  if (value.kind === "number" && numeric.length > 0) {
    throw invalid(
      `Only the '${pySet(MODEL_VERSION_NUMERIC_ATTRIBUTES)}' attributes support comparison with numeric values.`,
    );
  }
  return toCondition(clause, stringAttributeRules(key));
}

function registryClauses(
  filter: string | null | undefined,
  attributes: readonly string[],
  numeric: readonly string[],
): RegistryFilterClause[] {
  return clausesOf(filter).map((clause) => {
    const { type, key } = resolveExperimentIdentifier(clause.identifier, attributes);
    if (type === "tag") {
      if (clause.value.kind === "list") throw invalid(tagRules.typeError(snippet(clause.value.text)));
      return { type, key, ...toCondition(clause, tagRules) };
    }
    return { type, key, ...attributeClause(clause, key, numeric) };
  });
}

/** search_registered_models: `name` (=, !=, LIKE, ILIKE) and tags. */
export function parseRegisteredModelFilter(filter: string | null | undefined): RegistryFilterClause[] {
  return registryClauses(filter, REGISTERED_MODEL_ATTRIBUTES, []);
}

/** search_model_versions: name, run_id (also IN), source_path, version_number (numeric) and tags. */
export function parseModelVersionFilter(filter: string | null | undefined): RegistryFilterClause[] {
  return registryClauses(filter, MODEL_VERSION_ATTRIBUTES, ["version_number"]);
}
