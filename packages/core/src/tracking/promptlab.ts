import { type CreatePromptlabRun, type Infer, MlflowError, type RunWire } from "@edgeflow/schema";
import { stringify } from "yaml";
import { joinArtifactPath, proxiedArtifactPath } from "../artifacts/paths";
import type { TrackingContext } from "../context";
import { newUuid } from "../names";
import { logRunData } from "./log-batch";
import { logModel } from "./log-model";
import { createRun, getRun, updateRun } from "./runs";

export type PromptlabRunInput = Infer<typeof CreatePromptlabRun.spec>;
type Param = { key: string; value: string };

/** The MLflow version written into the prompt lab model's MLmodel (the server's, as MLflow does). */
const MLFLOW_VERSION = "2.12.2";

/**
 * MLflow's create_promptlab_run_handler checks: each named field must be present and non-empty
 * (Python truthiness: "", [] and 0 count as absent), in this order and these words. The route's
 * access rule runs it too, so a caller without permission still learns what is missing.
 */
export function validatePromptlabRun(input: Partial<PromptlabRunInput>): void {
  const required = [
    "experiment_id",
    "prompt_template",
    "prompt_parameters",
    "model_route",
    "model_input",
    "mlflow_version",
  ] as const;
  for (const name of required) {
    const value = input[name];
    if (value === undefined || value === "" || (Array.isArray(value) && value.length === 0)) {
      throw MlflowError.invalidParameter(`CreatePromptlabRun request must specify ${name}.`);
    }
  }
  for (const param of [
    ...(input.prompt_parameters ?? []),
    ...(input.model_parameters ?? []),
    ...(input.model_output_parameters ?? []),
  ]) {
    if (!param.key) throw MlflowError.invalidParameter("CreatePromptlabRun parameters must each have a key.");
  }
}

const params = (list: PromptlabRunInput["prompt_parameters"]): Param[] =>
  (list ?? []).map((p) => ({ key: p.key ?? "", value: p.value ?? "None" }));

/** A YAML document as yaml.safe_dump writes MLflow's files: keys sorted, block style. */
export const toYaml = (value: Record<string, unknown>): string => stringify(value, { sortMapEntries: true });

/** The files MLflow's promptlab.save_model and create_eval_results_json write, by path. */
function promptlabFiles(runId: string, input: PromptlabRunInput, utcTimeCreated: string) {
  const promptParameters = params(input.prompt_parameters);
  const modelParameters = params(input.model_parameters);
  const outputParameters = params(input.model_output_parameters);
  const column = (name: string) => ({ type: "string", name, required: true });
  const mlmodel = {
    artifact_path: "model",
    flavors: {
      python_function: {
        conda: "conda.yaml",
        env: { conda: "conda.yaml", virtualenv: "python_env.yaml" },
        loader_module: "mlflow.promptlab",
        parameters_path: "parameters.yaml",
        python_version: "3.10.0",
      },
    },
    mlflow_version: MLFLOW_VERSION,
    model_uuid: newUuid(),
    run_id: runId,
    saved_input_example_info: {
      artifact_path: "input_example.json",
      pandas_orient: "split",
      type: "dataframe",
    },
    signature: {
      inputs: JSON.stringify(promptParameters.map((p) => column(p.key))),
      outputs: JSON.stringify([column("output")]),
      params: null,
    },
    utc_time_created: utcTimeCreated,
  };
  const requirement = `mlflow[gateway]==${MLFLOW_VERSION}`;
  const evalResults = {
    columns: [
      ...promptParameters.map((p) => p.key),
      "prompt",
      "output",
      ...outputParameters.map((p) => p.key),
    ],
    data: [
      [
        ...promptParameters.map((p) => p.value),
        input.model_input ?? null,
        input.model_output ?? null,
        ...outputParameters.map((p) => p.value),
      ],
    ],
  };
  return {
    "model/MLmodel": toYaml(mlmodel),
    "model/parameters.yaml": toYaml({
      prompt_template: input.prompt_template,
      prompt_parameters: Object.fromEntries(promptParameters.map((p) => [p.key, p.value])),
      model_parameters: Object.fromEntries(modelParameters.map((p) => [p.key, p.value])),
      model_route: input.model_route,
    }),
    "model/input_example.json": JSON.stringify({
      columns: ["inputs"],
      data: promptParameters.map((p) => [p.value]),
    }),
    "model/conda.yaml": toYaml({
      channels: ["conda-forge"],
      dependencies: ["python=3.10.0", "pip<=24.0", { pip: [requirement] }],
      name: "mlflow-env",
    }),
    "model/python_env.yaml": toYaml({
      python: "3.10.0",
      build_dependencies: ["pip==24.0"],
      dependencies: ["-r requirements.txt"],
    }),
    "model/requirements.txt": requirement,
    "eval_results_table.json": JSON.stringify(evalResults),
  };
}

/**
 * MLflow's _create_promptlab_run_impl: a run holding one prompt-engineering trial from the UI's
 * prompt lab: its model parameters, route and template as params, the `mlflow.loggedArtifacts`
 * and `mlflow.runSourceType` tags, a `model` (MLmodel of the mlflow.promptlab flavor) and the
 * evaluation table. As in MLflow, a failure after the run exists (an artifact location this
 * server cannot write, say) ends the run FAILED instead of failing the request.
 */
export async function createPromptlabRun(ctx: TrackingContext, input: PromptlabRunInput): Promise<RunWire> {
  validatePromptlabRun(input);
  const run = await createRun(ctx, {
    experiment_id: input.experiment_id,
    user_id: input.user_id || "unknown",
    start_time: input.start_time ?? ctx.now(),
    tags: input.tags ?? [],
    run_name: input.run_name,
  });
  const runId = run.info?.run_id ?? "";
  let status: "FINISHED" | "FAILED" = "FINISHED";
  try {
    await logRunData(ctx, runId, {
      params: [
        ...params(input.model_parameters),
        { key: "model_route", value: input.model_route ?? "" },
        { key: "prompt_template", value: input.prompt_template ?? "" },
      ],
      tags: [
        {
          key: "mlflow.loggedArtifacts",
          // Python's json.dumps spacing, as MLflow writes it.
          value: '[{"path": "eval_results_table.json", "type": "table"}]',
        },
        { key: "mlflow.runSourceType", value: "PROMPT_ENGINEERING" },
      ],
    });
    const utcTimeCreated = new Date(ctx.now()).toISOString().replace("T", " ").replace("Z", "000");
    await logModel(
      ctx,
      runId,
      JSON.stringify({
        run_id: runId,
        artifact_path: "model",
        utc_time_created: utcTimeCreated,
        flavors: {},
      }),
    );
    const root = proxiedArtifactPath(run.info?.artifact_uri ?? "");
    for (const [path, body] of Object.entries(promptlabFiles(runId, input, utcTimeCreated))) {
      await ctx.artifacts.put(joinArtifactPath(root, path), body, {
        contentLength: new TextEncoder().encode(body).byteLength,
        contentType: path.endsWith(".json") ? "application/json" : "text/plain",
      });
    }
  } catch (error) {
    console.warn("prompt lab run failed after creation", runId, error);
    status = "FAILED";
  }
  await updateRun(ctx, runId, { status, end_time: ctx.now(), run_name: input.run_name });
  return getRun(ctx, runId);
}
