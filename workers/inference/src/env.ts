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
  /** Where Hub references (save_pretrained=False models) are fetched from (default the public Hub). */
  HF_ENDPOINT?: string;
  /** A Hub token for gated or private repos (a secret: `wrangler secret put HF_TOKEN`). */
  HF_TOKEN?: string;
  /** Hosts outbound calls may reach although private or plain http ("host" or "host:port", comma-separated). */
  EDGEFLOW_OUTBOUND_ALLOW?: string;
}
