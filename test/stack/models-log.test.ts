import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { artifactPath, createClient, downloadArtifact, listArtifacts } from "@edgeflow/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MLFLOW_TRANSFORMERS_FIXTURES } from "../inference/setup/mlflow-transformers";
import { exportFolder, openStack, SHARED, type StackWorld } from "./harness";

let world: StackWorld;
beforeAll(async () => {
  world = await openStack();
});
afterAll(async () => {
  await world?.close();
});

const expected = (fixture: string) =>
  JSON.parse(readFileSync(resolve(SHARED, "models", fixture, "expected.json"), "utf8")) as Record<
    string,
    unknown
  >;

async function logAndServe(fixture: string, name: string) {
  const folder = exportFolder(world, fixture);
  const logged = await world.edgeflow([
    "models",
    "log",
    folder,
    "--quantize",
    "q8",
    "--register",
    name,
    "--alias",
    "champion",
    "--json",
  ]);
  expect(logged.stderr).toBe("");
  expect(logged.status).toBe(0);
  const result = logged.json<{ run_id: string; model_uri: string; artifact_uri: string; url: string }>();
  // The stack answers /version 3.x: an MLflow 3 logged model, registered by its id.
  expect(result).toMatchObject({
    model_uri: expect.stringMatching(/^models:\/m-[0-9a-f]{32}$/),
    name,
    version: "1",
    alias: "champion",
    url: `${world.stack.inference.url}/models/${name}@champion/invocations`,
  });
  expect(result.artifact_uri).toMatch(/^mlflow-artifacts:\/\d+\/models\/m-[0-9a-f]{32}\/artifacts$/);
  return result;
}

async function predict(name: string, input: unknown, params?: unknown) {
  const answer = await world.edgeflow([
    "predict",
    `${name}@champion`,
    "--input",
    JSON.stringify(input),
    ...(params ? ["--params", JSON.stringify(params)] : []),
    "--json",
  ]);
  expect(answer.stderr).toBe("");
  expect(answer.status).toBe(0);
  return answer.json<{ predictions: unknown[] }>().predictions;
}

describe("edgeflow models log: an export folder to a live URL", () => {
  it("sst2: quantised, logged, registered and aliased, then answers the fixture's labels", async () => {
    const { run_id, artifact_uri } = await logAndServe("sst2-bert-mini", "sst2");
    const sentences = (
      expected("sst2-bert-mini").sentences as { text: string; q8: { label: string; score: number } }[]
    ).slice(0, 4);
    const predictions = (await predict(
      "sst2",
      sentences.map((s) => s.text),
    )) as { label: string; score: number }[];
    sentences.forEach((sentence, i) => {
      expect(predictions[i]?.label).toBe(sentence.q8.label);
      expect(Math.abs((predictions[i]?.score ?? 0) - sentence.q8.score)).toBeLessThan(0.02);
    });
    // The logged model holds what MLflow would: MLmodel with a signature, and only the q8 weights.
    const client = createClient({ trackingUri: world.stack.tracking.url });
    const files = await listArtifacts(client, artifactPath(artifact_uri, "onnx"));
    expect(files.map((f) => f.path)).toEqual(["model_quantized.onnx"]);
    const mlmodel = await new Response(
      await downloadArtifact(client.transport, artifactPath(artifact_uri, "MLmodel")),
    ).text();
    expect(mlmodel).toMatch(/task: text-classification/);
    expect(mlmodel).toMatch(/dtype: q8/);
    expect(mlmodel).toMatch(new RegExp(`run_id: ${run_id}`));
    expect(mlmodel).toMatch(/inputs: '\[\{"type":"string","required":true\}\]'/);
  });

  it("conll03: the entities equal the fixture's", async () => {
    await logAndServe("conll03-bert-mini", "conll03");
    const first = (
      expected("conll03-bert-mini").sentences as { text: string; q8: { word: string; entity: string }[] }[]
    )[0];
    const [entities] = (await predict("conll03", [first?.text])) as { word: string; entity: string }[][];
    expect(entities?.map(({ word, entity }) => ({ word, entity }))).toEqual(
      first?.q8.map(({ word, entity }) => ({ word, entity })),
    );
  });

  it("stories260K: greedy generation gives the fixture q8's tokens", async () => {
    await logAndServe("stories260K", "stories");
    const prompt = (expected("stories260K").prompts as { prompt: string; q8: string }[])[0];
    const [text] = (await predict("stories", [prompt?.prompt], {
      max_new_tokens: 50,
      do_sample: false,
    })) as string[];
    expect(text).toBe(prompt?.q8);
  });
});

describe("edgeflow models log refuses, before uploading anything, what cannot be served", () => {
  const refused = async (folder: string, extra: string[] = []) => {
    const experiment = `refused-${crypto.randomUUID()}`;
    const result = await world.edgeflow(["models", "log", folder, "--experiment", experiment, ...extra]);
    // Nothing was created: the experiment a run would have gone to does not exist.
    const runs = await world.edgeflow(["runs", "list", "--experiment", experiment, "--json"]);
    expect(runs.status).toBe(1);
    return result;
  };

  it("a folder without ONNX weights", async () => {
    const folder = exportFolder(world, "sst2-bert-mini");
    rmSync(join(folder, "onnx"), { recursive: true });
    const result = await refused(folder);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/has no ONNX weights \(onnx\/model\.onnx\): export them with optimum-cli/);
  });

  it("a config.json that names no task, unless --task says", async () => {
    const folder = exportFolder(world, "sst2-bert-mini");
    writeFileSync(join(folder, "config.json"), JSON.stringify({ architectures: ["BertForSomethingElse"] }));
    const result = await refused(folder);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(
      /cannot tell the task .* \(architecture BertForSomethingElse\): pass --task/,
    );
    const unknown = await refused(folder, ["--task", "image-segmentation"]);
    expect(unknown.stderr).toMatch(
      /--task image-segmentation is not served; served tasks: text-classification/,
    );
  });

  it("pickle flavors and loose pickles", async () => {
    const sklearn = await refused(resolve(SHARED, "mlflow-models/iris-sklearn-pickle"));
    expect(sklearn.status).toBe(1);
    expect(sklearn.stderr).toMatch(/BAD_REQUEST: .*pickle-based model .* never unpickles/);
    const folder = exportFolder(world, "sst2-bert-mini");
    writeFileSync(join(folder, "model.pkl"), "not really");
    const loose = await refused(folder);
    expect(loose.stderr).toMatch(/holds a pickle \('model\.pkl'\)/);
  });
});

describe("edgeflow models log with an MLflow model folder, and artifacts", () => {
  it("an MLflow transformers model with ONNX weights, quantised on the way", async () => {
    // mlflow.transformers.save_model's layout, with an Optimum export's fp32 weights in model/onnx/.
    const fixture = MLFLOW_TRANSFORMERS_FIXTURES["sst2-transformers"];
    const source = resolve(SHARED, "models/sst2-bert-mini");
    const folder = join(world.scratch, "mlflow-transformers");
    const put = (relative: string, from: string) => {
      mkdirSync(join(folder, relative, ".."), { recursive: true });
      writeFileSync(join(folder, relative), readFileSync(join(source, from)));
    };
    for (const file of ["config.json", "tokenizer.json", "tokenizer_config.json", "onnx/model.onnx"]) {
      put(fixture?.place?.(file) as string, file);
    }
    writeFileSync(join(folder, "MLmodel"), fixture?.mlmodelText ?? "");
    const logged = await world.edgeflow([
      "models",
      "log",
      folder,
      "--quantize",
      "q8",
      "--register",
      "mlflow-sst2",
      "--alias",
      "champion",
    ]);
    expect(logged.stderr).toBe("");
    expect(logged.stdout).toMatch(/^logged MLflow transformers text-classification model, q8 to run/);
    const predictions = (await predict("mlflow-sst2", ["I love this", "I hate this"])) as { label: string }[];
    expect(predictions.map((p) => p.label)).toEqual(["POSITIVE", "NEGATIVE"]);
  });

  it("README's and docs/cli.md's example: the fixture folder itself, MLmodel and all", async () => {
    const logged = await world.edgeflow([
      "models",
      "log",
      resolve(SHARED, "models/sst2-bert-mini"),
      "--register",
      "sentiment",
      "--alias",
      "champion",
    ]);
    expect(logged.stderr).toBe("");
    expect(logged.stdout).toMatch(
      /^logged transformers_js text-classification model, q8 to run \w+\nmodels:\/m-\w+\nregistered sentiment version 1 as @champion\nhttp:.*\/models\/sentiment@champion\/invocations\n$/,
    );
    const predictions = (await predict("sentiment", ["I love this", "I hate this"])) as { label: string }[];
    expect(predictions.map((p) => p.label)).toEqual(["POSITIVE", "NEGATIVE"]);
  });

  it("logs MLflow's own ONNX model as it is and serves it", async () => {
    const logged = await world.edgeflow([
      "models",
      "log",
      resolve(SHARED, "mlflow-models/iris-onnx"),
      "--register",
      "iris",
      "--alias",
      "champion",
      "--json",
    ]);
    expect(logged.stderr).toBe("");
    expect(logged.status).toBe(0);
    const predictions = (await predict("iris", { inputs: [[5.1, 3.5, 1.4, 0.2]] })) as unknown;
    expect(JSON.stringify(predictions)).toMatch(/"label":\[?0/);
  });

  it("uploads a folder and downloads it byte-identical", async () => {
    const source = join(world.scratch, "upload-me");
    mkdirSync(join(source, "nested"), { recursive: true });
    const bytes = new Uint8Array(300_000).map((_, i) => (i * 7) & 0xff);
    writeFileSync(join(source, "nested", "weights.bin"), bytes);
    writeFileSync(join(source, "notes.txt"), "hello");
    const logged = await world.edgeflow(["models", "log", exportFolder(world, "sst2-bert-mini"), "--json"]);
    const { run_id } = logged.json<{ run_id: string }>();
    const up = await world.edgeflow([
      "artifacts",
      "upload",
      source,
      "--run-id",
      run_id,
      "--artifact-path",
      "extra",
      "--json",
    ]);
    expect(up.json()).toMatchObject({ files: 2, bytes: 300_005 });
    const target = join(world.scratch, "downloaded");
    const down = await world.edgeflow([
      "artifacts",
      "download",
      "--run-id",
      run_id,
      "--artifact-path",
      "extra",
      "--dst-path",
      target,
    ]);
    expect(down.status).toBe(0);
    expect(
      Buffer.from(readFileSync(join(target, "extra", "nested", "weights.bin"))).equals(Buffer.from(bytes)),
    ).toBe(true);
    expect(readFileSync(join(target, "extra", "notes.txt"), "utf8")).toBe("hello");
  });
});
