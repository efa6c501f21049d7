import { loggedModelMetrics, loggedModelParams, loggedModels, loggedModelTags } from "@edgeflow/schema";
import { type SQL, type SQLWrapper, sql } from "drizzle-orm";
import { jsonValues } from "../json-rows";
import type { RawClause } from "./clauses";
import {
  type Condition,
  conditionSql,
  NUMERIC_COMPARATORS,
  STRING_COMPARATORS,
  toCondition,
  type ValueRules,
} from "./condition";
import { invalid, snippet } from "./errors";
import { clausesOf } from "./filter";
import { splitIdentifier } from "./identifier";
import { checkCount } from "./order-by";
import { andAll, checkStatement, pageClause } from "./statement";

/**
 * search_logged_models (MLflow 3's search_logged_model_utils and its SQL store): the run search's
 * grammar (one tokenizer, one clause parser, one value typer) over the logged-model vocabulary:
 * `metrics.<key>`, `params.<key>`, `tags.<key>`, `attributes.<key>` or a bare attribute.
 * Metric clauses match any point logged for the key (optionally on the request's datasets);
 * ordering by a metric uses its latest point, as MLflow's store does.
 */

export type LoggedModelEntityType = "metric" | "param" | "tag" | "attribute";
export type LoggedModelFilterClause = { type: LoggedModelEntityType; key: string } & Condition;

export interface DatasetFilter {
  name: string;
  digest?: string;
}

export interface LoggedModelOrderKey {
  fieldName: string;
  ascending: boolean;
  datasetName?: string;
  datasetDigest?: string;
}

export interface LoggedModelSearchQuery {
  experimentIds: readonly number[];
  filter?: string | null;
  datasets?: readonly DatasetFilter[];
  orderBy?: readonly LoggedModelOrderKey[];
  offset: number;
  limit: number;
  /** With auth on, a caller's read scope over experiments (ANDed in). */
  visible?: (experimentId: SQLWrapper) => SQL;
}

/** MLflow's entity words are exactly these, lower-case (its identifier regex is `[a-z]+\.`). */
const ENTITIES: Record<string, LoggedModelEntityType> = {
  metrics: "metric",
  params: "param",
  tags: "tag",
  attributes: "attribute",
};

/** MLflow's attribute aliases (SqlLoggedModel.ALIASES). */
const ALIASES: Record<string, string> = {
  creation_time: "creation_timestamp_ms",
  creation_timestamp: "creation_timestamp_ms",
  last_updated_timestamp: "last_updated_timestamp_ms",
};

const ATTRIBUTE_COLUMNS: Record<string, SQLWrapper> = {
  model_id: loggedModels.modelId,
  experiment_id: loggedModels.experimentId,
  name: loggedModels.name,
  artifact_location: loggedModels.artifactLocation,
  creation_timestamp_ms: loggedModels.creationTimestampMs,
  last_updated_timestamp_ms: loggedModels.lastUpdatedTimestampMs,
  status: loggedModels.status,
  model_type: loggedModels.modelType,
  source_run_id: loggedModels.sourceRunId,
  status_message: loggedModels.statusMessage,
};
const NUMERIC_ATTRIBUTES = ["creation_timestamp_ms", "last_updated_timestamp_ms"];

function attributeColumn(key: string, error: () => Error): SQLWrapper {
  const column = Object.hasOwn(ATTRIBUTE_COLUMNS, key) ? ATTRIBUTE_COLUMNS[key] : undefined;
  if (column === undefined) throw error();
  return column;
}

const trimBackticks = (text: string) => text.replace(/^`+|`+$/g, "");

/** `<entity>.<key>` when the entity is a lower-case word, else a (possibly aliased) attribute. */
export function resolveLoggedModelIdentifier(raw: string): { type: LoggedModelEntityType; key: string } {
  const dotted = /^([a-z]+)\.(.+)$/.exec(raw);
  if (dotted) {
    const entity = dotted[1] as string;
    const type = Object.hasOwn(ENTITIES, entity) ? ENTITIES[entity] : undefined;
    if (type === undefined) {
      throw invalid(
        `Invalid entity type: '${snippet(entity)}'. Expected one of ['attributes', 'metrics', 'params', 'tags'].`,
      );
    }
    const { key } = splitIdentifier(raw);
    const bare = trimBackticks(key);
    return { type, key: type === "attribute" ? (ALIASES[bare] ?? bare) : bare };
  }
  const bare = trimBackticks(splitIdentifier(raw).key);
  return { type: "attribute", key: ALIASES[bare] ?? bare };
}

function isNumeric(type: LoggedModelEntityType, key: string): boolean {
  return type === "metric" || (type === "attribute" && NUMERIC_ATTRIBUTES.includes(key));
}

function rules(type: LoggedModelEntityType, key: string): ValueRules {
  const entity = `${type === "param" ? "params" : `${type}s`}.${key}`;
  const comparatorError = (op: string) =>
    `Invalid comparison operator for ${entity}: '${op}'. Expected one of ('=', '!=', 'LIKE', 'ILIKE', 'IN', 'NOT IN').`;
  return isNumeric(type, key)
    ? {
        kind: "numeric",
        comparators: NUMERIC_COMPARATORS,
        typeError: (text) => `Expected a numeric value for ${entity}. Found ${text}`,
        comparatorError,
      }
    : {
        kind: "string",
        comparators: STRING_COMPARATORS,
        typeError: (text) =>
          `Expected a quoted string value for ${entity} (e.g. 'my-value'). Got value ${text}`,
        comparatorError,
      };
}

/** Parses a search_logged_models filter; `undefined` or blank means no clauses. */
export function parseLoggedModelFilter(filter: string | null | undefined): LoggedModelFilterClause[] {
  return clausesOf(filter).map((clause: RawClause) => {
    const { type, key } = resolveLoggedModelIdentifier(clause.identifier);
    if (type === "attribute") {
      attributeColumn(key, () => invalid(`Invalid attribute key '${snippet(key)}' specified.`));
    }
    return { type, key, ...toCondition(clause, rules(type, key)) };
  });
}

const modelIn = (subquery: SQL) => sql`${loggedModels.modelId} IN (${subquery})`;

function datasetCondition(datasets: readonly DatasetFilter[]): SQL | undefined {
  if (datasets.length === 0) return undefined;
  const each = datasets.map((d) =>
    d.digest
      ? sql`(${loggedModelMetrics.datasetName} = ${d.name} AND ${loggedModelMetrics.datasetDigest} = ${d.digest})`
      : sql`${loggedModelMetrics.datasetName} = ${d.name}`,
  );
  return sql`(${sql.join(each, sql` OR `)})`;
}

function filterSql(clause: LoggedModelFilterClause, onDatasets: SQL | undefined): SQL {
  switch (clause.type) {
    case "metric":
      // NaN is stored as 0 with is_nan set; it must not satisfy any comparison.
      return modelIn(
        sql`SELECT ${loggedModelMetrics.modelId} FROM ${loggedModelMetrics} WHERE ${loggedModelMetrics.key} = ${clause.key} AND ${loggedModelMetrics.isNan} = 0 AND ${conditionSql(loggedModelMetrics.value, clause)}${onDatasets ? sql` AND ${onDatasets}` : sql``}`,
      );
    case "param":
      return modelIn(
        sql`SELECT ${loggedModelParams.modelId} FROM ${loggedModelParams} WHERE ${loggedModelParams.key} = ${clause.key} AND ${conditionSql(loggedModelParams.value, clause)}`,
      );
    case "tag":
      return modelIn(
        sql`SELECT ${loggedModelTags.modelId} FROM ${loggedModelTags} WHERE ${loggedModelTags.key} = ${clause.key} AND ${conditionSql(loggedModelTags.value, clause)}`,
      );
    case "attribute":
      return conditionSql(
        attributeColumn(clause.key, () => invalid(`Invalid attribute key '${clause.key}' specified.`)),
        clause,
      );
  }
}

/** The latest point of a metric (by timestamp, then step), optionally on one dataset. */
function latestMetricSql(entry: LoggedModelOrderKey, key: string): SQL {
  const onName = entry.datasetName ? sql` AND m.dataset_name = ${entry.datasetName}` : sql``;
  const onDigest = entry.datasetDigest ? sql` AND m.dataset_digest = ${entry.datasetDigest}` : sql``;
  return sql`(SELECT CASE WHEN m.is_nan = 1 THEN NULL ELSE m.metric_value END FROM ${loggedModelMetrics} AS m WHERE m.model_id = ${loggedModels.modelId} AND m.metric_name = ${key}${onName}${onDigest} ORDER BY m.metric_timestamp_ms DESC, m.metric_step DESC LIMIT 1)`;
}

/**
 * MLflow's order: each key with missing values last in both directions, then creation time
 * (newest first) unless ordered on; model_id last so pages never overlap.
 */
function orderSql(keys: readonly LoggedModelOrderKey[]): SQL[] {
  checkCount(keys);
  const order: SQL[] = [];
  let hasCreation = false;
  for (const entry of keys) {
    const direction = sql.raw(entry.ascending ? "ASC" : "DESC");
    const badField = () => invalid(`Invalid order by field name: ${snippet(entry.fieldName)}`);
    let value: SQL | SQLWrapper;
    if (!entry.fieldName.includes(".")) {
      const key = ALIASES[entry.fieldName] ?? entry.fieldName;
      if (key === "creation_timestamp_ms") hasCreation = true;
      value = attributeColumn(key, badField);
    } else {
      const dot = entry.fieldName.indexOf(".");
      if (entry.fieldName.slice(0, dot) !== "metrics") {
        throw invalid(
          `Invalid order by field name: ${snippet(entry.fieldName)}. Only metrics are supported.`,
        );
      }
      value = latestMetricSql(entry, entry.fieldName.slice(dot + 1));
    }
    order.push(sql`CASE WHEN ${value} IS NULL THEN 1 ELSE 0 END ASC`, sql`${value} ${direction}`);
  }
  if (!hasCreation) order.push(sql`${loggedModels.creationTimestampMs} DESC`);
  order.push(sql`${loggedModels.modelId} ASC`);
  return order;
}

/**
 * The ids of the logged models matching a search, in MLflow's order, one page of them: a
 * statement selecting one column, `model_id`. Deleted models are never found. Throws
 * INVALID_PARAMETER_VALUE for bad input, including searches too big for D1's statement limits.
 */
export function compileLoggedModelSearch(query: LoggedModelSearchQuery): SQL {
  if (!Array.isArray(query.experimentIds) || !query.experimentIds.every(Number.isSafeInteger)) {
    throw invalid("Experiment ids must be integers.");
  }
  const datasets = query.datasets ?? [];
  const onDatasets = datasetCondition(datasets);
  const clauses = parseLoggedModelFilter(query.filter);
  const order = orderSql(query.orderBy ?? []);
  const where = [
    sql`${loggedModels.experimentId} IN ${jsonValues(query.experimentIds)}`,
    sql`${loggedModels.lifecycleStage} != 'deleted'`,
    ...(query.visible ? [query.visible(loggedModels.experimentId)] : []),
    ...clauses.map((clause) => filterSql(clause, onDatasets)),
  ];
  // Datasets without a metric clause: models with any metric on one of them (MLflow's rule).
  if (onDatasets && !clauses.some((clause) => clause.type === "metric")) {
    where.push(
      modelIn(sql`SELECT ${loggedModelMetrics.modelId} FROM ${loggedModelMetrics} WHERE ${onDatasets}`),
    );
  }
  return checkStatement(
    sql`SELECT ${loggedModels.modelId} AS "model_id" FROM ${loggedModels} WHERE ${andAll(where)} ORDER BY ${sql.join(order, sql`, `)} ${pageClause(query.offset, query.limit)}`,
  );
}
