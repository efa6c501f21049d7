import { MlflowError, type ModelVersionStage, modelVersionStages } from "@edgeflow/schema";

/** Stages that archive_existing_versions may be used with (and get_latest_versions' old default). */
export const ACTIVE_STAGES: readonly ModelVersionStage[] = ["Staging", "Production"];

/** A stage in MLflow's canonical spelling; input is case-insensitive ("production" → "Production"). */
export function canonicalStage(stage: string): ModelVersionStage {
  const found = modelVersionStages.find((candidate) => candidate.toLowerCase() === stage.toLowerCase());
  if (found === undefined) {
    throw MlflowError.invalidParameter(
      `Invalid Model Version stage: ${stage}. Value must be one of ${modelVersionStages.join(", ")}.`,
    );
  }
  return found;
}
