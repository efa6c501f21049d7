import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { createExperiment, get, post } from "../helpers/api";
import { ajax, ORIGIN } from "./ui-endpoints-helpers";

type Reply = { run?: WireRun; error_code?: string; message?: string };
type WireRun = {
  info: Record<string, unknown> & { run_id: string };
  data: { params?: { key: string; value: string }[]; tags?: { key: string; value: string }[] };
};

const create = (body: unknown) => ajax<Reply>("runs/create-promptlab-run", body);

const complete = (experimentId: string) => ({
  experiment_id: experimentId,
  run_name: "my_run_name",
  prompt_template: "my_prompt_template",
  prompt_parameters: [{ key: "my_key", value: "my_value" }],
  model_route: "my_route",
  model_parameters: [{ key: "temperature", value: "0.1" }],
  model_input: "my_input",
  model_output: "my_output",
  model_output_parameters: [{ key: "latency", value: "100" }],
  mlflow_version: "1.0.0",
  user_id: "username",
  start_time: 456,
});

async function artifact(runId: string, path: string): Promise<{ status: number; text: string }> {
  const response = await SELF.fetch(`${ORIGIN}/get-artifact?run_uuid=${runId}&path=${path}`);
  return { status: response.status, text: await response.text() };
}

describe("POST /ajax-api/2.0/mlflow/runs/create-promptlab-run", () => {
  it("names the first missing field, in MLflow's order and words (test_rest_tracking.py)", async () => {
    const steps: [Record<string, unknown>, string][] = [
      [{}, "experiment_id"],
      [{ experiment_id: "123" }, "prompt_template"],
      [{ experiment_id: "123", prompt_template: "t" }, "prompt_parameters"],
      [{ experiment_id: "123", prompt_template: "t", prompt_parameters: [] }, "prompt_parameters"],
      [
        { experiment_id: "123", prompt_template: "t", prompt_parameters: [{ key: "k", value: "v" }] },
        "model_route",
      ],
      [
        {
          experiment_id: "123",
          prompt_template: "t",
          prompt_parameters: [{ key: "k", value: "v" }],
          model_route: "r",
        },
        "model_input",
      ],
      [
        {
          experiment_id: "123",
          prompt_template: "t",
          prompt_parameters: [{ key: "k", value: "v" }],
          model_route: "r",
          model_input: "i",
          mlflow_version: "",
        },
        "mlflow_version",
      ],
    ];
    for (const [body, missing] of steps) {
      const reply = await create(body);
      expect([missing, reply.status, reply.body]).toEqual([
        missing,
        400,
        {
          error_code: "INVALID_PARAMETER_VALUE",
          message: `CreatePromptlabRun request must specify ${missing}.`,
        },
      ]);
    }
  });

  it("refuses bad types, keyless parameters, unknown experiments and non-JSON bodies without a 500", async () => {
    const experimentId = await createExperiment();
    const wrongType = await create({ ...complete(experimentId), prompt_parameters: "k=v" });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.error_code).toBe("INVALID_PARAMETER_VALUE");
    const keyless = await create({ ...complete(experimentId), model_parameters: [{ value: "1" }] });
    expect(keyless.status).toBe(400);
    expect(keyless.body.error_code).toBe("INVALID_PARAMETER_VALUE");
    const unknown = await create(complete("987654321"));
    expect(unknown.status).toBe(404);
    expect(unknown.body.error_code).toBe("RESOURCE_DOES_NOT_EXIST");
    const text = await ajax<Reply>("runs/create-promptlab-run", JSON.stringify(complete(experimentId)), {
      headers: { "Content-Type": "text/plain" },
    });
    expect(text.status).toBe(400);
    expect(text.body.message).toMatch(/Content-Type/);
  });

  it("creates a FINISHED run with MLflow's params, tags, model and evaluation table", async () => {
    const experimentId = await createExperiment();
    const reply = await create(complete(experimentId));
    expect(reply.status).toBe(200);
    const run = reply.body.run as WireRun;
    expect(run.info).toMatchObject({
      run_name: "my_run_name",
      experiment_id: experimentId,
      user_id: "username",
      status: "FINISHED",
      start_time: 456,
    });
    const params = run.data.params ?? [];
    expect(params).toContainEqual({ key: "model_route", value: "my_route" });
    expect(params).toContainEqual({ key: "prompt_template", value: "my_prompt_template" });
    expect(params).toContainEqual({ key: "temperature", value: "0.1" });
    const tags = run.data.tags ?? [];
    expect(tags).toContainEqual({
      key: "mlflow.loggedArtifacts",
      value: '[{"path": "eval_results_table.json", "type": "table"}]',
    });
    expect(tags).toContainEqual({ key: "mlflow.runSourceType", value: "PROMPT_ENGINEERING" });
    const history = JSON.parse(tags.find((t) => t.key === "mlflow.log-model.history")?.value ?? "[]");
    expect(history).toMatchObject([{ run_id: run.info.run_id, artifact_path: "model" }]);

    const table = await artifact(run.info.run_id, "eval_results_table.json");
    expect(table.status).toBe(200);
    expect(JSON.parse(table.text)).toEqual({
      columns: ["my_key", "prompt", "output", "latency"],
      data: [["my_value", "my_input", "my_output", "100"]],
    });
    const mlmodel = await artifact(run.info.run_id, "model/MLmodel");
    expect(mlmodel.text).toContain("loader_module: mlflow.promptlab");
    expect(mlmodel.text).toContain(`run_id: ${run.info.run_id}`);
    const parameters = await artifact(run.info.run_id, "model/parameters.yaml");
    expect(parameters.text).toContain("model_route: my_route");
    expect(parameters.text).toContain('temperature: "0.1"');
    const listed = await get<{ files: { path: string }[] }>("artifacts/list", {
      run_id: run.info.run_id,
      path: "model",
    });
    expect(listed.body.files.map((f) => f.path).sort()).toEqual([
      "model/MLmodel",
      "model/conda.yaml",
      "model/input_example.json",
      "model/parameters.yaml",
      "model/python_env.yaml",
      "model/requirements.txt",
    ]);
  });

  it("defaults the user to 'unknown', reads numeric parameter values as text, and keeps hostile text inert", async () => {
    const experimentId = await createExperiment();
    const template = 'line one\nkey: "quoted" # not a comment\n- not a list\n---\n{{ question }}';
    const reply = await create({
      ...complete(experimentId),
      user_id: undefined,
      start_time: undefined,
      model_parameters: [{ key: "max_tokens", value: 64 }],
      prompt_template: template,
    });
    expect(reply.status).toBe(200);
    const run = reply.body.run as WireRun;
    expect(run.info.user_id).toBe("unknown");
    expect(run.data.params).toContainEqual({ key: "max_tokens", value: "64" });
    const parameters = await artifact(run.info.run_id, "model/parameters.yaml");
    expect(parse(parameters.text)).toEqual({
      prompt_template: template,
      prompt_parameters: { my_key: "my_value" },
      model_parameters: { max_tokens: "64" },
      model_route: "my_route",
    });
  });

  it("ends the run FAILED when its artifacts cannot be written, as MLflow does", async () => {
    const created = await post<{ experiment_id: string }>("experiments/create", {
      name: `promptlab-elsewhere-${Date.now()}`,
      artifact_location: "s3://another-bucket/somewhere",
    });
    if (created.status !== 200) return; // the artifact-location rules may refuse foreign buckets
    const reply = await create(complete(created.body.experiment_id));
    expect(reply.status).toBe(200);
    expect((reply.body.run as WireRun).info.status).toBe("FAILED");
  });

  it("is served under /ajax-api only, as in MLflow", async () => {
    const reply = await ajax<Reply>("runs/create-promptlab-run", {}, { prefix: "/api/2.0/mlflow" });
    expect(reply.status).toBe(404);
  });
});
