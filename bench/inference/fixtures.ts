/**
 * The shared model fixtures (../shared/models, ../shared/mlflow-models beside the repository),
 * uploaded to an S3-compatible bucket for the inference tests and the benchmark. Nothing is copied
 * into the repository.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";

export const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
export const sharedRoot = resolve(repoRoot, "..", "shared");

export interface Fixture {
  /** Folder under sharedRoot. */
  folder: string;
  /** An absolute folder to upload instead of `folder` (fixtures generated into a temp dir). */
  directory?: string;
  /** Replaces the folder's MLmodel with this sibling file (e.g. "MLmodel.feature-extraction"). */
  mlmodel?: string;
  /** Replaces the folder's MLmodel with this text. */
  mlmodelText?: string;
  /** Where each file goes in the bucket (relative to the fixture's folder); undefined leaves it out. */
  place?: (key: string) => string | undefined;
}

export const FIXTURES: Record<string, Fixture> = {
  sst2: { folder: "models/sst2-bert-mini" },
  "sst2-features": { folder: "models/sst2-bert-mini", mlmodel: "MLmodel.feature-extraction" },
  conll03: { folder: "models/conll03-bert-mini" },
  stories: { folder: "models/stories260K" },
  "iris-onnx": { folder: "mlflow-models/iris-onnx" },
  "iris-sklearn-pickle": { folder: "mlflow-models/iris-sklearn-pickle" },
  "pyfunc-custom": { folder: "mlflow-models/pyfunc-custom" },
};

function filesOf(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    return statSync(path).isDirectory() ? filesOf(path) : [path];
  });
}

/** Uploads each fixture to `fixtures/<name>/` and returns name → bucket folder. */
export async function uploadFixtures(
  vars: Record<string, string>,
  fixtures: Record<string, Fixture>,
): Promise<Record<string, string>> {
  const client = new S3Client({
    endpoint: vars.S3_ENDPOINT,
    region: vars.S3_REGION ?? "us-east-1",
    forcePathStyle: true,
    credentials: {
      accessKeyId: vars.S3_ACCESS_KEY_ID ?? "",
      secretAccessKey: vars.S3_SECRET_ACCESS_KEY ?? "",
    },
  });
  const out: Record<string, string> = {};
  for (const [name, fixture] of Object.entries(fixtures)) {
    const directory = fixture.directory ?? resolve(sharedRoot, fixture.folder);
    const prefix = `fixtures/${name}`;
    for (const file of filesOf(directory)) {
      const key = relative(directory, file).split("\\").join("/");
      // Variants, expectations and the fp32 graphs (the q8 ones are served) stay behind.
      if (
        key.startsWith("MLmodel.") ||
        key === "expected.json" ||
        (fixture.folder.startsWith("models/") && key === "onnx/model.onnx")
      )
        continue;
      const source = key === "MLmodel" && fixture.mlmodel ? join(directory, fixture.mlmodel) : file;
      const body = key === "MLmodel" && fixture.mlmodelText ? fixture.mlmodelText : readFileSync(source);
      const placed = fixture.place ? fixture.place(key) : key;
      if (placed === undefined) continue;
      await client.send(
        new PutObjectCommand({ Bucket: vars.S3_BUCKET, Key: `${prefix}/${placed}`, Body: body }),
      );
    }
    out[name] = prefix;
  }
  client.destroy();
  return out;
}
