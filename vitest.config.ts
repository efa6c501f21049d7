import { mkdirSync } from "node:fs";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

// Worker tests run inside workerd with a worker's real bindings: local D1 from its wrangler.toml,
// with the same migration files wrangler applies in production, and an artifact bucket on a real
// S3-compatible server on 127.0.0.1 (test/setup/s3-server.ts). Two such projects: the tracking worker
// and the inference worker (workers/inference), each with its own workerd and database. Two run in
// Node: "repo" checks the source tree itself (imports, duplicates, machine paths) and "ui" starts the
// whole local stack and drives Chromium through the web UI.
export default defineConfig(async () => {
  // wrangler.toml serves the UI from packages/ui/dist ([assets]); the worker tests need the folder
  // to exist, not the build (`npm test` builds it for the ui project).
  mkdirSync("packages/ui/dist", { recursive: true });
  const migrations = await readD1Migrations("packages/schema/migrations");
  return {
    test: {
      reporters: ["default", "./test/setup/summary-reporter.ts"],
      projects: [
        {
          plugins: [
            cloudflareTest(({ inject }) => ({
              wrangler: { configPath: "./wrangler.toml" },
              // Auth is on in wrangler.toml (deployed workers); tests run with it off, and the
              // auth tests (test/auth) turn it on per request with their own bindings.
              miniflare: {
                bindings: {
                  TEST_MIGRATIONS: migrations,
                  ...inject("s3Vars"),
                  EDGEFLOW_AUTH: "off",
                  // Gateway secrets' key in tests (production's is a wrangler secret); the
                  // providers are the loopback stand-in (test/setup/llm-server.ts), allowed by name.
                  EDGEFLOW_SECRETS_KEY: "ZWRnZWZsb3ctdGVzdC1zZWNyZXRzLWtleS0zMmJ5dGU=",
                  // 127.0.0.1:9 (discard: nothing listens) stands for a provider that is down.
                  EDGEFLOW_OUTBOUND_ALLOW: `${new URL(inject("llmServer")).host},127.0.0.1:9`,
                  GATEWAY_TIMEOUT_MS: "1500",
                },
                // wrangler.toml binds the inference worker (the gateway's `edgeflow` provider); it
                // does not run in this project, so its binding answers as an inference worker that
                // is down would. test/stack runs both workers and calls a served model through it.
                serviceBindings: {
                  INFERENCE: () =>
                    Response.json(
                      {
                        error_code: "TEMPORARILY_UNAVAILABLE",
                        message: "The inference worker is not running.",
                      },
                      { status: 503 },
                    ),
                },
              },
            })),
          ],
          test: {
            name: "tracking",
            include: [
              "packages/*/src/**/*.test.ts",
              "workers/tracking/src/**/*.test.ts",
              "test/**/*.test.ts",
            ],
            exclude: ["test/inference/**", "test/ui/**", "test/repo/**", "test/onnx/**", "test/stack/**"],
            globalSetup: ["./test/setup/s3-server.ts", "./test/setup/llm-server.ts"],
            setupFiles: ["./test/setup/apply-migrations.ts"],
            testTimeout: 30_000,
          },
        },
        {
          plugins: [
            cloudflareTest(({ inject }) => ({
              wrangler: { configPath: "./workers/inference/wrangler.toml" },
              // Auth off as in the tracking project; test/inference/auth.test.ts turns it on per request.
              // The Hub is the loopback stand-in (test/inference/setup/hub-server.ts), allowed by name.
              miniflare: {
                bindings: {
                  TEST_MIGRATIONS: migrations,
                  ...inject("s3Vars"),
                  ...inject("hubVars"),
                  EDGEFLOW_AUTH: "off",
                },
              },
            })),
          ],
          // The same substitutions as workers/inference/wrangler.toml's [alias] (see there).
          resolve: {
            alias: {
              "onnxruntime-web/webgpu": "onnxruntime-web/wasm",
              "onnxruntime-common": "onnxruntime-web/wasm",
            },
          },
          test: {
            name: "inference",
            include: ["workers/inference/src/**/*.test.ts", "test/inference/**/*.test.ts"],
            globalSetup: ["./test/inference/setup/fixtures.ts"],
            setupFiles: ["./test/setup/apply-migrations.ts"],
            testTimeout: 60_000,
          },
        },
        {
          // The quantiser under onnxruntime-node and -web, and the CLI against a whole local stack
          // (infra/local/stack.ts, as `npm start` runs it): plain Node.
          test: {
            name: "node",
            environment: "node",
            include: ["test/onnx/**/*.test.ts", "test/stack/**/*.test.ts"],
            testTimeout: 60_000,
            hookTimeout: 240_000,
          },
        },
        {
          // Checks over the source tree itself (layout, imports, duplicates, paths): plain Node.
          test: {
            name: "repo",
            environment: "node",
            include: ["test/repo/**/*.test.ts"],
          },
        },
        {
          test: {
            name: "ui",
            environment: "node",
            include: ["test/ui/**/*.test.ts"],
            testTimeout: 120_000,
            hookTimeout: 240_000,
          },
        },
      ],
    },
  };
});
