import { describe, expect, it } from "vitest";
import { edgeflow, type Files } from "./helpers";

// `models log` inside workerd against the tracking worker, with an in-memory folder. The weights
// here are placeholder bytes (nothing reads them without --quantize); test/stack/models-log.test.ts
// logs real fixtures, quantises them and serves them from a whole local stack.
const exportFolder = (dir: string): Files => ({
  [`${dir}/config.json`]: JSON.stringify({
    architectures: ["BertForTokenClassification"],
    id2label: { 0: "O" },
  }),
  [`${dir}/tokenizer.json`]: "{}",
  [`${dir}/tokenizer_config.json`]: "{}",
  [`${dir}/onnx/model.onnx`]: new Uint8Array(1000).fill(7),
});

/** A tracking server that reports an MLflow 2 version: the CLI logs the 2.x way. */
const mlflow2 = (request: Request) =>
  new URL(request.url).pathname === "/version" ? new Response("2.12.2") : undefined;

describe("edgeflow models log", () => {
  it("against an MLflow 2 server: the files under the run's model/ and a log-model record", async () => {
    const files = exportFolder("ner");
    const experiment = `log2-${crypto.randomUUID()}`;
    const logged = await edgeflow(
      ["models", "log", "ner", "--experiment", experiment, "--json"],
      files,
      mlflow2,
    );
    expect(logged.stderr).toBe("");
    expect(logged.status).toBe(0);
    const { run_id, model_uri, artifact_uri } = JSON.parse(logged.stdout);
    expect(model_uri).toBe(`runs:/${run_id}/model`);
    expect(artifact_uri).toMatch(new RegExp(`^mlflow-artifacts:/\\d+/${run_id}/artifacts/model$`));
    const listed = await edgeflow([
      "artifacts",
      "list",
      "--run-id",
      run_id,
      "--artifact-path",
      "model",
      "--json",
    ]);
    expect(JSON.parse(listed.stdout).map((f: { path: string }) => f.path)).toEqual([
      "model/MLmodel",
      "model/config.json",
      "model/input_example.json",
      "model/onnx",
      "model/tokenizer.json",
      "model/tokenizer_config.json",
    ]);
    const runs = await edgeflow(["runs", "list", "--experiment", experiment, "--json"]);
    const [run] = JSON.parse(runs.stdout);
    expect(run.info.status).toBe("FINISHED");
    const history = run.data.tags.find((t: { key: string }) => t.key === "mlflow.log-model.history");
    const [model] = JSON.parse(history.value);
    expect(model).toMatchObject({
      artifact_path: "model",
      run_id,
      flavors: { transformers_js: { task: "token-classification", dtype: "fp32", model_dir: "." } },
    });
  });

  it("against an MLflow 3 server: a logged model, READY, linked to its run, registered by id", async () => {
    const files = exportFolder("ner3");
    const logged = await edgeflow(
      ["models", "log", "ner3", "--register", "ner3", "--alias", "prod", "--json"],
      files,
    );
    expect(logged.status).toBe(0);
    const result = JSON.parse(logged.stdout);
    expect(result).toMatchObject({ name: "ner3", version: "1", alias: "prod" });
    const modelId = /^models:\/(m-[0-9a-f]{32})$/.exec(result.model_uri)?.[1];
    expect(modelId).toBeDefined();
    expect(result.artifact_uri).toBe(`mlflow-artifacts:/0/models/${modelId}/artifacts`);
    const url = await edgeflow(["models", "url", "ner3@prod", "--json"]);
    expect(JSON.parse(url.stdout).url).toBe("http://127.0.0.1:5001/models/ner3@prod/invocations");
  });

  it("needs --register for --alias, and names a missing folder", async () => {
    const alias = await edgeflow(["models", "log", "x", "--alias", "prod"]);
    expect(alias.status).toBe(2);
    expect(alias.stderr).toMatch(/--alias needs --register NAME/);
    const missing = await edgeflow(["models", "log", "nowhere"]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/'nowhere' is not a folder/);
  });
});
