import {
  assessments,
  spans,
  traceInfo,
  traceRequestMetadata,
  traceRunLinks,
  traceTags,
} from "@edgeflow/schema";
import { type SQL, type SQLWrapper, sql } from "drizzle-orm";
import { jsonValues } from "../json-rows";
import { type Condition, conditionSql, toCondition, type ValueRules } from "./condition";
import { invalid, pyList, pySet, snippet } from "./errors";
import { clausesOf, numericAttribute } from "./filter";
import { splitIdentifier } from "./identifier";
import { splitEntry } from "./order-by";
import { andAll, checkStatement, pageClause } from "./statement";
import { spanAttributeValue, valueMatches } from "./trace-values";

/**
 * search_traces' filter and order_by (MLflow's SearchTraceUtils), on the tokenizer and clause
 * parser runs and experiments use; only the vocabulary differs. Entities: attribute (alias
 * trace, attributes), tag(s), request_metadata (alias metadata), span (name, type, status,
 * content, attributes.<name>), feedback and expectation (valid assessments by name). `name` is
 * the tag mlflow.traceName, `run_id` the metadata mlflow.sourceRun or a link to the run, `text`
 * the spans' content. Tags, metadata and assessments also take IS NULL / IS NOT NULL (3.11).
 */

type TraceEntity = "attribute" | "tag" | "request_metadata" | "span" | "feedback" | "expectation";
type NullCheck = { comparator: "IS NULL" | "IS NOT NULL" };
export type TraceFilterClause = { type: TraceEntity; key: string } & (Condition | NullCheck);
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
  feedback: "feedback",
  expectation: "expectation",
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
  "text",
];
const ORDER_ATTRIBUTES = FILTER_ATTRIBUTES.filter(
  (key) => key !== "client_request_id" && key !== "text",
).concat("experiment_id");
const NUMERIC = [
  "timestamp",
  "timestamp_ms",
  "execution_time",
  "execution_time_ms",
  "end_time",
  "end_time_ms",
];
const SPAN_KEYS = ["name", "type", "status"];
const SPAN_ATTRIBUTE_PREFIX = "attributes.";

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
  if (type === "span" && key.startsWith(SPAN_ATTRIBUTE_PREFIX) && key === SPAN_ATTRIBUTE_PREFIX) {
    throw invalid("Span attribute name cannot be empty after 'attributes.'");
  }
  if (
    type === "span" &&
    !SPAN_KEYS.includes(key) &&
    key !== "content" &&
    !key.startsWith(SPAN_ATTRIBUTE_PREFIX)
  ) {
    throw invalid(
      `Invalid span attribute '${snippet(key)}'. Supported attributes: ${SPAN_KEYS.join(", ")}, attributes.<attribute_name>.`,
    );
  }
  if ((type === "feedback" || type === "expectation") && key === "") {
    throw invalid("Assessment field name cannot be empty");
  }
  if (type === "attribute" && key === "text") return { type: "span", key: "content" };
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
  if (type === "span" && key === "content") return stringRules("span", ["LIKE", "ILIKE"]);
  if (type === "span") return stringRules("span", ["=", "!=", "IN", "NOT IN", "LIKE", "ILIKE"]);
  return stringRules(type, ["=", "!=", "LIKE", "ILIKE"]);
}

/** Entities whose entries may be absent, so MLflow 3.11 lets a filter ask for that. */
const NULLABLE: readonly TraceEntity[] = ["tag", "request_metadata", "feedback", "expectation"];

export function parseTraceFilter(filter: string | null | undefined): TraceFilterClause[] {
  return clausesOf(filter, { nullChecks: true }).map((clause) => {
    const { type, key } = resolve(clause.identifier, FILTER_ATTRIBUTES);
    if (clause.comparator === "IS NULL" || clause.comparator === "IS NOT NULL") {
      if (!NULLABLE.includes(type)) {
        const allowed = [...rulesOf(type, key).comparators];
        throw invalid(`Invalid comparator '${clause.comparator}' not one of '${pySet(allowed)}'`);
      }
      return { type, key, comparator: clause.comparator };
    }
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
const exists = (subquery: SQL, present: boolean) =>
  present ? sql`EXISTS (${subquery})` : sql`NOT EXISTS (${subquery})`;
const SPAN_COLUMNS: Record<string, SQLWrapper> = {
  name: spans.name,
  type: spans.type,
  status: spans.status,
  content: spans.content,
};

type ValueClause = { type: TraceEntity; key: string } & Condition;
const isNullCheck = (clause: TraceFilterClause): clause is TraceFilterClause & NullCheck =>
  clause.comparator === "IS NULL" || clause.comparator === "IS NOT NULL";

/** A key-value table's rows for this trace and key (tags, request metadata). */
function entryOf(table: typeof traceTags | typeof traceRequestMetadata, key: string, extra?: SQL): SQL {
  return sql`SELECT 1 FROM ${table} WHERE ${table.traceId} = ${traceInfo.traceId} AND ${table.key} = ${key}${extra ? sql` AND ${extra}` : sql``}`;
}

/** A trace's valid assessments of a kind and name; values compare as MLflow stores them (JSON). */
function assessmentOf(type: "feedback" | "expectation", name: string, extra?: SQL): SQL {
  return sql`SELECT 1 FROM ${assessments} WHERE ${assessments.traceId} = ${traceInfo.traceId} AND ${assessments.assessmentType} = ${type} AND ${assessments.name} = ${name} AND ${assessments.valid} = 1${extra ? sql` AND ${extra}` : sql``}`;
}

/** One span condition; several are ANDed on the same span, as MLflow 3.11 does. */
function spanCondition(clause: ValueClause): SQL {
  if (clause.key.startsWith(SPAN_ATTRIBUTE_PREFIX)) {
    const name = clause.key.slice(SPAN_ATTRIBUTE_PREFIX.length).replace(/^`(.*)`$/, "$1");
    return valueMatches(spanAttributeValue(name), clause);
  }
  return conditionSql(SPAN_COLUMNS[clause.key] as SQLWrapper, clause);
}

function filterSql(clause: TraceFilterClause): SQL {
  if (isNullCheck(clause)) {
    const present = clause.comparator === "IS NOT NULL";
    if (clause.type === "tag") return exists(entryOf(traceTags, clause.key), present);
    if (clause.type === "request_metadata") return exists(entryOf(traceRequestMetadata, clause.key), present);
    return exists(assessmentOf(clause.type as "feedback" | "expectation", clause.key), present);
  }
  switch (clause.type) {
    case "tag":
      return exists(entryOf(traceTags, clause.key, conditionSql(traceTags.value, clause)), true);
    case "request_metadata":
      return exists(
        entryOf(traceRequestMetadata, clause.key, conditionSql(traceRequestMetadata.value, clause)),
        true,
      );
    case "feedback":
    case "expectation":
      return exists(
        assessmentOf(clause.type, clause.key, valueMatches(sql`(${assessments.value} -> '$.value')`, clause)),
        true,
      );
    case "span":
      return spanFilterSql([clause]);
    case "attribute":
      if (clause.key === "run_id") {
        // A trace belongs to a run by its mlflow.sourceRun metadata or by a link (link-to-run).
        return sql`(${exists(entryOf(traceRequestMetadata, SOURCE_RUN_METADATA, conditionSql(traceRequestMetadata.value, clause)), true)} OR ${traceIn(sql`SELECT ${traceRunLinks.traceId} FROM ${traceRunLinks} WHERE ${conditionSql(traceRunLinks.runId, clause)}`)})`;
      }
      return conditionSql(ATTRIBUTE_COLUMNS[clause.key] as SQLWrapper, clause);
  }
}

function spanFilterSql(clauses: ValueClause[]): SQL {
  return traceIn(sql`SELECT ${spans.traceId} FROM ${spans} WHERE ${andAll(clauses.map(spanCondition))}`);
}

/** Every clause's SQL; the span clauses together, so one span must satisfy them all. */
function filtersSql(clauses: TraceFilterClause[]): SQL[] {
  const spanClauses = clauses.filter((c): c is ValueClause => c.type === "span" && !isNullCheck(c));
  const others = clauses.filter((c) => c.type !== "span").map(filterSql);
  return spanClauses.length ? [...others, spanFilterSql(spanClauses)] : others;
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
    sql`${traceInfo.experimentId} IN ${jsonValues(query.experimentIds)}`,
    ...filtersSql(clauses),
  ];
  return checkStatement(
    sql`SELECT ${traceInfo.traceId} AS "trace_id" FROM ${traceInfo} WHERE ${andAll(where)} ORDER BY ${sql.join(order, sql`, `)} ${pageClause(query.offset, query.limit)}`,
  );
}
