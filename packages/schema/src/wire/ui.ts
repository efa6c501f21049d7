/**
 * Request messages of the endpoints MLflow's server keeps for its own web UI, outside its protos
 * (mlflow/server/__init__.py, 2.12.2): served under /ajax-api/2.0 only. Every field is optional
 * here because MLflow's handlers check presence themselves, in their own words and order
 * (packages/core/src/tracking/promptlab.ts, datasets.ts); the types are still checked.
 */
import { type Field, int64, invalidValue, message, repeated, string } from "./fields";
import { RunTag } from "./tracking";

/**
 * A prompt lab parameter's value: the UI may send a number or a boolean (a temperature), which
 * MLflow turns into text with Python's str(), so it is read the same way.
 */
const paramText = (): Field<string> => {
  const decode = (value: unknown, name: string): string => {
    if (typeof value === "string") return value;
    if (typeof value === "number" && Number.isFinite(value)) return String(value);
    if (typeof value === "boolean") return value ? "True" : "False";
    throw invalidValue(value, name);
  };
  const make = <R extends boolean>(required: R): Field<string, R> => ({
    required,
    decode,
    encode: (value) => value,
    req: () => make(true),
  });
  return make(false);
};

export const PromptlabParam = message({ key: string(), value: paramText() });

/** POST /ajax-api/2.0/mlflow/runs/create-promptlab-run (MLflow's create_promptlab_run_handler). */
export const CreatePromptlabRun = message({
  experiment_id: string(),
  run_name: string(),
  tags: repeated(RunTag),
  prompt_template: string(),
  prompt_parameters: repeated(PromptlabParam),
  model_route: string(),
  model_parameters: repeated(PromptlabParam),
  model_input: string(),
  model_output: string(),
  model_output_parameters: repeated(PromptlabParam),
  mlflow_version: string(),
  user_id: string(),
  start_time: int64(),
});

/** POST /ajax-api/2.0/mlflow/experiments/search-datasets (MLflow's search_datasets_handler). */
export const SearchDatasets = message({ experiment_ids: repeated(string()) });

/** One row of search-datasets' answer; `context` is null when the input has no context tag. */
export interface DatasetSummaryWire {
  experiment_id: string;
  name: string;
  digest: string;
  context: string | null;
}
