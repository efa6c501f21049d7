import { MlflowError } from "@edgeflow/schema";
import type { TrackingContext } from "../context";
import { logRunData } from "./log-batch";
import { getRunRow, loadRuns, requireActiveRun } from "./run-reader";
import { LOGGED_MODELS_TAG } from "./system-tags";

const REQUIRED_MODEL_FIELDS = ["artifact_path", "flavors", "utc_time_created", "run_id"];

/** Records an MLmodel's metadata in the run's `mlflow.log-model.history` tag, as MLflow does. */
export async function logModel(ctx: TrackingContext, runId: string, modelJson: string): Promise<void> {
  let model: unknown;
  try {
    model = JSON.parse(modelJson);
  } catch {
    throw MlflowError.invalidParameter(`Malformed model info. \n ${modelJson} \n is not a valid JSON.`);
  }
  if (typeof model !== "object" || model === null || Array.isArray(model)) {
    throw MlflowError.invalidParameter(`Malformed model info. \n ${modelJson} \n is not a JSON object.`);
  }
  const missing = REQUIRED_MODEL_FIELDS.filter((field) => !(field in model));
  if (missing.length > 0) {
    throw MlflowError.invalidParameter(
      `Model json is missing mandatory fields: {${missing.map((f) => `'${f}'`).join(", ")}}`,
    );
  }
  requireActiveRun(await getRunRow(ctx, runId));
  const [parts] = await loadRuns(ctx, [runId]);
  const previous = parts?.tags.find((tag) => tag.key === LOGGED_MODELS_TAG)?.value;
  let history: unknown[] = [];
  try {
    const parsed = previous ? JSON.parse(previous) : [];
    history = Array.isArray(parsed) ? parsed : [];
  } catch {
    history = [];
  }
  await logRunData(ctx, runId, {
    tags: [{ key: LOGGED_MODELS_TAG, value: JSON.stringify([...history, model]) }],
  });
}
