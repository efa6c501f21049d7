import type * as schema from "@edgeflow/schema";
import type { BatchItem, BatchResponse } from "drizzle-orm/batch";
import type { BaseSQLiteDatabase } from "drizzle-orm/sqlite-core";

/**
 * What core needs from a database: drizzle's SQLite query builder plus an atomic batch (one D1
 * batch is one transaction). Workers pass `drizzle(env.DB, { schema })`; core never sees D1.
 */
export type Database = BaseSQLiteDatabase<"async", unknown, typeof schema> & {
  batch<U extends BatchItem<"sqlite">, T extends Readonly<[U, ...U[]]>>(batch: T): Promise<BatchResponse<T>>;
};

/** Runs write statements as one transaction; a list of any length (empty is a no-op). */
export async function runAtomically(db: Database, statements: BatchItem<"sqlite">[]): Promise<void> {
  const [first, ...rest] = statements;
  if (first === undefined) return;
  await db.batch([first, ...rest]);
}

/** The full text of a database error, including causes (drizzle wraps D1's error in its own). */
export function databaseErrorText(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 5; depth += 1) {
    parts.push(current.message);
    current = current.cause;
  }
  return parts.join(" | ");
}

/** `items` cut into consecutive slices of at most `size` (none for an empty list), in order. */
export function slices<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
