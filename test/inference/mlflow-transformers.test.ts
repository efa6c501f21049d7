import { beforeAll, describe, expect, it } from "vitest";
import { invoke, modelPath, registerModel } from "./helpers";

// Models as mlflow.transformers.save_model lays them out (test/inference/setup/mlflow-transformers.ts):
// model/ (config, onnx/ weights), components/tokenizer/, MLflow 2.12.2's flavor fields.
let sst2: string;
let stories: string;
beforeAll(async () => {
  sst2 = await registerModel(["sst2-transformers"]);
  stories = await registerModel(["stories-transformers"]);
});

describe("MLflow's transformers flavor", () => {
  it("serves a text-classification pipeline from model/onnx and components/tokenizer", async () => {
    const { status, body } = await invoke(`${modelPath(sst2, 1)}/invocations`, {
      inputs: ["I love this", "I hate this"],
    });
    expect(status).toBe(200);
    const predictions = body.predictions as { label: string; score: number }[];
    expect(predictions.map((p) => p.label)).toEqual(["POSITIVE", "NEGATIVE"]);
    expect(predictions[0]?.score).toBeCloseTo(0.9862, 3);
  });

  it("applies the prompt template and model_config, and request params override model_config", async () => {
    const path = `${modelPath(stories, 1)}/invocations`;
    // ../shared/models/stories260K/expected.json, q8, "Once upon a time" (workerd reads no disk).
    const continuation =
      ", there was a little girl named Lily. She loved to play outside in the park. One day, she saw a big, red ball.";
    // "time" through 'Once upon a {prompt}', 10 greedy tokens (model_config), prompt not repeated.
    const ten = await invoke(path, { inputs: ["time"] });
    expect(ten.status).toBe(200);
    const [text] = ten.body.predictions as string[];
    expect(text?.length).toBeGreaterThan(10);
    expect(continuation.trim().startsWith(text as string)).toBe(true);
    const three = await invoke(path, { inputs: ["time"], params: { max_new_tokens: 3 } });
    const [short] = three.body.predictions as string[];
    expect((short as string).length).toBeLessThan((text as string).length);
    expect((text as string).startsWith(short as string)).toBe(true);
  });

  it("says how to add ONNX weights when the model has none, (Hub references: hub.test.ts)", async () => {
    const bare = await registerModel(["sst2-transformers-no-onnx"]);
    const missing = await invoke(`${modelPath(bare, 1)}/invocations`, { inputs: ["hi"] });
    expect(missing.status).toBe(400);
    expect(missing.body.error_code).toBe("BAD_REQUEST");
    expect(missing.body.message).toMatch(
      /has no ONNX weights \(model_quantized\.onnx or model\.onnx in model\/onnx\/ or onnx\/\)\. .*optimum-cli export onnx/,
    );
    // Nothing was cached broken: the next good request is served.
    expect((await invoke(`${modelPath(sst2, 1)}/invocations`, { inputs: ["I love this"] })).status).toBe(200);
  });

  it("refuses non-string inputs to a templated model with MLflow's message", async () => {
    const { status, body } = await invoke(`${modelPath(stories, 1)}/invocations`, {
      dataframe_records: [{ a: "x", b: "y" }],
    });
    expect(status).toBe(400);
    expect(JSON.stringify(body)).toMatch(
      /Prompt templating is only supported for data of type str or List\[str\]|enforce schema/,
    );
  });
});
