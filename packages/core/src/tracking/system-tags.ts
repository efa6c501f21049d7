/** Tags MLflow itself gives meaning to. */
export const RUN_NAME_TAG = "mlflow.runName";
export const LOGGED_MODELS_TAG = "mlflow.log-model.history";
export const DATASET_CONTEXT_TAG = "mlflow.data.context";
