import { type SQL, sql } from "drizzle-orm";

/**
 * Lists and rows bound as ONE JSON parameter and expanded in SQL by `json_each`.
 *
 * D1 binds at most 100 parameters per statement (and a statement is at most 100 KB), so an IN
 * list or a multi-row VALUES with one parameter per item or cell stops working past a few dozen
 * items. One JSON string is one parameter whatever the length, the statement text stays the same
 * size, and it inserts faster than multi-row VALUES (docs/architecture.md, "Limits as design inputs").
 */

/**
 * `(SELECT value FROM json_each(?))`: the right-hand side of an IN list, e.g. `inArray(column,
 * jsonValues(ids))` or sql`${column} IN ${jsonValues(ids)}`.
 */
export function jsonValues(values: readonly (string | number)[]): SQL {
  return sql`(SELECT value FROM json_each(${JSON.stringify(values)}))`;
}

/**
 * `json_each(?)`: a table with a row per item, to select from or join `AS j`. An array of
 * tuples is read as `j.value->>0`, `j.value->>1`, ... (and `j.key`, the item's index); an object
 * gives one row per entry, as `j.key` and `j.value`.
 */
export function jsonRows(rows: readonly unknown[] | Readonly<Record<string, unknown>>): SQL {
  return sql`json_each(${JSON.stringify(rows)})`;
}
