import type { S3Vars } from "@edgeflow/adapters";
import type { AuthVars } from "@edgeflow/core";

/**
 * The inference worker's bindings, as declared in workers/inference/wrangler.toml; the bucket
 * (S3_*) and auth settings are the tracking worker's, declared once in core and read the same way.
 */
export interface InferenceEnv extends S3Vars, AuthVars {
  /** The tracking worker's database (the model registry). */
  DB: D1Database;
  EDGEFLOW_VERSION: string;
  /** Megabytes of model files the pipeline cache may hold in one isolate (default 64). */
  INFERENCE_MEMORY_BUDGET_MB?: string;
  /** Largest batch /invocations accepts (default 64). */
  INFERENCE_MAX_BATCH?: string;
  /** Origins whose pages may call the model URLs (comma-separated exact origins; none by default). */
  EDGEFLOW_CORS_ORIGINS?: string;
}
