/**
 * The artifact benchmark's stack, in this process: a local S3 server (child process), local D1 with
 * migrations, and the tracking worker bundle in Miniflare — the same pieces `npm start` runs, so
 * the raw S3 baseline can talk to the very server the worker uses.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { applyLocalMigrations } from "../../infra/local/d1-migrations";
import { freePort } from "../../infra/local/ports";
import { LOCAL_S3_CREDENTIALS, type LocalS3, localS3Vars, startLocalS3 } from "../../infra/local/s3-server";
import { ensureUiBuilt } from "../../infra/local/ui-build";
import { type LocalWorker, startLocalWorker } from "../../infra/local/worker-runtime";

export interface ArtifactStack {
  workerUrl: string;
  s3: LocalS3;
  credentials: typeof LOCAL_S3_CREDENTIALS;
  stop(): Promise<void>;
}

export async function startArtifactStack(): Promise<ArtifactStack> {
  const stateDir = mkdtempSync(join(tmpdir(), "edgeflow-bench-artifacts-"));
  const persistTo = join(stateDir, "wrangler");
  // The tracking worker serves the UI as static assets: a fresh clone has none built yet.
  await ensureUiBuilt();
  await applyLocalMigrations(persistTo);
  const s3 = await startLocalS3(join(stateDir, "s3"));
  let worker: LocalWorker | undefined;
  try {
    worker = await startLocalWorker({
      configPath: "wrangler.toml",
      outdir: join(stateDir, "build"),
      persistTo,
      registryPath: join(stateDir, "registry"),
      port: await freePort(),
      vars: { ...localS3Vars(s3), EDGEFLOW_AUTH: "off" },
    });
  } catch (error) {
    await s3.close();
    throw error;
  }
  const started = worker;
  return {
    workerUrl: started.url,
    s3,
    credentials: LOCAL_S3_CREDENTIALS,
    stop: async () => {
      await Promise.allSettled([started.dispose(), s3.close()]);
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}
