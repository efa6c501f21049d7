import { type SQL, type SQLWrapper, sql } from "drizzle-orm";
import { jsonValues } from "../json-rows";
import type { RawClause, RawValue } from "./clauses";
import { invalid, pySet, snippet } from "./errors";
import { classifyLike, type LikeShape, likeSql } from "./like";
import { isDoubleQuoted } from "./tokenizer";

export const NUMERIC_COMPARATORS = ["=", "!=", "<", "<=", ">", ">="] as const;
export const STRING_COMPARATORS = ["=", "!=", "LIKE", "ILIKE", "IN", "NOT IN"] as const;

export type NumericComparator = (typeof NUMERIC_COMPARATORS)[number];
export type Comparator = NumericComparator | (typeof STRING_COMPARATORS)[number];

/** What one clause asks of a value: a comparator and its typed operand. */
export type Condition =
  | { comparator: NumericComparator; value: number }
  | { comparator: "=" | "!="; value: string }
  | { comparator: "LIKE" | "ILIKE"; value: string; like: LikeShape }
  | { comparator: "IN" | "NOT IN"; value: string[] };

export interface ValueRules {
  kind: "numeric" | "string";
  comparators: readonly Comparator[];
  /** MLflow's message for a value of the wrong type, given the value as written. */
  typeError: (text: string) => string;
  /** MLflow's message for a comparator not in `comparators`. */
  comparatorError?: (comparator: string) => string;
}

/** ±Infinity are stored as ±Number.MAX_VALUE, and D1 cannot bind infinities anyway. */
function finite(value: number): number {
  if (value === Number.POSITIVE_INFINITY) return Number.MAX_VALUE;
  if (value === Number.NEGATIVE_INFINITY) return -Number.MAX_VALUE;
  return value;
}

function quotedString(value: RawValue, rules: ValueRules): string {
  if (value.kind === "string") return value.value;
  if (value.kind === "identifier") {
    if (isDoubleQuoted(value.text)) return value.text.slice(1, -1);
    throw invalid(
      `Parameter value is either not quoted or unidentified quote types used for string value ${snippet(value.text)}. Use either single or double quotes.`,
    );
  }
  throw invalid(rules.typeError(snippet(value.text)));
}

function stringList(value: Extract<RawValue, { kind: "list" }>): string[] {
  const prefix = "While parsing a list in the query,";
  if (value.elements.length === 0) {
    throw invalid(`${prefix} expected a non-empty list of string values, but got empty list`);
  }
  if (!value.wellFormed) {
    throw invalid(`${prefix} expected a non-empty list of string values, but got ill-formed list.`);
  }
  return value.elements.map((element) => {
    if (element.kind === "string") return element.text.slice(1, -1);
    if (element.kind === "identifier" && isDoubleQuoted(element.text)) return element.text.slice(1, -1);
    throw invalid(
      `${prefix} expected string value, punctuation, or whitespace, but got different type in list: ${snippet(value.text)}`,
    );
  });
}

/**
 * Types a clause's value and comparator, in MLflow's order: the value's type first, then the
 * comparator. IN and NOT IN take a list and nothing else does.
 */
export function toCondition(clause: RawClause, rules: ValueRules): Condition {
  const { value } = clause;
  let operand: number | string | string[];
  if (rules.kind === "numeric") {
    if (value.kind !== "number") throw invalid(rules.typeError(snippet(value.text)));
    operand = finite(value.value);
  } else {
    operand = value.kind === "list" ? stringList(value) : quotedString(value, rules);
  }
  const comparator = rules.comparators.find((candidate) => candidate === clause.comparator);
  if (comparator === undefined) {
    const message = rules.comparatorError?.(clause.comparator);
    throw invalid(
      message ?? `Invalid comparator '${clause.comparator}' not one of '${pySet(rules.comparators)}'`,
    );
  }
  if (comparator === "IN" || comparator === "NOT IN") {
    if (!Array.isArray(operand)) {
      throw invalid(
        `${comparator} expects a parenthesised list of quoted strings such as ('a', 'b'); got ${snippet(value.text)}`,
      );
    }
    return { comparator, value: operand };
  }
  if (Array.isArray(operand)) throw invalid(rules.typeError(snippet(value.text)));
  if (typeof operand === "number") return { comparator: comparator as NumericComparator, value: operand };
  if (comparator === "LIKE" || comparator === "ILIKE") {
    return { comparator, value: operand, like: classifyLike(operand, comparator === "ILIKE") };
  }
  return { comparator: comparator as "=" | "!=", value: operand };
}

export function conditionSql(column: SQLWrapper, condition: Condition): SQL {
  switch (condition.comparator) {
    case "LIKE":
    case "ILIKE":
      return likeSql(column, condition.like, condition.comparator === "ILIKE");
    case "IN":
      return sql`${column} IN ${jsonValues(condition.value)}`;
    case "NOT IN":
      return sql`${column} NOT IN ${jsonValues(condition.value)}`;
    default:
      // The comparator is one of a fixed set, so it can be written into the SQL text.
      return sql`${column} ${sql.raw(condition.comparator)} ${condition.value}`;
  }
}
