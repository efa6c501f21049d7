import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

// Every test runs inside workerd with the tracking worker's real bindings: local D1 from
// wrangler.toml, with the same migration files wrangler applies in production, and an artifact
// bucket on a real S3-compatible server on 127.0.0.1 (test/setup/s3-server.ts).
export default defineConfig(async () => {
  const migrations = await readD1Migrations("packages/schema/migrations");
  return {
    plugins: [
      cloudflareTest(({ inject }) => ({
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: { bindings: { TEST_MIGRATIONS: migrations, ...inject("s3Vars") } },
      })),
    ],
    test: {
      include: ["packages/*/src/**/*.test.ts", "workers/*/src/**/*.test.ts", "test/**/*.test.ts"],
      globalSetup: ["./test/setup/s3-server.ts"],
      setupFiles: ["./test/setup/apply-migrations.ts"],
      testTimeout: 30_000,
      reporters: ["default", "./test/setup/summary-reporter.ts"],
    },
  };
});
