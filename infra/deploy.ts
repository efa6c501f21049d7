/**
 * `npm run deploy`: provisions and deploys Edgeflow to a Cloudflare account.
 *   1. creates the D1 database named in wrangler.toml unless it already has a real id, and
 *      writes the id into both workers' configs (they share the database);
 *   2. applies the migrations in packages/schema/migrations to the remote database;
 *   3. deploys the tracking worker and the inference worker.
 * Needs CLOUDFLARE_API_TOKEN (and CLOUDFLARE_ACCOUNT_ID for multi-account tokens). Secrets
 * (S3 credentials, the admin bootstrap) are set once with `wrangler secret put`; see docs/deploy.md.
 * `npm run deploy -- --dry-run` only bundles both workers and reports their sizes (works offline).
 */
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { projectRoot, runWrangler } from "./local/wrangler";

const PLACEHOLDER_ID = "00000000-0000-0000-0000-000000000000";
const WORKERS = [
  { name: "tracking", config: "wrangler.toml" },
  { name: "inference", config: "workers/inference/wrangler.toml" },
];
const dryRun = process.argv.includes("--dry-run");

if (dryRun) {
  for (const worker of WORKERS) {
    await runWrangler(["deploy", "--dry-run", "--outdir", `dist/${worker.name}`, "--config", worker.config]);
  }
  process.exit(0);
}

const trackingConfig = readFileSync(resolve(projectRoot, WORKERS[0]?.config ?? ""), "utf8");
if (trackingConfig.includes(PLACEHOLDER_ID)) {
  const databaseName = /database_name\s*=\s*"([^"]+)"/.exec(trackingConfig)?.[1] ?? "edgeflow";
  const wrangler = resolve(projectRoot, "node_modules/wrangler/bin/wrangler.js");
  const output = execFileSync(process.execPath, [wrangler, "d1", "create", databaseName], {
    cwd: projectRoot,
    encoding: "utf8",
  });
  const id =
    /database_id\s*=\s*"([0-9a-f-]{36})"/.exec(output)?.[1] ??
    /"database_id":\s*"([0-9a-f-]{36})"/.exec(output)?.[1];
  if (!id) throw new Error(`could not read the new database id from wrangler's output:\n${output}`);
  for (const worker of WORKERS) {
    const path = resolve(projectRoot, worker.config);
    writeFileSync(path, readFileSync(path, "utf8").replace(PLACEHOLDER_ID, id));
  }
  console.log(`created D1 database ${databaseName} (${id}) and wrote its id into both workers' configs`);
}
await runWrangler(["d1", "migrations", "apply", "DB", "--remote", "--config", "wrangler.toml"]);
// Inference first: the tracking worker's INFERENCE service binding (the gateway's `edgeflow`
// provider) must name a worker that exists.
for (const worker of [...WORKERS].reverse()) await runWrangler(["deploy", "--config", worker.config]);
