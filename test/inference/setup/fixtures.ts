import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { FIXTURES, sharedRoot, uploadFixtures } from "../../../bench/inference/fixtures";
import { localS3Vars, startLocalS3 } from "../../../infra/local/s3-server";
import { encoderFixtures } from "../../fixtures/encoder-models";
import { seq2seqFixtures } from "../../fixtures/seq2seq-models";
import { startHubServer } from "./hub-server";
import { MLFLOW_TRANSFORMERS_FIXTURES } from "./mlflow-transformers";

declare module "vitest" {
  export interface ProvidedContext {
    s3Vars: Record<string, string>;
    /** Fixture name → its folder in the bucket (under mlflow-artifacts:/). */
    fixturePaths: Record<string, string>;
    /** HF_ENDPOINT (the loopback Hub stand-in) and EDGEFLOW_OUTBOUND_ALLOW naming it. */
    hubVars: Record<string, string>;
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
  const hub = await startHubServer(join(sharedRoot, "models/sst2-bert-mini"));
  project.provide("hubVars", {
    HF_ENDPOINT: hub.url,
    EDGEFLOW_OUTBOUND_ALLOW: new URL(hub.url).host,
  });
  // Generated encoder models (fill-mask, QA, zero-shot, image) and Node's answers for them.
  const encoder = await encoderFixtures();
  project.provide("encoderCases", encoder.cases);
  // Generated T5, Marian and wav2vec2 models (seq2seq and speech) and Node's answers for them.
  const seq2seq = await seq2seqFixtures();
  project.provide("seq2seqCases", seq2seq.cases);
  project.provide(
    "fixturePaths",
    await uploadFixtures(vars, {
      ...FIXTURES,
      ...MLFLOW_TRANSFORMERS_FIXTURES,
      ...encoder.fixtures,
      ...seq2seq.fixtures,
    }),
  );
  encoder.remove();
  seq2seq.remove();
  return async () => {
    await Promise.all([s3.close(), hub.close()]);
    rmSync(directory, { recursive: true, force: true });
  };
}
