/** Registry rows → MLflow JSON shapes: pure functions, with MLflow's rules for omitted fields. */
import type {
  ModelVersionRow,
  ModelVersionTagRow,
  ModelVersionWire,
  RegisteredModelAliasRow,
  RegisteredModelRow,
  RegisteredModelTagRow,
  RegisteredModelWire,
} from "@edgeflow/schema";

export interface ModelVersionParts {
  version: ModelVersionRow;
  tags: ModelVersionTagRow[];
  /** Names of the aliases pointing at this version. */
  aliases: string[];
}

export interface RegisteredModelParts {
  model: RegisteredModelRow;
  tags: RegisteredModelTagRow[];
  aliases: RegisteredModelAliasRow[];
  /** The highest version in each stage that has any. */
  latestVersions: ModelVersionParts[];
}

/**
 * MLflow writes description, run_id and run_link whenever they are not None, so a version created
 * without them shows "" (they are stored as ""), while a description cleared by an update without
 * one (stored as null) is left out. status_message is left out when empty.
 */
export function modelVersionToWire(parts: ModelVersionParts): ModelVersionWire {
  const { version: row } = parts;
  return {
    name: row.name,
    version: String(row.version),
    creation_timestamp: row.creationTime,
    last_updated_timestamp: row.lastUpdatedTime,
    user_id: row.userId ?? undefined,
    current_stage: row.currentStage,
    description: row.description ?? undefined,
    source: row.source,
    run_id: row.runId ?? undefined,
    status: row.status,
    status_message: row.statusMessage || undefined,
    tags: parts.tags.map((tag) => ({ key: tag.key, value: tag.value ?? "" })),
    run_link: row.runLink ?? undefined,
    aliases: parts.aliases,
    model_id: row.modelId ?? undefined,
  };
}

/** A registered model's empty description is left out, as MLflow does. */
export function registeredModelToWire(parts: RegisteredModelParts): RegisteredModelWire {
  const { model } = parts;
  return {
    name: model.name,
    creation_timestamp: model.creationTime,
    last_updated_timestamp: model.lastUpdatedTime,
    description: model.description || undefined,
    latest_versions: parts.latestVersions.map(modelVersionToWire),
    tags: parts.tags.map((tag) => ({ key: tag.key, value: tag.value ?? "" })),
    aliases: parts.aliases.map((alias) => ({ alias: alias.alias, version: String(alias.version) })),
  };
}
