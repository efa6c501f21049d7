/** Typed calls to the model registry API. */
import type { ModelVersionWire, RegisteredModelWire } from "@edgeflow/schema";
import { get, post } from "./client";

export type { ModelVersionWire, RegisteredModelWire };

export async function searchModels(filter: string): Promise<RegisteredModelWire[]> {
  const body = await get<{ registered_models?: RegisteredModelWire[] }>("registered-models/search", {
    filter: filter || undefined,
    max_results: 1000,
  });
  return body.registered_models ?? [];
}

export const getModel = (name: string) =>
  get<{ registered_model: RegisteredModelWire }>("registered-models/get", { name }).then(
    (r) => r.registered_model,
  );
export const createModel = (name: string) => post("registered-models/create", { name });

export async function searchVersions(filter: string): Promise<ModelVersionWire[]> {
  const body = await get<{ model_versions?: ModelVersionWire[] }>("model-versions/search", {
    filter,
    max_results: 1000,
  });
  return body.model_versions ?? [];
}

export const getVersion = (name: string, version: string) =>
  get<{ model_version: ModelVersionWire }>("model-versions/get", { name, version }).then(
    (r) => r.model_version,
  );
export const createVersion = (name: string, source: string, runId: string) =>
  post<{ model_version: ModelVersionWire }>("model-versions/create", { name, source, run_id: runId }).then(
    (r) => r.model_version,
  );
export const setAlias = (name: string, alias: string, version: string) =>
  post("registered-models/alias", { name, alias, version });
export const deleteAlias = (name: string, alias: string) =>
  post("registered-models/alias", { name, alias }, "DELETE");
export const transitionStage = (name: string, version: string, stage: string) =>
  post("model-versions/transition-stage", { name, version, stage, archive_existing_versions: false });
export const setModelTag = (name: string, key: string, value: string) =>
  post("registered-models/set-tag", { name, key, value });
export const setVersionTag = (name: string, version: string, key: string, value: string) =>
  post("model-versions/set-tag", { name, version, key, value });

export const versionArtifactUrl = (name: string, version: string, path: string) =>
  `/model-versions/get-artifact?${new URLSearchParams({ name, version, path })}`;
