import type { ArtifactStore } from "./artifacts/store";
import type { ReadScope } from "./auth/scope";
import type { Database } from "./db";
import type { ArtifactBucket } from "./tracking/artifact-location";

/** What every operation runs against: the database, the artifact bucket, a clock and the artifact root. */
export interface TrackingContext {
  db: Database;
  /** The bucket behind mlflow-artifacts:/ (built on first use). */
  readonly artifacts: ArtifactStore;
  /** Milliseconds since the epoch. */
  now(): number;
  /** Root for new experiments' artifact locations, e.g. "mlflow-artifacts:/". */
  artifactRoot: string;
  /** The bucket behind mlflow-artifacts:/, so s3:// locations inside it are recognised. */
  artifactBucket?: ArtifactBucket;
  /** With auth on, what a non-admin caller may see: searches AND it into their SQL. */
  readScope?: ReadScope;
}
