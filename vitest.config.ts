import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

// Every test runs inside workerd with the tracking worker's real bindings (local D1 from
// wrangler.toml); migrations are the same SQL files wrangler applies in production.
export default defineConfig(async () => {
  const migrations = await readD1Migrations("packages/schema/migrations");
  return {
    plugins: [
      cloudflareTest({
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: { bindings: { TEST_MIGRATIONS: migrations } },
      }),
    ],
    test: {
      include: ["packages/*/src/**/*.test.ts", "workers/*/src/**/*.test.ts", "test/**/*.test.ts"],
      setupFiles: ["./test/setup/apply-migrations.ts"],
      testTimeout: 30_000,
      reporters: ["default", "./test/setup/summary-reporter.ts"],
    },
  };
});
