/**
 * The local stack's two shortcuts keep their promises: migrations applied in-process are the ones
 * wrangler would apply, in wrangler's own bookkeeping, and a bundle is built once per source tree.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cachedBundle, sourceHash } from "../../infra/local/bundle-cache";
import { applyLocalMigrations } from "../../infra/local/d1-migrations";
import { projectRoot } from "../../infra/local/wrangler";

const scratch = mkdtempSync(join(tmpdir(), "edgeflow-local-infra-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function wranglerMigrationsList(persistTo: string): string {
  const run = spawnSync(
    process.execPath,
    [
      resolve(projectRoot, "node_modules/wrangler/bin/wrangler.js"),
      "d1",
      "migrations",
      "list",
      "DB",
      "--local",
    ].concat(["--persist-to", persistTo]),
    { cwd: projectRoot, encoding: "utf8", env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "1" } },
  );
  return `${run.stdout}${run.stderr}`;
}

describe("local D1 migrations", () => {
  it("applies every migration once, in wrangler's bookkeeping, so wrangler finds nothing left to apply", async () => {
    const persistTo = join(scratch, "wrangler");
    const all = readdirSync(resolve(projectRoot, "packages/schema/migrations"))
      .filter((file) => file.endsWith(".sql"))
      .sort();
    expect(await applyLocalMigrations(persistTo)).toEqual(all);
    expect(await applyLocalMigrations(persistTo)).toEqual([]);
    expect(wranglerMigrationsList(persistTo)).toContain("No migrations to apply");
  }, 120_000);
});

describe("the bundle cache", () => {
  it("keys bundles by the sources' content and reuses a built one", async () => {
    expect(sourceHash()).toBe(sourceHash());
    const first = await cachedBundle("wrangler.toml");
    const builtAt = statSync(join(first, "index.js")).mtimeMs;
    const again = await cachedBundle("wrangler.toml");
    expect(again).toBe(first);
    expect(statSync(join(again, "index.js")).mtimeMs).toBe(builtAt);
    expect(first).toContain(sourceHash());
  }, 120_000);
});
