import type { S3Vars } from "@edgeflow/adapters";
import type { AuthVars } from "@edgeflow/core";
import type { WorkersAi } from "./request-context";

/**
 * The tracking worker's bindings, as declared in wrangler.toml: the bucket's S3_* settings
 * (credentials are secrets) and the auth settings are declared once, in core, beside their readers.
 */
export interface TrackingEnv extends S3Vars, AuthVars {
  DB: D1Database;
  /** The web UI's static files (wrangler.toml [assets]); absent in tests that don't build it. */
  ASSETS?: Fetcher;
  /** The MLflow version this worker answers on /version. */
  EDGEFLOW_VERSION: string;
  /** Root of new experiments' artifact locations, e.g. "mlflow-artifacts:/". */
  DEFAULT_ARTIFACT_ROOT: string;
  /** Comma-separated hosts served (DNS rebinding defence); see auth/hosts.ts for the default. */
  EDGEFLOW_ALLOWED_HOSTS?: string;
  /** The inference worker's URL, told to clients on /edgeflow/info; empty when unknown. */
  EDGEFLOW_INFERENCE_URL?: string;
  /** Comma-separated origins allowed to call the API from a browser; none by default. */
  EDGEFLOW_CORS_ORIGINS?: string;
  /** 32 random bytes, base64: the AES-GCM key of gateway secrets (a wrangler secret). */
  EDGEFLOW_SECRETS_KEY?: string;
  /** Comma-separated host or host:port a gateway provider's base URL may name though private (tests' stand-ins). */
  EDGEFLOW_OUTBOUND_ALLOW?: string;
  /** How long a gateway provider may take to start answering, in ms (default 120000). */
  GATEWAY_TIMEOUT_MS?: string;
  /** The inference worker, for the gateway's `edgeflow` provider (wrangler.toml [[services]]). */
  INFERENCE?: Fetcher;
  /** Workers AI, for the gateway's `cloudflare` provider; bound only where wrangler.toml has [ai]. */
  AI?: WorkersAi;
}
