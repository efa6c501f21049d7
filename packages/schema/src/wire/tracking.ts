/**
 * MLflow's tracking service messages (mlflow/protos/service.proto), declared once: request
 * parsing, response encoding and the TypeScript types all come from these declarations.
 */
import { runStatuses, viewTypes } from "../enums";
import { bool, double, enumOf, type Infer, int64, message, numbered, repeated, string } from "./fields";

export const ViewTypes = numbered(viewTypes, 1);

/**
 * What one log-batch may carry (MLflow's validation.py): the server refuses more, and clients
 * (the SDK's batcher) split their queues by the same numbers.
 */
export const logBatchLimits = {
  metrics: 1000,
  paramsOrTags: 100,
  entities: 1000,
  requestBytes: 1_000_000,
} as const;
export const RunStatuses = numbered(runStatuses, 1);

// --- entities -------------------------------------------------------------------------------

export const Metric = message({
  key: string().req(),
  value: double().req(),
  timestamp: int64().req(),
  step: int64(),
  // MLflow 3: a metric may belong to a logged model, computed on a dataset.
  dataset_name: string(),
  dataset_digest: string(),
  model_id: string(),
  run_id: string(),
});
export const Param = message({ key: string().req(), value: string() });
export const RunTag = message({ key: string().req(), value: string() });
export const ExperimentTag = message({ key: string().req(), value: string() });

export const Experiment = message({
  experiment_id: string(),
  name: string(),
  artifact_location: string(),
  lifecycle_stage: string(),
  last_update_time: int64(),
  creation_time: int64(),
  tags: repeated(ExperimentTag),
});

export const RunInfo = message({
  run_id: string(),
  run_uuid: string(),
  run_name: string(),
  experiment_id: string(),
  user_id: string(),
  status: enumOf(RunStatuses),
  start_time: int64(),
  end_time: int64(),
  artifact_uri: string(),
  lifecycle_stage: string(),
});

export const RunData = message({
  metrics: repeated(Metric),
  params: repeated(Param),
  tags: repeated(RunTag),
});

export const Dataset = message({
  name: string().req(),
  digest: string().req(),
  source_type: string().req(),
  source: string().req(),
  schema: string(),
  profile: string(),
});
export const InputTag = message({ key: string().req(), value: string().req() });
export const DatasetInput = message({ tags: repeated(InputTag), dataset: Dataset.req() });
/** MLflow 3: a logged model a run used (ModelInput) or produced at a step (ModelOutput). */
export const ModelInput = message({ model_id: string().req() });
export const ModelOutput = message({ model_id: string().req(), step: int64().req() });
export const RunInputs = message({
  dataset_inputs: repeated(DatasetInput),
  model_inputs: repeated(ModelInput),
});
export const RunOutputs = message({ model_outputs: repeated(ModelOutput) });

export const Run = message({ info: RunInfo, data: RunData, inputs: RunInputs, outputs: RunOutputs });

export const MetricWithRunId = message({
  key: string(),
  value: double(),
  timestamp: int64(),
  step: int64(),
  run_id: string(),
});

// --- requests -------------------------------------------------------------------------------

export const CreateExperiment = message({
  name: string().req(),
  artifact_location: string(),
  tags: repeated(ExperimentTag),
});
export const SearchExperiments = message({
  max_results: int64(),
  page_token: string(),
  filter: string(),
  order_by: repeated(string()),
  view_type: enumOf(ViewTypes),
});
export const GetExperiment = message({ experiment_id: string().req() });
export const GetExperimentByName = message({ experiment_name: string().req() });
export const ExperimentIdOnly = message({ experiment_id: string().req() });
export const UpdateExperiment = message({ experiment_id: string().req(), new_name: string().req() });
export const SetExperimentTag = message({
  experiment_id: string().req(),
  key: string().req(),
  value: string(),
});
export const DeleteExperimentTag = message({ experiment_id: string().req(), key: string().req() });

export const CreateRun = message({
  experiment_id: string(),
  user_id: string(),
  run_name: string(),
  start_time: int64(),
  tags: repeated(RunTag),
});
/** Messages that name a run accept MLflow's legacy `run_uuid` alias; see `runIdOf`. */
const runRef = { run_id: string(), run_uuid: string() };
export const UpdateRun = message({
  ...runRef,
  status: enumOf(RunStatuses),
  end_time: int64(),
  run_name: string(),
});
export const RunIdOnly = message({ run_id: string().req() });
export const GetRun = message(runRef);
export const LogMetric = message({
  ...runRef,
  key: string().req(),
  value: double().req(),
  timestamp: int64().req(),
  step: int64(),
  // MLflow 3: the logged model the metric belongs to, and the dataset it was computed on.
  model_id: string(),
  dataset_name: string(),
  dataset_digest: string(),
});
export const LogParam = message({ ...runRef, key: string().req(), value: string() });
export const SetTag = message({ ...runRef, key: string().req(), value: string() });
export const DeleteTag = message({ run_id: string().req(), key: string().req() });
// An entry missing a required field is reported as the whole list, in MLflow's words.
export const LogBatch = message({
  run_id: string().req(),
  metrics: repeated(Metric, { listErrors: true }),
  params: repeated(Param, { listErrors: true }),
  tags: repeated(RunTag, { listErrors: true }),
});
export const LogModel = message({ run_id: string().req(), model_json: string().req() });
export const LogInputs = message({
  run_id: string().req(),
  datasets: repeated(DatasetInput),
  models: repeated(ModelInput),
});
export const LogOutputs = message({ run_id: string().req(), models: repeated(ModelOutput).req() });
export const SearchRuns = message({
  experiment_ids: repeated(string()),
  filter: string(),
  run_view_type: enumOf(ViewTypes),
  max_results: int64(),
  order_by: repeated(string()),
  page_token: string(),
});
export const GetMetricHistory = message({
  ...runRef,
  metric_key: string().req(),
  page_token: string(),
  max_results: int64(),
});
export const GetMetricHistoryBulkInterval = message({
  run_ids: repeated(string()).req(),
  metric_key: string().req(),
  start_step: int64(),
  end_step: int64(),
  max_results: int64(),
  /** Edgeflow extension: also return each sampled interval's min and max value (`bands`). */
  min_max: bool(),
});

/** Not a proto message: the UI's GET metrics/get-history-bulk, read from query parameters. */
export const GetMetricHistoryBulk = message({
  run_id: repeated(string()),
  metric_key: string(),
  max_results: int64(),
});

// --- responses ------------------------------------------------------------------------------

export const Empty = message({});
export const CreateExperimentResponse = message({ experiment_id: string() });
export const ExperimentResponse = message({ experiment: Experiment });
export const SearchExperimentsResponse = message({
  experiments: repeated(Experiment),
  next_page_token: string(),
});
export const RunResponse = message({ run: Run });
export const UpdateRunResponse = message({ run_info: RunInfo });
export const SearchRunsResponse = message({ runs: repeated(Run), next_page_token: string() });
export const MetricHistoryResponse = message({
  metrics: repeated(Metric),
  next_page_token: string(),
});
/** Edgeflow extension: a run's min and max value over the steps from `step` up to the next sample. */
export const MetricBand = message({
  run_id: string(),
  step: int64(),
  end_step: int64(),
  min_value: double(),
  max_value: double(),
});
export const MetricHistoryBulkIntervalResponse = message({
  metrics: repeated(MetricWithRunId),
  bands: repeated(MetricBand),
});

export type ExperimentWire = Infer<typeof Experiment.spec>;
export type RunWire = Infer<typeof Run.spec>;
export type RunInfoWire = Infer<typeof RunInfo.spec>;
export type MetricWire = Infer<typeof Metric.spec>;
export type MetricWithRunIdWire = Infer<typeof MetricWithRunId.spec>;
export type MetricBandWire = Infer<typeof MetricBand.spec>;
export type DatasetInputWire = Infer<typeof DatasetInput.spec>;
export type ModelOutputWire = Infer<typeof ModelOutput.spec>;
