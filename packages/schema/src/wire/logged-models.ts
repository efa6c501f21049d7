/**
 * MLflow 3's logged-model messages (service.proto, v3.5.1): a model with its own id, artifact
 * folder, params, tags and metrics, logged by a run or from outside any run. Declared once:
 * request parsing, response encoding and the TypeScript types all come from these declarations.
 * "Required" follows MLflow's server handlers.
 */
import { loggedModelStatuses } from "../enums";
import { FileInfo } from "./artifacts";
import { bool, enumOf, type Infer, int64, message, numbered, repeated, string } from "./fields";
import { Metric } from "./tracking";

/** LoggedModelStatus, by the numbers protobuf gives them (clients may send either). */
export const LoggedModelStatuses = numbered(loggedModelStatuses, 0);

// --- entities -------------------------------------------------------------------------------

export const LoggedModelTag = message({ key: string(), value: string() });
export const LoggedModelParameter = message({ key: string(), value: string() });
export const LoggedModelRegistrationInfo = message({ name: string(), version: string() });

export const LoggedModelInfo = message({
  model_id: string(),
  experiment_id: string(),
  name: string(),
  creation_timestamp_ms: int64(),
  last_updated_timestamp_ms: int64(),
  artifact_uri: string(),
  status: enumOf(LoggedModelStatuses),
  creator_id: int64(),
  model_type: string(),
  source_run_id: string(),
  status_message: string(),
  tags: repeated(LoggedModelTag),
  registrations: repeated(LoggedModelRegistrationInfo),
});

export const LoggedModelData = message({
  params: repeated(LoggedModelParameter),
  metrics: repeated(Metric),
});

export const LoggedModel = message({ info: LoggedModelInfo, data: LoggedModelData });

// --- requests -------------------------------------------------------------------------------

const modelRef = { model_id: string().req() };

export const CreateLoggedModel = message({
  experiment_id: string().req(),
  name: string(),
  model_type: string(),
  source_run_id: string(),
  params: repeated(LoggedModelParameter),
  tags: repeated(LoggedModelTag),
});
/** get and delete name the model (in the path) and nothing else. */
export const LoggedModelRef = message(modelRef);
export const FinalizeLoggedModel = message({
  ...modelRef,
  status: enumOf(LoggedModelStatuses).req(),
});
export const SetLoggedModelTags = message({ ...modelRef, tags: repeated(LoggedModelTag) });
export const DeleteLoggedModelTag = message({ ...modelRef, tag_key: string().req() });
export const LogLoggedModelParams = message({ ...modelRef, params: repeated(LoggedModelParameter) });
export const ListLoggedModelArtifacts = message({
  ...modelRef,
  artifact_directory_path: string(),
  page_token: string(),
});
/** The UI's file download: GET .../logged-models/{model_id}/artifacts/files?artifact_file_path= */
export const GetLoggedModelArtifact = message({ ...modelRef, artifact_file_path: string() });

export const SearchLoggedModelsDataset = message({
  dataset_name: string().req(),
  dataset_digest: string(),
});
export const SearchLoggedModelsOrderBy = message({
  field_name: string().req(),
  ascending: bool(),
  dataset_name: string(),
  dataset_digest: string(),
});
export const SearchLoggedModels = message({
  experiment_ids: repeated(string()).req(),
  filter: string(),
  datasets: repeated(SearchLoggedModelsDataset),
  max_results: int64(),
  order_by: repeated(SearchLoggedModelsOrderBy),
  page_token: string(),
});

// --- responses ------------------------------------------------------------------------------

export const LoggedModelResponse = message({ model: LoggedModel });
export const SearchLoggedModelsResponse = message({
  models: repeated(LoggedModel),
  next_page_token: string(),
});
export const ListLoggedModelArtifactsResponse = message({
  root_uri: string(),
  files: repeated(FileInfo),
  next_page_token: string(),
});

export type LoggedModelWire = Infer<typeof LoggedModel.spec>;
export type SearchLoggedModelsInput = Infer<typeof SearchLoggedModels.spec>;
export type LoggedModelOrderByWire = Infer<typeof SearchLoggedModelsOrderBy.spec>;
export type LoggedModelDatasetWire = Infer<typeof SearchLoggedModelsDataset.spec>;
