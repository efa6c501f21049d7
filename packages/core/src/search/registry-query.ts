import { modelVersions, modelVersionTags, registeredModels, registeredModelTags } from "@edgeflow/schema";
import { type SQL, type SQLWrapper, sql } from "drizzle-orm";
import { conditionSql } from "./condition";
import {
  parseModelVersionFilter,
  parseRegisteredModelFilter,
  type RegistryFilterClause,
} from "./registry-filter";
import { parseModelVersionOrderBy, parseRegisteredModelOrderBy } from "./registry-order-by";
import { andAll, checkStatement, pageClause } from "./statement";

export interface RegistrySearchQuery {
  filter?: string | null;
  orderBy?: string[] | null;
  offset: number;
  limit: number;
  /** Only models the caller may read (auth; see auth/scope.ts), by registered model name. */
  visible?: (name: SQLWrapper) => SQL;
}

const MODEL_COLUMNS: Record<string, SQLWrapper> = {
  name: registeredModels.name,
  creation_timestamp: registeredModels.creationTime,
  last_updated_timestamp: registeredModels.lastUpdatedTime,
};

const VERSION_COLUMNS: Record<string, SQLWrapper> = {
  name: modelVersions.name,
  run_id: modelVersions.runId,
  // source_path filters on the source as given, as MLflow does (not the resolved location).
  source_path: modelVersions.source,
  version_number: modelVersions.version,
  creation_timestamp: modelVersions.creationTime,
  last_updated_timestamp: modelVersions.lastUpdatedTime,
};

function column(columns: Record<string, SQLWrapper>, key: string): SQLWrapper {
  const found = Object.hasOwn(columns, key) ? columns[key] : undefined;
  if (found === undefined) throw new Error(`No column for registry search key '${key}'`);
  return found;
}

function whereSql(conditions: SQL[]): SQL {
  return conditions.length > 0 ? sql` WHERE ${andAll(conditions)}` : sql``;
}

function withVisible(conditions: SQL[], query: RegistrySearchQuery, name: SQLWrapper): SQL[] {
  return query.visible ? [...conditions, query.visible(name)] : conditions;
}

function orderSql(columns: Record<string, SQLWrapper>, keys: { key: string; ascending: boolean }[]): SQL {
  const order = keys.map(
    ({ key, ascending }) => sql`${column(columns, key)} ${sql.raw(ascending ? "ASC" : "DESC")}`,
  );
  return sql.join(order, sql`, `);
}

function modelFilterSql(clause: RegistryFilterClause): SQL {
  if (clause.type === "tag") {
    // Through the registered_model_tags (key, value) index.
    return sql`${registeredModels.name} IN (SELECT ${registeredModelTags.name} FROM ${registeredModelTags} WHERE ${registeredModelTags.key} = ${clause.key} AND ${conditionSql(registeredModelTags.value, clause)})`;
  }
  return conditionSql(column(MODEL_COLUMNS, clause.key), clause);
}

function versionFilterSql(clause: RegistryFilterClause): SQL {
  if (clause.type === "tag") {
    return sql`(${modelVersions.name}, ${modelVersions.version}) IN (SELECT ${modelVersionTags.name}, ${modelVersionTags.version} FROM ${modelVersionTags} WHERE ${modelVersionTags.key} = ${clause.key} AND ${conditionSql(modelVersionTags.value, clause)})`;
  }
  return conditionSql(column(VERSION_COLUMNS, clause.key), clause);
}

/** The tag that makes a registered model (and its versions) an MLflow 3 prompt. */
export const IS_PROMPT_TAG = "mlflow.prompt.is_prompt";

/**
 * MLflow 3 keeps prompts and models apart in one registry (sqlalchemy_store.py,
 * `_is_querying_prompt`): a search is for prompts when its first clause on the prompt tag is
 * `= 'true'` or `!= 'false'` (any case), and then that clause filters as written. Any other search
 * is for models: its clauses on the prompt tag are dropped, and every registered model with
 * `mlflow.prompt.is_prompt = 'true'` is left out. A model that lacks the tag therefore matches the
 * `tag.mlflow.prompt.is_prompt != 'true'` the 3.x client appends to each model search.
 */
const isPromptTag = (clause: RegistryFilterClause) => clause.type === "tag" && clause.key === IS_PROMPT_TAG;

function isPromptSearch(clauses: RegistryFilterClause[]): boolean {
  const prompt = clauses.find(isPromptTag);
  const value = typeof prompt?.value === "string" ? prompt.value.toLowerCase() : undefined;
  return (
    (prompt?.comparator === "=" && value === "true") || (prompt?.comparator === "!=" && value === "false")
  );
}

function registryConditions(
  clauses: RegistryFilterClause[],
  toSql: (clause: RegistryFilterClause) => SQL,
  promptNames: SQL,
  name: SQLWrapper,
): SQL[] {
  if (isPromptSearch(clauses)) return clauses.map(toSql);
  const modelClauses = clauses.filter((clause) => !isPromptTag(clause));
  return [...modelClauses.map(toSql), sql`${name} NOT IN (${promptNames})`];
}

const MODEL_PROMPT_NAMES = sql`SELECT ${registeredModelTags.name} FROM ${registeredModelTags} WHERE ${registeredModelTags.key} = ${IS_PROMPT_TAG} AND ${registeredModelTags.value} = 'true'`;
const VERSION_PROMPT_NAMES = sql`SELECT ${modelVersionTags.name} FROM ${modelVersionTags} WHERE ${modelVersionTags.key} = ${IS_PROMPT_TAG} AND ${modelVersionTags.value} = 'true'`;

/**
 * The names of the registered models matching a search_registered_models request, in order, one
 * page of them: a statement selecting one column, `name`.
 */
export function compileRegisteredModelSearch(query: RegistrySearchQuery): SQL {
  const where = whereSql(
    withVisible(
      registryConditions(
        parseRegisteredModelFilter(query.filter),
        modelFilterSql,
        MODEL_PROMPT_NAMES,
        registeredModels.name,
      ),
      query,
      registeredModels.name,
    ),
  );
  const order = orderSql(MODEL_COLUMNS, parseRegisteredModelOrderBy(query.orderBy));
  return checkStatement(
    sql`SELECT ${registeredModels.name} AS "name" FROM ${registeredModels}${where} ORDER BY ${order} ${pageClause(query.offset, query.limit)}`,
  );
}

/**
 * The (name, version) pairs matching a search_model_versions request, in order, one page of them:
 * a statement selecting `name` and `version`.
 */
export function compileModelVersionSearch(query: RegistrySearchQuery): SQL {
  const where = whereSql(
    withVisible(
      registryConditions(
        parseModelVersionFilter(query.filter),
        versionFilterSql,
        VERSION_PROMPT_NAMES,
        modelVersions.name,
      ),
      query,
      modelVersions.name,
    ),
  );
  const order = orderSql(VERSION_COLUMNS, parseModelVersionOrderBy(query.orderBy));
  return checkStatement(
    sql`SELECT ${modelVersions.name} AS "name", ${modelVersions.version} AS "version" FROM ${modelVersions}${where} ORDER BY ${order} ${pageClause(query.offset, query.limit)}`,
  );
}
