/**
 * MLflow's model registry messages (mlflow/protos/model_registry.proto, v2.12.2), declared once:
 * request parsing, response encoding and the TypeScript types all come from these declarations.
 * "Required" follows MLflow's server handlers (what they reject as missing), not the proto's
 * annotations: e.g. a tag's value and archive_existing_versions may be left out.
 */
import { modelVersionStatuses } from "../enums";
import { bool, enumOf, type Infer, int64, message, numbered, repeated, string } from "./fields";

export const ModelVersionStatuses = numbered(modelVersionStatuses, 1);

// --- entities -------------------------------------------------------------------------------

/**
 * Registered-model tags the inference worker routes by (packages/core/src/inference/traffic.ts):
 * `edgeflow.traffic.<alias>` = {"3": 90, "4": 10} splits the alias's requests by weight,
 * `edgeflow.shadow.<alias>` = "5" hands version 5 a copy of each. Here so the web UI shows them.
 */
export const TRAFFIC_TAG_PREFIX = "edgeflow.traffic.";
export const SHADOW_TAG_PREFIX = "edgeflow.shadow.";
/** `edgeflow.request_logging` = "true" or {"experiment_id", "sample_rate", "max_payload_bytes"}: invocations as traces. */
export const REQUEST_LOGGING_TAG = "edgeflow.request_logging";

export const RegisteredModelTag = message({ key: string(), value: string() });
export const ModelVersionTag = message({ key: string(), value: string() });
export const RegisteredModelAlias = message({ alias: string(), version: string() });

export const ModelVersion = message({
  name: string(),
  version: string(),
  creation_timestamp: int64(),
  last_updated_timestamp: int64(),
  user_id: string(),
  current_stage: string(),
  description: string(),
  source: string(),
  run_id: string(),
  status: enumOf(ModelVersionStatuses),
  status_message: string(),
  tags: repeated(ModelVersionTag),
  run_link: string(),
  aliases: repeated(string()),
  /** MLflow 3: the logged model this version was registered from. */
  model_id: string(),
});

export const RegisteredModel = message({
  name: string(),
  creation_timestamp: int64(),
  last_updated_timestamp: int64(),
  user_id: string(),
  description: string(),
  latest_versions: repeated(ModelVersion),
  tags: repeated(RegisteredModelTag),
  aliases: repeated(RegisteredModelAlias),
});

// --- requests -------------------------------------------------------------------------------

const modelRef = { name: string().req() };
const versionRef = { name: string().req(), version: string().req() };

export const CreateRegisteredModel = message({
  ...modelRef,
  tags: repeated(RegisteredModelTag),
  description: string(),
});
export const RenameRegisteredModel = message({ ...modelRef, new_name: string().req() });
export const UpdateRegisteredModel = message({ ...modelRef, description: string() });
export const RegisteredModelNameOnly = message(modelRef);
export const SearchRegisteredModels = message({
  filter: string(),
  max_results: int64(),
  order_by: repeated(string()),
  page_token: string(),
});
export const GetLatestVersions = message({ ...modelRef, stages: repeated(string()) });
export const SetRegisteredModelTag = message({ ...modelRef, key: string().req(), value: string() });
export const DeleteRegisteredModelTag = message({ ...modelRef, key: string().req() });

export const CreateModelVersion = message({
  ...modelRef,
  source: string().req(),
  run_id: string(),
  tags: repeated(ModelVersionTag),
  run_link: string(),
  description: string(),
  /** MLflow 3: the logged model registered (with a `models:/<model_id>` source). */
  model_id: string(),
});
export const UpdateModelVersion = message({ ...versionRef, description: string() });
export const TransitionModelVersionStage = message({
  ...versionRef,
  stage: string().req(),
  archive_existing_versions: bool(),
});
/** get, delete and get-download-uri all name one version and nothing else. */
export const ModelVersionRef = message(versionRef);
export const SearchModelVersions = message({
  filter: string(),
  max_results: int64(),
  order_by: repeated(string()),
  page_token: string(),
});
export const SetModelVersionTag = message({ ...versionRef, key: string().req(), value: string() });
export const DeleteModelVersionTag = message({ ...versionRef, key: string().req() });

export const SetRegisteredModelAlias = message({
  ...modelRef,
  alias: string().req(),
  version: string().req(),
});
/** delete (DELETE registered-models/alias) and get (GET registered-models/alias) by alias. */
export const RegisteredModelAliasRef = message({ ...modelRef, alias: string().req() });

// --- responses ------------------------------------------------------------------------------

export const RegisteredModelResponse = message({ registered_model: RegisteredModel });
export const SearchRegisteredModelsResponse = message({
  registered_models: repeated(RegisteredModel),
  next_page_token: string(),
});
export const ModelVersionResponse = message({ model_version: ModelVersion });
export const ModelVersionsResponse = message({ model_versions: repeated(ModelVersion) });
export const SearchModelVersionsResponse = message({
  model_versions: repeated(ModelVersion),
  next_page_token: string(),
});
export const ModelVersionDownloadUriResponse = message({ artifact_uri: string() });

export type RegisteredModelWire = Infer<typeof RegisteredModel.spec>;
export type ModelVersionWire = Infer<typeof ModelVersion.spec>;
export type RegisteredModelTagWire = Infer<typeof RegisteredModelTag.spec>;
export type ModelVersionTagWire = Infer<typeof ModelVersionTag.spec>;
