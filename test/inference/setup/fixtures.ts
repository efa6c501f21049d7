import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { FIXTURES, uploadFixtures } from "../../../bench/inference/fixtures";
import { localS3Vars, startLocalS3 } from "../../../infra/local/s3-server";
import { MLFLOW_TRANSFORMERS_FIXTURES } from "./mlflow-transformers";

declare module "vitest" {
  export interface ProvidedContext {
    s3Vars: Record<string, string>;
    /** Fixture name → its folder in the bucket (under mlflow-artifacts:/). */
    fixturePaths: Record<string, string>;
  }
}

/**
 * The inference tests' bucket: a real S3-compatible server on loopback holding the shared model
 * fixtures (../shared/models and ../shared/mlflow-models beside the repository), uploaded once.
 */
export default async function setup(project: TestProject) {
  const directory = mkdtempSync(join(tmpdir(), "edgeflow-s3-inference-"));
  const s3 = await startLocalS3(directory);
  const vars = localS3Vars(s3);
  project.provide("s3Vars", vars);
  project.provide(
    "fixturePaths",
    await uploadFixtures(vars, { ...FIXTURES, ...MLFLOW_TRANSFORMERS_FIXTURES }),
  );
  return async () => {
    await s3.close();
    rmSync(directory, { recursive: true, force: true });
  };
}
