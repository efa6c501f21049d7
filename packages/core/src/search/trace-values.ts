import { spans } from "@edgeflow/schema";
import { type SQL, sql } from "drizzle-orm";
import { type Condition, conditionSql } from "./condition";

/**
 * Values trace filters compare that are stored as JSON: assessment values (MLflow keeps
 * json.dumps(value), so `true`, `5`, `"yes"`) and span attributes (MLflow's own attributes
 * hold JSON text too, e.g. mlflow.spanType = `"LLM"`). Equality matches the value as written
 * or as a JSON string, as MLflow 3.11's _get_sql_json_comparison_func does; LIKE and IN see
 * the stored text.
 */
export function valueMatches(value: SQL, condition: Condition): SQL {
  if (condition.comparator !== "=" && condition.comparator !== "!=") return conditionSql(value, condition);
  const asJson = JSON.stringify(condition.value);
  const either = sql`(${value} = ${condition.value} OR ${value} = ${asJson})`;
  return condition.comparator === "=" ? either : sql`NOT ${either}`;
}

/**
 * A span attribute's value as text, read from the span's stored OTLP JSON (spans kept in the
 * artifact bucket for their size have no content in D1, and so never match).
 */
export function spanAttributeValue(name: string): SQL {
  return sql`(SELECT COALESCE(a.value ->> '$.value.string_value', a.value ->> '$.value.int_value', a.value -> '$.value.double_value', a.value -> '$.value.bool_value') FROM json_each(${spans.content}, '$.attributes') AS a WHERE a.value ->> '$.key' = ${name} LIMIT 1)`;
}
