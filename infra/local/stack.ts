/**
 * The whole local stack as one call, shared by `npm start` (start.ts) and the browser tests
 * (test/ui): the UI built if stale, local D1 migrated, an S3-compatible server, and both workers.
 */
import { resolve } from "node:path";
import { localAuthVars } from "./auth-vars";
import { applyLocalMigrations } from "./d1-migrations";
import { localS3Vars, startLocalS3 } from "./s3-server";
import { localSecretsKey } from "./secrets-key";
import { startStackWorkers } from "./stack-runtime";
import { ensureUiBuilt } from "./ui-build";
import type { LocalWorker } from "./worker-runtime";

export interface LocalStack {
  tracking: LocalWorker;
  inference: LocalWorker;
  s3: { endpoint: string; bucket: string };
  authSummary: string;
  stop(): Promise<void>;
}

/**
 * The web UI's "Try it" panel calls the inference worker from the tracking worker's origin, so
 * that origin (as 127.0.0.1 and as localhost) is allowed there, beside any the user listed. Only
 * these exact origins: credentials may ride along, so nothing wider is safe.
 */
export function inferenceOrigins(listed: string | undefined, trackingPort: number): string {
  const ui = [`http://127.0.0.1:${trackingPort}`, `http://localhost:${trackingPort}`];
  return [...(listed ? listed.split(",") : []), ...ui].join(",");
}

export async function startLocalStack(options: {
  stateDir: string;
  port: number;
  inferencePort: number;
  environment?: NodeJS.ProcessEnv;
}): Promise<LocalStack> {
  const persistTo = resolve(options.stateDir, "wrangler");
  // Off unless EDGEFLOW_AUTH=on (wrangler.toml has it on for deployed workers).
  const auth = localAuthVars(options.environment);
  await ensureUiBuilt();
  await applyLocalMigrations(persistTo);
  const s3 = await startLocalS3(resolve(options.stateDir, "s3"));
  const vars = { ...localS3Vars(s3), ...auth.vars };
  const [tracking, inference] = await startStackWorkers(
    [
      {
        configPath: "wrangler.toml",
        port: options.port,
        // The CLI asks /edgeflow/info where models are served.
        vars: {
          ...vars,
          EDGEFLOW_INFERENCE_URL: `http://127.0.0.1:${options.inferencePort}`,
          EDGEFLOW_SECRETS_KEY: localSecretsKey(options.stateDir, options.environment),
        },
      },
      {
        configPath: "workers/inference/wrangler.toml",
        port: options.inferencePort,
        vars: { ...vars, EDGEFLOW_CORS_ORIGINS: inferenceOrigins(vars.EDGEFLOW_CORS_ORIGINS, options.port) },
      },
    ],
    persistTo,
  );
  if (!tracking || !inference) throw new Error("the local stack's workers did not start");
  return {
    tracking,
    inference,
    s3,
    authSummary: auth.summary,
    stop: async () => {
      await Promise.allSettled([tracking.dispose(), inference.dispose(), s3.close()]);
    },
  };
}
