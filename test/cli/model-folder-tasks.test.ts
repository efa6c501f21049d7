import { parseMlmodel, taskFromConfig } from "@edgeflow/core";
import { describe, expect, it } from "vitest";
import { planModelFolder } from "../../packages/cli/src/model-folder";
import { type Files, memoryDisk } from "./helpers";

// What `models log` plans for the export folders of the tasks beyond text: encoder-decoder
// weights, processors instead of tokenizers, and heads that do not name their task.
const weights = new Uint8Array(64).fill(1);
const plan = (files: Files) => planModelFolder(memoryDisk(files), "m", {});
const paths = async (files: Files) => (await plan(files)).files.map((f) => f.path).sort();

describe("models log: export folders of every task", () => {
  it("logs an encoder-decoder (Marian) export as a translation model, both graphs uploaded", async () => {
    const files: Files = {
      "m/config.json": JSON.stringify({ architectures: ["MarianMTModel"], model_type: "marian" }),
      "m/tokenizer.json": "{}",
      "m/onnx/encoder_model.onnx": weights,
      "m/onnx/decoder_model_merged.onnx": weights,
      "m/onnx/decoder_model.onnx": weights,
    };
    const planned = await plan(files);
    expect(planned.mlmodel.flavors).toEqual({
      transformers_js: { task: "translation", model_dir: ".", dtype: "fp32" },
    });
    expect(await paths(files)).toEqual([
      "config.json",
      "input_example.json",
      "onnx/decoder_model_merged.onnx",
      "onnx/encoder_model.onnx",
      "tokenizer.json",
    ]);
  });

  it("tells speech and vision models by what they need", async () => {
    const whisper = {
      "m/config.json": JSON.stringify({
        architectures: ["WhisperForConditionalGeneration"],
        model_type: "whisper",
      }),
      "m/tokenizer.json": "{}",
      "m/preprocessor_config.json": "{}",
      "m/onnx/encoder_model_quantized.onnx": weights,
      "m/onnx/decoder_model_merged_quantized.onnx": weights,
    };
    expect((await plan(whisper)).mlmodel.flavors).toEqual({
      transformers_js: { task: "automatic-speech-recognition", model_dir: ".", dtype: "q8" },
    });
    const vit = {
      "m/config.json": JSON.stringify({
        architectures: ["ViTForImageClassification"],
        id2label: { 0: "cat" },
      }),
      "m/preprocessor_config.json": "{}",
      "m/onnx/model.onnx": weights,
    };
    expect((await plan(vit)).summary).toBe("image-classification model, fp32");
    const { "m/preprocessor_config.json": _, ...noProcessor } = vit;
    await expect(plan(noProcessor)).rejects.toThrow(
      /no preprocessor_config\.json, which a image-classification pipeline reads/,
    );
    const text = {
      "m/config.json": JSON.stringify({ architectures: ["BertForMaskedLM"] }),
      "m/onnx/model.onnx": weights,
    };
    await expect(plan(text)).rejects.toThrow(/no tokenizer\.json, which a fill-mask pipeline reads/);
  });

  it("maps model types whose head says less than their task", () => {
    expect(
      taskFromConfig({ architectures: ["WhisperForConditionalGeneration"], model_type: "whisper" }),
    ).toBe("automatic-speech-recognition");
    expect(taskFromConfig({ architectures: ["MarianMTModel"] })).toBe("translation");
    expect(taskFromConfig({ architectures: ["T5ForConditionalGeneration"], model_type: "t5" })).toBe(
      "text2text-generation",
    );
  });

  it("reads MLflow's task names and processor components from a transformers MLmodel", () => {
    const spec = parseMlmodel(
      `flavors:
  python_function: {loader_module: mlflow.transformers}
  transformers:
    task: translation_en_to_fr
    model_binary: model
    components: [tokenizer, feature_extractor]
`,
      "test model",
    );
    expect(spec.flavor).toMatchObject({
      task: "translation",
      layout: {
        config: "model",
        tokenizer: "components/tokenizer",
        preprocessor: "components/feature_extractor",
      },
    });
  });
});
