import { artifactStoreFromVars } from "@edgeflow/adapters";
import type { ArtifactStore } from "@edgeflow/core";
import type { TrackingEnv } from "./env";

/** The bucket behind mlflow-artifacts:/, configured by the S3_* vars and secrets. */
export function artifactStoreOf(env: TrackingEnv): ArtifactStore {
  return artifactStoreFromVars(env);
}
