/**
 * Loads better-sqlite3, native SQLite for Node, for the in-process baseline. It is an optional
 * dependency built from source at `npm install` (package.json `allowScripts`); when its build failed
 * npm leaves it out, and the benchmark reports the baseline as unavailable instead of failing.
 * The few methods used are typed here, so type-checking never depends on the package.
 */
import { createRequire } from "node:module";

export interface Statement {
  run(...params: unknown[]): { changes: number };
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
}

export interface Database {
  exec(source: string): Database;
  prepare(source: string): Statement;
  pragma(source: string, options?: { simple?: boolean }): unknown;
  transaction<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R;
  close(): void;
}

export interface SqliteDriver {
  open(file: string): Database;
  /** "better-sqlite3 12.11.1 (SQLite 3.x.y, native)". */
  description: string;
  version: string;
  sqliteVersion: string;
}

type DatabaseConstructor = new (file: string) => Database;

export function loadSqlite(): SqliteDriver | { unavailable: string } {
  const require = createRequire(import.meta.url);
  try {
    const Database = require("better-sqlite3") as DatabaseConstructor;
    const { version } = require("better-sqlite3/package.json") as { version: string };
    const probe = new Database(":memory:");
    const row = probe.prepare("select sqlite_version() as v").get() as { v: string };
    probe.close();
    return {
      open: (file) => new Database(file),
      version,
      sqliteVersion: row.v,
      description: `better-sqlite3 ${version} (SQLite ${row.v}, native)`,
    };
  } catch (error) {
    return {
      unavailable:
        `better-sqlite3 could not be loaded (${(error as Error).message.split("\n")[0]}). It is an optional ` +
        "dependency compiled at `npm install`; run `npm rebuild better-sqlite3 --foreground-scripts` to see why it failed.",
    };
  }
}
