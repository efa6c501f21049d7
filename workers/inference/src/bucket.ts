import "./xml-dom";
import { type ArtifactStore, S3ArtifactStore } from "@edgeflow/core";
import { MlflowError } from "@edgeflow/schema";
import type { InferenceEnv } from "./env";

let cached: { key: string; store: ArtifactStore } | undefined;

/** The artifact bucket the tracking worker writes (same S3_* settings); one client per isolate. */
export function bucketOf(env: InferenceEnv): ArtifactStore {
  if (!env.S3_ENDPOINT || !env.S3_BUCKET) {
    throw new MlflowError(
      "TEMPORARILY_UNAVAILABLE",
      "The artifact store is not configured: set S3_ENDPOINT and S3_BUCKET (and the S3 credentials).",
    );
  }
  const key = [env.S3_ENDPOINT, env.S3_BUCKET, env.S3_PREFIX ?? "", env.S3_ACCESS_KEY_ID ?? ""].join("|");
  if (cached?.key !== key) {
    cached = {
      key,
      store: new S3ArtifactStore({
        endpoint: env.S3_ENDPOINT,
        region: env.S3_REGION || "auto",
        bucket: env.S3_BUCKET,
        accessKeyId: env.S3_ACCESS_KEY_ID ?? "",
        secretAccessKey: env.S3_SECRET_ACCESS_KEY ?? "",
        forcePathStyle: env.S3_FORCE_PATH_STYLE !== "false",
        prefix: env.S3_PREFIX,
      }),
    };
  }
  return cached.store;
}

/** A whole file from the bucket, or undefined when it is absent. */
export async function readBytes(store: ArtifactStore, path: string): Promise<Uint8Array | undefined> {
  const object = await store.get(path);
  if (!object) return undefined;
  return new Uint8Array(await new Response(object.body).arrayBuffer());
}
