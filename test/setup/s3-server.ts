import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { localS3Vars, startLocalS3 } from "../../infra/local/s3-server";

declare module "vitest" {
  export interface ProvidedContext {
    s3Vars: Record<string, string>;
  }
}

/** One real S3-compatible server on loopback for the whole run; the workers get its address. */
export default async function setup(project: TestProject) {
  const directory = mkdtempSync(join(tmpdir(), "edgeflow-s3-"));
  const s3 = await startLocalS3(directory);
  project.provide("s3Vars", localS3Vars(s3));
  return async () => {
    await s3.close();
    rmSync(directory, { recursive: true, force: true });
  };
}
