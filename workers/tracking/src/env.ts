/** The tracking worker's bindings, as declared in wrangler.toml. */
export interface TrackingEnv {
  DB: D1Database;
  /** The MLflow version this worker answers on /version. */
  EDGEFLOW_VERSION: string;
  /** Root of new experiments' artifact locations, e.g. "mlflow-artifacts:/". */
  DEFAULT_ARTIFACT_ROOT: string;
}
