import {
  datasets,
  inputs,
  inputTags,
  latestMetrics,
  params,
  runs,
  tags,
  type ViewType,
} from "@edgeflow/schema";
import { type SQL, type SQLWrapper, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import { jsonValues } from "../json-rows";
import { conditionSql } from "./condition";
import { invalid } from "./errors";
import { parseRunFilter, type RunFilterClause } from "./filter";
import { parseRunOrderBy, type RunOrderKey } from "./order-by";
import { andAll, checkStatement, pageClause } from "./statement";
import { lifecycleCondition } from "./view-type";

export interface RunSearchQuery {
  experimentIds: readonly number[];
  filter?: string | null;
  viewType: ViewType;
  orderBy?: string[] | null;
  offset: number;
  limit: number;
}

const RUN_NAME_TAG = "mlflow.runName";
const DATASET_CONTEXT_TAG = "mlflow.data.context";

/** Constant strings are written into the SQL text: D1's 100 parameters are kept for user input. */
const literal = (text: string) => sql.raw(`'${text.replaceAll("'", "''")}'`);

const ATTRIBUTE_COLUMNS: Record<string, SQLWrapper> = {
  run_id: runs.runUuid,
  // Ordering uses the column, as MLflow does; filtering on run_name goes through the tag below.
  run_name: runs.name,
  user_id: runs.userId,
  status: runs.status,
  start_time: runs.startTime,
  end_time: runs.endTime,
  artifact_uri: runs.artifactUri,
};

function attributeColumn(key: string): SQLWrapper {
  const column = Object.hasOwn(ATTRIBUTE_COLUMNS, key) ? ATTRIBUTE_COLUMNS[key] : undefined;
  if (column === undefined) throw invalid(`Invalid attribute key '${key}' specified.`);
  return column;
}

/** `runs.run_uuid IN (subquery)`: the subquery runs on the (key, value) index of its table. */
const runIn = (subquery: SQL) => sql`${runs.runUuid} IN (${subquery})`;

const inputsOfRuns = sql`${inputs.sourceType} = 'DATASET' AND ${inputs.destinationType} = 'RUN'`;

function filterSql(clause: RunFilterClause): SQL {
  switch (clause.type) {
    case "metric":
      // NaN is stored as 0 with is_nan set; it must not satisfy any comparison.
      return runIn(
        sql`SELECT ${latestMetrics.runUuid} FROM ${latestMetrics} WHERE ${latestMetrics.key} = ${clause.key} AND ${latestMetrics.isNan} = 0 AND ${conditionSql(latestMetrics.value, clause)}`,
      );
    case "parameter":
      return runIn(
        sql`SELECT ${params.runUuid} FROM ${params} WHERE ${params.key} = ${clause.key} AND ${conditionSql(params.value, clause)}`,
      );
    case "tag":
      return runIn(
        sql`SELECT ${tags.runUuid} FROM ${tags} WHERE ${tags.key} = ${clause.key} AND ${conditionSql(tags.value, clause)}`,
      );
    case "attribute":
      if (clause.key === "run_name") {
        // Runs logged by MLflow <= 1.29 have no name column value, only the tag; MLflow filters on the tag.
        return runIn(
          sql`SELECT ${tags.runUuid} FROM ${tags} WHERE ${tags.key} = ${literal(RUN_NAME_TAG)} AND ${conditionSql(tags.value, clause)}`,
        );
      }
      return conditionSql(attributeColumn(clause.key), clause);
    case "dataset":
      if (clause.key === "context") {
        return runIn(
          sql`SELECT ${inputs.destinationId} FROM ${inputs} JOIN ${inputTags} ON ${inputTags.inputUuid} = ${inputs.inputUuid} WHERE ${inputsOfRuns} AND ${inputTags.name} = ${literal(DATASET_CONTEXT_TAG)} AND ${conditionSql(inputTags.value, clause)}`,
        );
      }
      return runIn(
        sql`SELECT ${inputs.destinationId} FROM ${inputs} JOIN ${datasets} ON ${datasets.datasetUuid} = ${inputs.sourceId} WHERE ${inputsOfRuns} AND ${conditionSql(clause.key === "name" ? datasets.name : datasets.digest, clause)}`,
      );
  }
}

const ENTITY_TABLES = { metric: latestMetrics, parameter: params, tag: tags } as const;

/**
 * MLflow's run order: per key, a rank that puts missing values (and NaN metrics) last in both
 * directions, then the value; then start_time DESC unless ordered on; then run_uuid.
 */
function orderSql(keys: RunOrderKey[]): { joins: SQL[]; order: SQL[] } {
  const joins: SQL[] = [];
  const order: SQL[] = [];
  keys.forEach((entry, index) => {
    const direction = sql.raw(entry.ascending ? "ASC" : "DESC");
    if (entry.type === "attribute") {
      const column = attributeColumn(entry.key);
      order.push(sql`CASE WHEN ${column} IS NULL THEN 1 ELSE 0 END ASC`, sql`${column} ${direction}`);
      return;
    }
    // Joined on the (run_uuid, key) primary key: at most one row per run, so no duplicates.
    const name = `order_${index}`;
    const table = alias(ENTITY_TABLES[entry.type], name);
    // An alias renders as its bare name, so the FROM item names the real table itself.
    const from = sql`${ENTITY_TABLES[entry.type]} AS ${sql.identifier(name)}`;
    joins.push(sql` LEFT JOIN ${from} ON ${table.runUuid} = ${runs.runUuid} AND ${table.key} = ${entry.key}`);
    const rank =
      "isNan" in table
        ? sql`CASE WHEN ${table.isNan} = 1 THEN 1 WHEN ${table.value} IS NULL THEN 2 ELSE 0 END`
        : sql`CASE WHEN ${table.value} IS NULL THEN 1 ELSE 0 END`;
    order.push(sql`${rank} ASC`, sql`${table.value} ${direction}`);
  });
  if (!keys.some((entry) => entry.type === "attribute" && entry.key === "start_time")) {
    order.push(sql`${runs.startTime} DESC`);
  }
  order.push(sql`${runs.runUuid} ASC`);
  return { joins, order };
}

/**
 * The run ids matching a search_runs request, in MLflow's order, one page of them: a statement
 * selecting one column, `run_uuid`. Throws INVALID_PARAMETER_VALUE for any bad input, including
 * searches too complex for D1's statement limits.
 */
export function compileRunSearch(query: RunSearchQuery): SQL {
  if (!Array.isArray(query.experimentIds) || !query.experimentIds.every(Number.isSafeInteger)) {
    throw invalid("Experiment ids must be integers.");
  }
  const clauses = parseRunFilter(query.filter);
  const { joins, order } = orderSql(parseRunOrderBy(query.orderBy));
  const where = [
    sql`${runs.experimentId} IN ${jsonValues(query.experimentIds)}`,
    lifecycleCondition(runs.lifecycleStage, query.viewType),
    ...clauses.map(filterSql),
  ].filter((condition) => condition !== undefined);
  return checkStatement(
    sql`SELECT ${runs.runUuid} AS "run_uuid" FROM ${runs}${sql.join(joins)} WHERE ${andAll(where)} ORDER BY ${sql.join(order, sql`, `)} ${pageClause(query.offset, query.limit)}`,
  );
}
