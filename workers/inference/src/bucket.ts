import { artifactStoreFromVars } from "@edgeflow/adapters";
import type { ArtifactStore } from "@edgeflow/core";
import type { InferenceEnv } from "./env";

/** The artifact bucket the tracking worker writes (the same S3_* settings). */
export function bucketOf(env: InferenceEnv): ArtifactStore {
  return artifactStoreFromVars(env);
}

/** A whole file from the bucket, or undefined when it is absent. */
export async function readBytes(store: ArtifactStore, path: string): Promise<Uint8Array | undefined> {
  const object = await store.get(path);
  if (!object) return undefined;
  return new Uint8Array(await new Response(object.body).arrayBuffer());
}
