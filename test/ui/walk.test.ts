/**
 * The web UI end to end, in Chromium against the local stack: create an experiment, log runs
 * through the API, find them with a filter, open a run and its chart, open artifacts, register a
 * model and move an alias, try a served version through the inference worker, open a trace.
 * Screenshots of each step land in test-results/ui/.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { projectRoot } from "../../infra/local/wrangler";
import { encodeExportRequest, hex, randomBytes } from "../traces/otlp-encoder";
import { openWorld, type World } from "./harness";

let world: World;
let experimentId = "";
let runIds: string[] = [];

beforeAll(async () => {
  world = await openWorld();
});
afterAll(async () => {
  await world?.close();
});

describe("web UI walk", () => {
  it("creates an experiment from the experiments page", async () => {
    const { page } = world;
    await page.goto(`${world.url}/`);
    await page.getByPlaceholder("New experiment name").fill("ui-walk");
    await page.getByRole("button", { name: "Create experiment" }).click();
    await page.waitForURL(/\/experiments\/\d+$/);
    experimentId = page.url().split("/").pop() as string;
    await page.getByRole("heading", { name: /ui-walk/ }).waitFor();
    await world.shot("01-experiment-created");
  });

  it("finds runs logged through the API with a filter, and explains a bad filter inline", async () => {
    const { page, api } = world;
    runIds = [
      await api.run(experimentId, "alpha", { lr: "0.1", optimizer: "adam" }),
      await api.run(experimentId, "beta", { lr: "0.01", optimizer: "sgd" }),
      await api.run(experimentId, "gamma", { lr: "0.001", optimizer: "adam" }),
    ];
    await page.reload();
    await page.getByTestId("run-count").filter({ hasText: "3 runs" }).waitFor();
    const filter = page.getByLabel("Filter runs");
    await filter.fill("metrics.loss <");
    await filter.press("Enter");
    await page.getByTestId("filter-error").waitFor();
    await world.shot("02-filter-error");
    await filter.fill("params.optimizer = 'adam' and params.lr = '0.1'");
    await filter.press("Enter");
    await page.getByTestId("run-count").filter({ hasText: "1 runs" }).waitFor();
    expect(page.url()).toContain("filter=");
    await page.getByRole("link", { name: "alpha" }).waitFor();
    await world.shot("03-runs-filtered");
  });

  it("opens a run and draws its metric chart from downsampled history", async () => {
    const { page } = world;
    await page.getByRole("link", { name: "alpha" }).click();
    await page.waitForURL(/\/runs\//);
    await page.getByRole("tab", { name: "Parameters" }).click();
    await page.getByText("optimizer").waitFor();
    await page.getByRole("tab", { name: "Metrics" }).click();
    await page.locator('[data-testid="chart-loss"] [data-drawn="1"]').waitFor();
    await page.locator('[data-testid="chart-loss"] canvas').waitFor();
    await world.shot("04-run-chart");
  });

  it("browses artifacts with previews: CSV as a table, MLmodel with its signature", async () => {
    const { page, api } = world;
    const runId = runIds[0] as string;
    const root = `${experimentId}/${runId}/artifacts`;
    await api.upload(`${root}/eval/scores.csv`, "label,score\ncat,0.9\ndog,0.8\n", "text/csv");
    await api.upload(
      `${root}/model/MLmodel`,
      [
        "artifact_path: model",
        "flavors:",
        "  onnx:",
        "    onnx_version: 1.17.0",
        "signature:",
        `  inputs: '[{"type": "tensor", "name": "x", "tensor-spec": {"dtype": "float32", "shape": [-1, 4]}}]'`,
        `  outputs: '[{"type": "tensor", "name": "y"}]'`,
        "",
      ].join("\n"),
      "text/plain",
    );
    await page.getByRole("tab", { name: "Artifacts" }).click();
    const tree = page.getByTestId("artifact-tree");
    await tree.getByText("eval/").click();
    await tree.getByText("scores.csv").click();
    await page.getByTestId("csv-table").getByText("dog").waitFor();
    await world.shot("05-artifact-csv");
    await tree.getByText("model/").click();
    await tree.getByText("MLmodel").click();
    await page.getByTestId("artifact-preview").getByText("onnx", { exact: true }).first().waitFor();
    await page.getByTestId("signature-inputs").getByText("x", { exact: true }).waitFor();
    await world.shot("06-artifact-mlmodel");
  });

  it("registers a model and moves its alias from version 1 to version 2", async () => {
    const { page, api } = world;
    await page.goto(`${world.url}/models`);
    await page.getByPlaceholder("New model name").fill("walk-model");
    await page.getByRole("button", { name: "Create model" }).click();
    await page.waitForURL(/\/models\/walk-model$/);
    for (const runId of runIds.slice(0, 2)) {
      await api.post("model-versions/create", {
        name: "walk-model",
        source: `runs:/${runId}/model`,
        run_id: runId,
      });
    }
    await page.reload();
    const setAlias = async (version: string) => {
      await page.getByPlaceholder("alias (e.g. champion)").fill("champion");
      await page.getByPlaceholder("version").fill(version);
      await page.getByRole("button", { name: "Set alias" }).click();
      await page.getByTestId("aliases").getByText(`@champion → v${version}`).waitFor();
    };
    await setAlias("1");
    await setAlias("2");
    // A traffic split for the alias, set through the tag form, shows beside it.
    await page.getByPlaceholder("tag key").fill("edgeflow.traffic.champion");
    await page.getByPlaceholder("value").fill('{"1": 90, "2": 10}');
    await page.getByRole("button", { name: "Set tag" }).click();
    await page.getByTestId("aliases").getByText('traffic {"1": 90, "2": 10}').waitFor();
    await world.shot("07-alias-moved");
    await page.getByRole("link", { name: "Version 2" }).click();
    await page.getByTestId("lineage").getByRole("link", { name: "beta" }).waitFor();
    await world.shot("08-version-lineage");
  });

  it("tries a served version from its page: the input example goes to the inference worker", async () => {
    const { page, api } = world;
    // MLflow's own onnx flavor (iris, written by mlflow.onnx.save_model), as the inference tests use it.
    const fixture = resolve(projectRoot, "../shared/mlflow-models/iris-onnx");
    const runId = runIds[2] as string;
    for (const file of ["MLmodel", "model.onnx", "input_example.json"]) {
      await api.upload(
        `${experimentId}/${runId}/artifacts/iris/${file}`,
        readFileSync(resolve(fixture, file)),
      );
    }
    await api.post("registered-models/create", { name: "walk-iris" });
    await api.post("model-versions/create", {
      name: "walk-iris",
      source: `runs:/${runId}/iris`,
      run_id: runId,
    });
    await page.goto(`${world.url}/models/walk-iris`);
    await page.getByRole("link", { name: "Version 1" }).click();
    const panel = page.getByTestId("try-it");
    await panel.locator("input").fill(world.stack.inference.url);
    await panel.getByRole("button", { name: "Send" }).click();
    const answer = await page.getByTestId("try-it-answer").textContent();
    // Three iris rows in, a label and probabilities per row out (the model's two ONNX outputs):
    // the call crossed origins under CORS and scored.
    const { predictions } = JSON.parse(answer ?? "{}");
    expect(Object.keys(predictions).sort()).toEqual(["label", "probabilities"]);
    expect(predictions.label).toHaveLength(3);
    await world.shot("08b-try-it");
  });

  it("opens a logged model from its run: details, params, artifacts, registered versions", async () => {
    const { page, api } = world;
    const runId = runIds[0] as string;
    const { model } = await api.post<{ model: { info: { model_id: string } } }>("logged-models", {
      experiment_id: experimentId,
      name: "walk-logged",
      source_run_id: runId,
      params: [{ key: "layers", value: "3" }],
    });
    const modelId = model.info.model_id;
    await api.post("runs/outputs", { run_id: runId, models: [{ model_id: modelId, step: 0 }] });
    await api.upload(
      `${experimentId}/models/${modelId}/artifacts/MLmodel`,
      "flavors:\n  onnx: {}\n",
      "text/plain",
    );
    await api.post("model-versions/create", {
      name: "walk-model",
      source: `models:/${modelId}`,
      model_id: modelId,
    });
    await page.goto(`${world.url}/runs/${runId}?tab=inputs`);
    await page.getByRole("link", { name: "output at step 0" }).click();
    await page.waitForURL(/\/logged-models\//);
    await page.getByRole("heading", { name: /walk-logged/ }).waitFor();
    await page.getByText("layers").waitFor();
    await page.getByRole("link", { name: runId }).waitFor();
    await page.getByText("walk-model v3").waitFor();
    await world.shot("09a-logged-model");
    await page.getByRole("tab", { name: "Artifacts" }).click();
    await page.getByTestId("artifact-tree").getByText("MLmodel").click();
    await page.getByTestId("artifact-preview").getByText("onnx", { exact: true }).first().waitFor();
  });

  it("opens a trace: span tree, inputs and outputs", async () => {
    const { page, url } = world;
    const traceId = randomBytes(16);
    const root = randomBytes(8);
    const start = BigInt(Date.now()) * 1_000_000n;
    const mlflowId = `tr-${hex(traceId)}`;
    const response = await fetch(`${url}/v1/traces`, {
      method: "POST",
      headers: { "Content-Type": "application/x-protobuf", "x-mlflow-experiment-id": experimentId },
      body: encodeExportRequest([
        {
          traceId,
          spanId: root,
          name: "predict",
          start,
          end: start + 50_000_000n,
          attributes: {
            "mlflow.traceRequestId": mlflowId,
            "mlflow.spanInputs": '{"question": "why?"}',
            "mlflow.spanOutputs": '"because"',
          },
          status: { code: 1 },
        },
        {
          traceId,
          spanId: randomBytes(8),
          parentSpanId: root,
          name: "retrieve",
          start: start + 5_000_000n,
          end: start + 20_000_000n,
          attributes: { "mlflow.traceRequestId": mlflowId },
          status: { code: 1 },
        },
      ]),
    });
    expect(response.status).toBe(200);
    await page.goto(`${url}/experiments/${experimentId}/traces`);
    await page.getByRole("link", { name: mlflowId.slice(0, 14) }).click();
    await page.getByTestId("span-tree").getByText("retrieve").waitFor();
    await page.getByText('"question": "why?"').first().waitFor();
    await world.shot("09-trace");
  });

  it("shows API errors as messages, not a blank page", async () => {
    const { page } = world;
    await page.goto(`${world.url}/runs/0123456789abcdef0123456789abcdef`);
    await page.getByRole("alert").getByText("RESOURCE_DOES_NOT_EXIST").waitFor();
    await world.shot("10-error");
  });
});
