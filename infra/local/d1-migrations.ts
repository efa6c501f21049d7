/**
 * Local D1 migrations for `npm start`, the tests' stacks and the benchmarks: what
 * `wrangler d1 migrations apply DB --local` does, in this process. Wrangler's command boots its own
 * workerd and took 7-20 s per stack; this one takes well under a second. It keeps wrangler's
 * bookkeeping exactly (the same `d1_migrations` table, the same file names, the same persisted
 * SQLite file), so `wrangler d1 migrations list DB --local` agrees with it and either can run next.
 */
import { readdirSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { Miniflare } from "miniflare";
import { unstable_getMiniflareWorkerOptions, unstable_readConfig } from "wrangler";
import { projectRoot } from "./wrangler";

/**
 * drizzle-kit writes this marker between statements (every migration here comes from it,
 * drizzle.config.ts); D1 prepares one statement at a time, so a file is split there.
 */
const STATEMENT_BREAK = "--> statement-breakpoint";

function statementsOf(sql: string): string[] {
  return sql
    .split(STATEMENT_BREAK)
    .map((statement) => statement.trim())
    .filter((statement) => statement.replace(/^--.*$/gm, "").trim() !== "");
}

/**
 * Applies the migrations of `configPath`'s D1 binding that the local database at `persistTo`
 * lacks, each with its bookkeeping row in one D1 batch (one transaction): a failing migration
 * leaves no trace and stops the ones after it. Returns the names applied.
 */
export async function applyLocalMigrations(
  persistTo: string,
  configPath = "wrangler.toml",
): Promise<string[]> {
  const config = unstable_readConfig({ config: resolve(projectRoot, configPath) });
  const database = config.d1_databases[0];
  if (!database?.migrations_dir) throw new Error(`${configPath} declares no D1 migrations_dir`);
  const folder = resolve(projectRoot, database.migrations_dir);
  const table = database.migrations_table ?? "d1_migrations";
  const { workerOptions } = unstable_getMiniflareWorkerOptions(resolve(projectRoot, configPath));
  const miniflare = new Miniflare({
    modules: true,
    script: "export default { fetch: () => new Response(null, { status: 404 }) };",
    d1Databases: workerOptions.d1Databases,
    d1Persist: resolve(persistTo, "v3", "d1"),
    host: "127.0.0.1",
    port: 0,
  });
  try {
    const db = await miniflare.getD1Database(database.binding);
    // wrangler's own table, column for column (wrangler/src/d1/migrations/helpers.ts).
    await db
      .prepare(
        `CREATE TABLE IF NOT EXISTS ${table}(id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE, applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL)`,
      )
      .run();
    const { results } = await db.prepare(`SELECT name FROM ${table}`).all<{ name: string }>();
    const applied = new Set(results.map((row) => row.name));
    const pending = readdirSync(folder)
      .filter((file) => file.endsWith(".sql") && !applied.has(file))
      .sort();
    for (const file of pending) {
      const statements = statementsOf(readFileSync(resolve(folder, file), "utf8")).map((sql) =>
        db.prepare(sql),
      );
      try {
        await db.batch([...statements, db.prepare(`INSERT INTO ${table} (name) VALUES (?)`).bind(file)]);
      } catch (error) {
        throw new Error(`D1 migration ${file} failed: ${(error as Error).message}`);
      }
      console.log(`D1: applied migration ${file}`);
    }
    return pending;
  } finally {
    await miniflare.dispose();
  }
}
