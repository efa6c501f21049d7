import { type SQL, sql } from "drizzle-orm";
import { SQLiteAsyncDialect } from "drizzle-orm/sqlite-core";
import { invalid } from "./errors";

/** D1's per-statement limits, which every compiled search must respect whatever the input. */
export const MAX_BOUND_PARAMETERS = 100;
export const MAX_STATEMENT_BYTES = 100_000;

// The dialect drizzle's D1 driver renders with, so the counts below are the ones D1 sees.
const dialect = new SQLiteAsyncDialect();

/** Renders a statement as D1 will receive it: SQL text and bound parameters. */
export function renderStatement(query: SQL): { sql: string; params: unknown[] } {
  return dialect.sqlToQuery(query);
}

/** Returns the statement unchanged, or rejects the search as too complex for D1. */
export function checkStatement(query: SQL): SQL {
  const { sql: text, params } = renderStatement(query);
  if (params.length > MAX_BOUND_PARAMETERS) {
    throw invalid(
      `The search is too complex: it needs ${params.length} bound parameters and the database accepts at ` +
        `most ${MAX_BOUND_PARAMETERS} per statement. Use fewer filter clauses or order_by keys ` +
        "(an IN list counts as one).",
    );
  }
  const bytes = new TextEncoder().encode(text).length;
  if (bytes > MAX_STATEMENT_BYTES) {
    throw invalid(
      `The search is too complex: its SQL statement would be ${bytes} bytes and the database accepts at ` +
        `most ${MAX_STATEMENT_BYTES}. Use fewer filter clauses or order_by keys.`,
    );
  }
  return query;
}

/** LIMIT and OFFSET are written into the SQL text (no parameters spent), so they must be plain integers. */
export function pageClause(offset: number, limit: number): SQL {
  if (!Number.isSafeInteger(offset) || offset < 0)
    throw invalid(`Invalid offset ${offset}: must be a non-negative integer.`);
  if (!Number.isSafeInteger(limit) || limit < 0)
    throw invalid(`Invalid limit ${limit}: must be a non-negative integer.`);
  return sql.raw(`LIMIT ${limit} OFFSET ${offset}`);
}

/**
 * ANDs conditions as a balanced tree: SQLite nests `a AND b AND c ...` one level per term, and D1
 * rejects expressions nested more than 100 deep.
 */
export function andAll(conditions: readonly SQL[]): SQL {
  if (conditions.length === 0) return sql`1`;
  if (conditions.length === 1) return conditions[0] as SQL;
  const middle = Math.ceil(conditions.length / 2);
  return sql`(${andAll(conditions.slice(0, middle))} AND ${andAll(conditions.slice(middle))})`;
}
