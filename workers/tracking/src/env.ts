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
  /** "on" (wrangler.toml) or "off" (`npm start` by default); see packages/core/src/auth/config.ts. */
  EDGEFLOW_AUTH?: string;
  /** READ, EDIT, MANAGE or NO_PERMISSIONS (the default): what users may do without a grant. */
  EDGEFLOW_DEFAULT_PERMISSION?: string;
  /** The first admin, used only while no admin exists (wrangler secrets). */
  EDGEFLOW_ADMIN_USERNAME?: string;
  EDGEFLOW_ADMIN_PASSWORD?: string;
  /** Comma-separated hosts served (DNS rebinding defence); see auth/hosts.ts for the default. */
  EDGEFLOW_ALLOWED_HOSTS?: string;
  /** Comma-separated origins allowed to call the API from a browser; none by default. */
  EDGEFLOW_CORS_ORIGINS?: string;
}
