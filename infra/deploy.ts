/**
 * `npm run deploy`: provisions and deploys Edgeflow to a Cloudflare account.
 *   1. creates the D1 database named in wrangler.toml unless it already has a real id,
 *      and writes the id back into wrangler.toml;
 *   2. applies the migrations in packages/schema/migrations to the remote database;
 *   3. deploys the tracking worker.
 * Needs CLOUDFLARE_API_TOKEN (and CLOUDFLARE_ACCOUNT_ID for multi-account tokens).
 * `npm run deploy -- --dry-run` only bundles the worker and reports its size (works offline).
 */
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { projectRoot, runWrangler } from "./local/wrangler";

const PLACEHOLDER_ID = "00000000-0000-0000-0000-000000000000";
const configPath = resolve(projectRoot, "wrangler.toml");
const dryRun = process.argv.includes("--dry-run");

if (dryRun) {
  await runWrangler(["deploy", "--dry-run", "--outdir", "dist/tracking", "--config", "wrangler.toml"]);
  process.exit(0);
}

const config = readFileSync(configPath, "utf8");
const databaseName = /database_name\s*=\s*"([^"]+)"/.exec(config)?.[1] ?? "edgeflow";
if (config.includes(PLACEHOLDER_ID)) {
  const wrangler = resolve(projectRoot, "node_modules/wrangler/bin/wrangler.js");
  const output = execFileSync(process.execPath, [wrangler, "d1", "create", databaseName], {
    cwd: projectRoot,
    encoding: "utf8",
  });
  const id =
    /database_id\s*=\s*"([0-9a-f-]{36})"/.exec(output)?.[1] ??
    /"database_id":\s*"([0-9a-f-]{36})"/.exec(output)?.[1];
  if (!id) throw new Error(`could not read the new database id from wrangler's output:\n${output}`);
  writeFileSync(configPath, config.replace(PLACEHOLDER_ID, id));
  console.log(`created D1 database ${databaseName} (${id}) and wrote its id to wrangler.toml`);
}
await runWrangler(["d1", "migrations", "apply", "DB", "--remote", "--config", "wrangler.toml"]);
await runWrangler(["deploy", "--config", "wrangler.toml"]);
