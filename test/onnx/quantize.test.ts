/**
 * The TypeScript quantiser against the fixtures' own q8 files (../shared/models/*, made with
 * onnxruntime's quantize_dynamic layout): size, the int8 weights themselves, and answers from both
 * onnxruntime-node and onnxruntime-web. The end-to-end path (log --quantize, then predict through
 * the inference worker, stories260K's greedy tokens included) is test/stack/models-log.test.ts.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { equals } from "@bufbuild/protobuf";
import { ModelProtoSchema, QuantizeError, quantizeDynamic, readModel, writeModel } from "@edgeflow/onnx";
import * as ortNode from "onnxruntime-node";
import * as ortWeb from "onnxruntime-web";
import { describe, expect, it } from "vitest";

const MODELS = resolve(import.meta.dirname, "../../../shared/models");
const FIXTURES = ["sst2-bert-mini", "conll03-bert-mini", "stories260K"] as const;

const fixture = (name: string, file: string) =>
  new Uint8Array(readFileSync(resolve(MODELS, name, "onnx", file)));

function quantized(name: string, options: Parameters<typeof quantizeDynamic>[1] = {}) {
  const model = readModel(fixture(name, "model.onnx"));
  const report = quantizeDynamic(model, options);
  return { bytes: writeModel(model), report, model };
}

/** "[CLS] i love this [SEP]" and the CoNLL sentence, in bert-base-uncased ids. */
const SENTENCES = {
  love: [101, 1045, 2293, 2023, 102],
  conll: [101, 2198, 3044, 2573, 2005, 7513, 1999, 2414, 1012, 102],
};

type Ort = typeof ortNode;
const RUNTIMES: [string, Ort][] = [
  ["onnxruntime-node", ortNode],
  ["onnxruntime-web", ortWeb as unknown as Ort],
];

async function logits(ort: Ort, bytes: Uint8Array, ids: number[]): Promise<number[]> {
  const session = await ort.InferenceSession.create(bytes);
  const tensor = (values: number[]) =>
    new ort.Tensor("int64", BigInt64Array.from(values.map(BigInt)), [1, ids.length]);
  const out = await session.run({
    input_ids: tensor(ids),
    attention_mask: tensor(ids.map(() => 1)),
    token_type_ids: tensor(ids.map(() => 0)),
  });
  return Array.from(out.logits?.data as Float32Array);
}

const softmax = (values: number[]) => {
  const exps = values.map((v) => Math.exp(v - Math.max(...values)));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
};

const argmaxPerToken = (values: number[], labels: number) =>
  Array.from({ length: values.length / labels }, (_, t) => {
    const row = values.slice(t * labels, (t + 1) * labels);
    return row.indexOf(Math.max(...row));
  });

describe("models quantize (dynamic int8)", () => {
  it.each(FIXTURES)("%s: within a tenth of the fixture's q8 size, with the same int8 weights", (name) => {
    const { bytes, report } = quantized(name);
    const reference = fixture(name, "model_quantized.onnx");
    expect(Math.abs(bytes.length / reference.length - 1)).toBeLessThan(0.1);
    expect(report.matmuls + report.gemms).toBeGreaterThan(10);
    const ours = new Map(readModel(bytes).graph?.initializer.map((t) => [t.name, t]));
    const theirs = readModel(reference).graph?.initializer.filter((t) => t.name.endsWith("_quantized")) ?? [];
    expect(theirs.length).toBeGreaterThan(10);
    for (const tensor of theirs) {
      expect(ours.get(tensor.name)?.dims, tensor.name).toEqual(tensor.dims);
      expect(
        Buffer.from(ours.get(tensor.name)?.rawData ?? []).equals(Buffer.from(tensor.rawData)),
        tensor.name,
      ).toBe(true);
    }
  });

  it.each(RUNTIMES)("sst2 answers the fixture's labels and scores in %s", async (_, ort) => {
    const { bytes } = quantized("sst2-bert-mini");
    const ours = await logits(ort, bytes, SENTENCES.love);
    const reference = await logits(ort, fixture("sst2-bert-mini", "model_quantized.onnx"), SENTENCES.love);
    for (const [i, value] of ours.entries()) expect(value).toBeCloseTo(reference[i] as number, 4);
    // expected.json: "I love this" → POSITIVE 0.9862 (label 1).
    expect(softmax(ours)[1]).toBeCloseTo(0.9862, 1);
  });

  it.each(RUNTIMES)("conll03 tags every token as the fixture's q8 does in %s", async (_, ort) => {
    const { bytes } = quantized("conll03-bert-mini");
    const ours = await logits(ort, bytes, SENTENCES.conll);
    const reference = await logits(
      ort,
      fixture("conll03-bert-mini", "model_quantized.onnx"),
      SENTENCES.conll,
    );
    expect(argmaxPerToken(ours, 9)).toEqual(argmaxPerToken(reference, 9));
  });

  it.each(RUNTIMES)("stories260K loads with its KV-cache inputs in %s", async (_, ort) => {
    const session = await ort.InferenceSession.create(quantized("stories260K").bytes);
    expect(session.inputNames).toContain("past_key_values.0.key");
    expect(session.outputNames).toContain("logits");
  });

  it("per-channel scales keep sst2's answer", async () => {
    const { bytes, model } = quantized("sst2-bert-mini", { perChannel: true });
    const scales = model.graph?.initializer.find((t) => t.name === "onnx::MatMul_305_scale");
    expect(scales?.dims).toEqual([256n]);
    expect(softmax(await logits(ortNode, bytes, SENTENCES.love))[1]).toBeCloseTo(0.9862, 1);
  });

  it("stores a large embedding table int8 behind Gather, and the model still runs", async () => {
    const { bytes, report } = quantized("stories260K", { embeddingMinBytes: 0 });
    expect(report.embeddings).toBeGreaterThan(0);
    expect(bytes.length).toBeLessThan(quantized("stories260K").bytes.length);
    await expect(ortNode.InferenceSession.create(bytes)).resolves.toBeDefined();
  });

  it("round-trips a model it does not change, and refuses what it cannot quantise", () => {
    const original = readModel(fixture("sst2-bert-mini", "model_quantized.onnx"));
    expect(equals(ModelProtoSchema, readModel(writeModel(original)), original)).toBe(true);
    const old = readModel(fixture("sst2-bert-mini", "model.onnx"));
    for (const entry of old.opsetImport) entry.version = 10n;
    expect(() => quantizeDynamic(old)).toThrow(QuantizeError);
    expect(() => quantizeDynamic(old)).toThrow(/opset 10.*needs opset 11/);
    expect(() => readModel(new TextEncoder().encode("not an onnx file"))).toThrow();
  });
});
