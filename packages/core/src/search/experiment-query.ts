import { experiments, experimentTags, type ViewType } from "@edgeflow/schema";
import { type SQL, type SQLWrapper, sql } from "drizzle-orm";
import { conditionSql } from "./condition";
import { type ExperimentFilterClause, parseExperimentFilter } from "./filter";
import { parseExperimentOrderBy } from "./order-by";
import { andAll, checkStatement, pageClause } from "./statement";
import { lifecycleCondition } from "./view-type";

export interface ExperimentSearchQuery {
  filter?: string | null;
  viewType: ViewType;
  orderBy?: string[] | null;
  offset: number;
  limit: number;
  /** Only experiments the caller may read (auth; see auth/scope.ts). */
  visible?: (experimentId: SQLWrapper) => SQL;
}

const COLUMNS: Record<"name" | "experiment_id" | "creation_time" | "last_update_time", SQLWrapper> = {
  name: experiments.name,
  experiment_id: experiments.experimentId,
  creation_time: experiments.creationTime,
  last_update_time: experiments.lastUpdateTime,
};

function filterSql(clause: ExperimentFilterClause): SQL {
  if (clause.type === "tag") {
    // Through the experiment_tags (key, value) index.
    return sql`${experiments.experimentId} IN (SELECT ${experimentTags.experimentId} FROM ${experimentTags} WHERE ${experimentTags.key} = ${clause.key} AND ${conditionSql(experimentTags.value, clause)})`;
  }
  return conditionSql(COLUMNS[clause.key as keyof typeof COLUMNS], clause);
}

/**
 * The experiment ids matching a search_experiments request, in MLflow's order, one page of
 * them: a statement selecting one column, `experiment_id`. Ordering is plain SQL, as on MLflow's
 * SQL store (no special place for missing values); the default is creation_time DESC,
 * experiment_id ASC.
 */
export function compileExperimentSearch(query: ExperimentSearchQuery): SQL {
  const clauses = parseExperimentFilter(query.filter);
  const order = parseExperimentOrderBy(query.orderBy).map(
    ({ key, ascending }) => sql`${COLUMNS[key]} ${sql.raw(ascending ? "ASC" : "DESC")}`,
  );
  const where = [
    lifecycleCondition(experiments.lifecycleStage, query.viewType),
    ...clauses.map(filterSql),
    query.visible?.(experiments.experimentId),
  ].filter((condition) => condition !== undefined);
  const whereSql = where.length > 0 ? sql` WHERE ${andAll(where)}` : sql``;
  return checkStatement(
    sql`SELECT ${experiments.experimentId} AS "experiment_id" FROM ${experiments}${whereSql} ORDER BY ${sql.join(order, sql`, `)} ${pageClause(query.offset, query.limit)}`,
  );
}
