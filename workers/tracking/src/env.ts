/** The tracking worker's bindings, as declared in wrangler.toml (S3 credentials are secrets). */
export interface TrackingEnv {
  DB: D1Database;
  /** The MLflow version this worker answers on /version. */
  EDGEFLOW_VERSION: string;
  /** Root of new experiments' artifact locations, e.g. "mlflow-artifacts:/". */
  DEFAULT_ARTIFACT_ROOT: string;
  /** S3-compatible endpoint of the artifact bucket, e.g. https://<account>.r2.cloudflarestorage.com. */
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
