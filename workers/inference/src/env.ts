import type { AuthVars } from "@edgeflow/core";

/**
 * The inference worker's bindings, as declared in workers/inference/wrangler.toml; the auth
 * settings (EDGEFLOW_AUTH, admin secrets) are the tracking worker's, read the same way.
 */
export interface InferenceEnv extends AuthVars {
  /** The tracking worker's database (the model registry). */
  DB: D1Database;
  EDGEFLOW_VERSION: string;
  S3_ENDPOINT?: string;
  S3_REGION?: string;
  S3_BUCKET?: string;
  S3_FORCE_PATH_STYLE?: string;
  S3_PREFIX?: string;
  S3_ACCESS_KEY_ID?: string;
  S3_SECRET_ACCESS_KEY?: string;
  /** Megabytes of model files the pipeline cache may hold in one isolate (default 64). */
  INFERENCE_MEMORY_BUDGET_MB?: string;
  /** Largest batch /invocations accepts (default 64). */
  INFERENCE_MAX_BATCH?: string;
}
