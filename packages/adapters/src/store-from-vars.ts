import type { ArtifactStore } from "@edgeflow/core";
import { MlflowError } from "@edgeflow/schema";
import { S3ArtifactStore } from "./s3-store";

/** The bucket settings as plain strings (wrangler vars and secrets), shared by both workers. */
export interface S3Vars {
  /** S3-compatible endpoint, e.g. https://<account>.r2.cloudflarestorage.com. */
  S3_ENDPOINT?: string;
  S3_REGION?: string;
  S3_BUCKET?: string;
  /** "false" for virtual-host addressing; path-style otherwise (R2, MinIO and local servers). */
  S3_FORCE_PATH_STYLE?: string;
  /** Optional key prefix inside the bucket. */
  S3_PREFIX?: string;
  S3_ACCESS_KEY_ID?: string;
  S3_SECRET_ACCESS_KEY?: string;
}

let cached: { key: string; store: ArtifactStore } | undefined;

/** The bucket behind mlflow-artifacts:/; one client per isolate, rebuilt only if settings change. */
export function artifactStoreFromVars(vars: S3Vars): ArtifactStore {
  if (!vars.S3_ENDPOINT || !vars.S3_BUCKET) {
    throw new MlflowError(
      "TEMPORARILY_UNAVAILABLE",
      "The artifact store is not configured: set S3_ENDPOINT and S3_BUCKET (and the S3 credentials).",
    );
  }
  const key = [vars.S3_ENDPOINT, vars.S3_BUCKET, vars.S3_PREFIX ?? "", vars.S3_ACCESS_KEY_ID ?? ""].join("|");
  if (cached?.key !== key) {
    cached = {
      key,
      store: new S3ArtifactStore({
        endpoint: vars.S3_ENDPOINT,
        region: vars.S3_REGION || "auto",
        bucket: vars.S3_BUCKET,
        accessKeyId: vars.S3_ACCESS_KEY_ID ?? "",
        secretAccessKey: vars.S3_SECRET_ACCESS_KEY ?? "",
        forcePathStyle: vars.S3_FORCE_PATH_STYLE !== "false",
        prefix: vars.S3_PREFIX,
      }),
    };
  }
  return cached.store;
}
