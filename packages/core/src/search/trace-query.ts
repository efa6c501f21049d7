import { spans, traceInfo, traceRequestMetadata, traceRunLinks, traceTags } from "@edgeflow/schema";
import { type SQL, type SQLWrapper, sql } from "drizzle-orm";
import { type Condition, conditionSql, jsonList, toCondition, type ValueRules } from "./condition";
import { invalid, pyList, pySet, snippet } from "./errors";
import { clausesOf, numericAttribute } from "./filter";
import { splitIdentifier } from "./identifier";
import { splitEntry } from "./order-by";
import { andAll, checkStatement, pageClause } from "./statement";

/**
 * search_traces' filter and order_by (MLflow's SearchTraceUtils), on the tokenizer and clause
 * parser runs and experiments use; only the vocabulary differs. Entities: attribute (alias
 * trace, attributes), tag(s), request_metadata (alias metadata) and span. `name` is the tag
 * mlflow.traceName and `run_id` the metadata mlflow.sourceRun or a link to the run.
 */

type TraceEntity = "attribute" | "tag" | "request_metadata" | "span";
export type TraceFilterClause = { type: TraceEntity; key: string } & Condition;
/** An order_by key: an attribute (by its filter name), a tag or a request metadata value. */
export type TraceOrderKey =
  | { column: string; ascending: boolean }
  | { tag: string; ascending: boolean }
  | { metadata: string; ascending: boolean };

const ENTITY_ALIASES: Record<string, TraceEntity> = {
  attribute: "attribute",
  attributes: "attribute",
  trace: "attribute",
  tag: "tag",
  tags: "tag",
  request_metadata: "request_metadata",
  metadata: "request_metadata",
  span: "span",
};
const FILTER_ATTRIBUTES = [
  "request_id",
  "trace_id",
  "timestamp",
  "timestamp_ms",
  "execution_time",
  "execution_time_ms",
  "end_time",
  "end_time_ms",
  "status",
  "state",
  "client_request_id",
  "name",
  "run_id",
];
const ORDER_ATTRIBUTES = FILTER_ATTRIBUTES.filter((key) => key !== "client_request_id").concat(
  "experiment_id",
);
const NUMERIC = [
  "timestamp",
  "timestamp_ms",
  "execution_time",
  "execution_time_ms",
  "end_time",
  "end_time_ms",
];
const SPAN_KEYS = ["name", "type", "status"];

const TRACE_NAME_TAG = "mlflow.traceName";
const SOURCE_RUN_METADATA = "mlflow.sourceRun";

function resolve(raw: string, attributes: readonly string[]): { type: TraceEntity; key: string } {
  const { entity, key } = splitIdentifier(raw);
  let type: TraceEntity = "attribute";
  if (entity !== undefined) {
    const name = entity.replace(/^`(.*)`$/, "$1");
    const resolved = Object.hasOwn(ENTITY_ALIASES, name) ? ENTITY_ALIASES[name] : undefined;
    if (resolved === undefined) {
      throw invalid(
        `Invalid entity type '${snippet(name)}'. Valid values are ${pyList(Object.keys(ENTITY_ALIASES))}`,
      );
    }
    type = resolved;
  }
  if (type === "attribute" && !attributes.includes(key)) {
    throw invalid(`Invalid attribute key '${snippet(key)}' specified. Valid keys are '${pySet(attributes)}'`);
  }
  if (type === "span" && !SPAN_KEYS.includes(key)) {
    throw invalid(`Invalid span attribute '${snippet(key)}'. Supported attributes: ${SPAN_KEYS.join(", ")}.`);
  }
  // name and run_id are stored as a tag and as request metadata.
  if (type === "attribute" && key === "name") return { type: "tag", key: TRACE_NAME_TAG };
  if (type === "attribute" && key === "run_id") return { type: "attribute", key: "run_id" };
  return { type, key };
}

const stringRules = (what: string, comparators: readonly string[]): ValueRules => ({
  kind: "string",
  comparators: comparators as ValueRules["comparators"],
  typeError: (text) => `Expected a quoted string value for ${what} (e.g. 'my-value'). Got value ${text}`,
});

function rulesOf(type: TraceEntity, key: string): ValueRules {
  if (type === "attribute" && NUMERIC.includes(key)) return numericAttribute(key);
  if (type === "attribute") return stringRules("attributes", ["=", "!=", "IN", "NOT IN", "LIKE", "ILIKE"]);
  if (type === "span") return stringRules("span", ["=", "!=", "IN", "NOT IN", "LIKE", "ILIKE"]);
  return stringRules(type, ["=", "!=", "LIKE", "ILIKE"]);
}

export function parseTraceFilter(filter: string | null | undefined): TraceFilterClause[] {
  return clausesOf(filter).map((clause) => {
    const { type, key } = resolve(clause.identifier, FILTER_ATTRIBUTES);
    return { type, key, ...toCondition(clause, rulesOf(type, key)) };
  });
}

const endTime = sql`(${traceInfo.requestTimeMs} + ${traceInfo.executionDurationMs})`;
const ATTRIBUTE_COLUMNS: Record<string, SQLWrapper> = {
  request_id: traceInfo.traceId,
  trace_id: traceInfo.traceId,
  timestamp: traceInfo.requestTimeMs,
  timestamp_ms: traceInfo.requestTimeMs,
  execution_time: traceInfo.executionDurationMs,
  execution_time_ms: traceInfo.executionDurationMs,
  end_time: endTime,
  end_time_ms: endTime,
  status: traceInfo.state,
  state: traceInfo.state,
  client_request_id: traceInfo.clientRequestId,
  experiment_id: traceInfo.experimentId,
};

const traceIn = (subquery: SQL) => sql`${traceInfo.traceId} IN (${subquery})`;
const SPAN_COLUMNS: Record<string, SQLWrapper> = { name: spans.name, type: spans.type, status: spans.status };

function filterSql(clause: TraceFilterClause): SQL {
  switch (clause.type) {
    case "tag":
      return traceIn(
        sql`SELECT ${traceTags.traceId} FROM ${traceTags} WHERE ${traceTags.key} = ${clause.key} AND ${conditionSql(traceTags.value, clause)}`,
      );
    case "request_metadata":
      return traceIn(
        sql`SELECT ${traceRequestMetadata.traceId} FROM ${traceRequestMetadata} WHERE ${traceRequestMetadata.key} = ${clause.key} AND ${conditionSql(traceRequestMetadata.value, clause)}`,
      );
    case "span":
      return traceIn(
        sql`SELECT ${spans.traceId} FROM ${spans} WHERE ${conditionSql(SPAN_COLUMNS[clause.key] as SQLWrapper, clause)}`,
      );
    case "attribute":
      if (clause.key === "run_id") {
        // A trace belongs to a run by its mlflow.sourceRun metadata or by a link (link-to-run).
        return sql`(${traceIn(
          sql`SELECT ${traceRequestMetadata.traceId} FROM ${traceRequestMetadata} WHERE ${traceRequestMetadata.key} = ${SOURCE_RUN_METADATA} AND ${conditionSql(traceRequestMetadata.value, clause)}`,
        )} OR ${traceIn(sql`SELECT ${traceRunLinks.traceId} FROM ${traceRunLinks} WHERE ${conditionSql(traceRunLinks.runId, clause)}`)})`;
      }
      return conditionSql(ATTRIBUTE_COLUMNS[clause.key] as SQLWrapper, clause);
  }
}

export function parseTraceOrderBy(orderBy: readonly string[] | null | undefined): TraceOrderKey[] {
  return (orderBy ?? []).map((entry) => {
    const { identifier, ascending } = splitEntry(entry);
    const { type, key } = resolve(identifier, ORDER_ATTRIBUTES);
    if (type === "tag") return { tag: key, ascending };
    if (type === "request_metadata") return { metadata: key, ascending };
    if (type === "attribute" && key === "run_id") return { metadata: SOURCE_RUN_METADATA, ascending };
    if (type !== "attribute") throw invalid(`Invalid order_by entity '${type}' with key '${snippet(key)}'`);
    return { column: key, ascending };
  });
}

export interface TraceSearchQuery {
  experimentIds: readonly number[];
  filter?: string | null;
  orderBy?: readonly string[] | null;
  offset: number;
  limit: number;
}

/** The trace ids matching a search, in MLflow's order (then timestamp DESC, trace id), one page. */
export function compileTraceSearch(query: TraceSearchQuery): SQL {
  const clauses = parseTraceFilter(query.filter);
  const keys = parseTraceOrderBy(query.orderBy);
  const order: SQL[] = [];
  keys.forEach((entry) => {
    const direction = sql.raw(entry.ascending ? "ASC" : "DESC");
    const value =
      "column" in entry
        ? (ATTRIBUTE_COLUMNS[entry.column] as SQLWrapper)
        : "tag" in entry
          ? sql`(SELECT ${traceTags.value} FROM ${traceTags} WHERE ${traceTags.traceId} = ${traceInfo.traceId} AND ${traceTags.key} = ${entry.tag})`
          : sql`(SELECT ${traceRequestMetadata.value} FROM ${traceRequestMetadata} WHERE ${traceRequestMetadata.traceId} = ${traceInfo.traceId} AND ${traceRequestMetadata.key} = ${entry.metadata})`;
    order.push(sql`CASE WHEN ${value} IS NULL THEN 1 ELSE 0 END ASC`, sql`${value} ${direction}`);
  });
  const columns = keys.flatMap((entry) => ("column" in entry ? [entry.column] : []));
  if (!columns.some((c) => c === "timestamp" || c === "timestamp_ms")) {
    order.push(sql`${traceInfo.requestTimeMs} DESC`);
  }
  order.push(sql`${traceInfo.traceId} ASC`);
  const where = [
    sql`${traceInfo.experimentId} IN ${jsonList(query.experimentIds)}`,
    ...clauses.map(filterSql),
  ];
  return checkStatement(
    sql`SELECT ${traceInfo.traceId} AS "trace_id" FROM ${traceInfo} WHERE ${andAll(where)} ORDER BY ${sql.join(order, sql`, `)} ${pageClause(query.offset, query.limit)}`,
  );
}
