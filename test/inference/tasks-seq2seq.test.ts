/**
 * text2text-generation, summarization, translation and automatic-speech-recognition through the
 * worker, on generated T5, Marian and wav2vec2 models (test/fixtures/seq2seq-models.ts): the
 * worker's predictions equal transformers.js's own pipelines on onnxruntime-node for the same
 * folders and inputs (computed in the globalSetup), and bad inputs are 400s that leave the model
 * serving.
 */
import { beforeAll, describe, expect, inject, it } from "vitest";
import { base64, signal, wavFile } from "../fixtures/seq2seq/wav";
import { invoke, modelPath, registerModel } from "./helpers";

const cases = inject("seq2seqCases");
const names: Record<string, string> = {};

beforeAll(async () => {
  const fixtures = [...new Set(cases.map((c) => c.fixture))];
  const registered = await Promise.all(fixtures.map((fixture) => registerModel([fixture])));
  for (const [i, fixture] of fixtures.entries()) names[fixture] = registered[i] as string;
});

const invocations = (fixture: string) => `${modelPath(names[fixture] as string, 1)}/invocations`;

describe("seq2seq and speech tasks: the worker answers as transformers.js does in Node", () => {
  it("has a reference for each task, each answer a non-empty text that depends on its input", () => {
    expect(cases.map((c) => c.fixture)).toEqual([
      "t5-text2text",
      "t5-summarization",
      "marian-translation",
      "wav2vec2-asr",
    ]);
    for (const c of cases) {
      for (const text of c.predictions) expect(text, c.name).not.toBe("");
      expect(new Set(c.predictions).size, c.name).toBe(c.predictions.length);
    }
  });

  it.each(cases.map((c) => [c.name, c] as const))("%s", async (_, c) => {
    const { status, body } = await invoke(invocations(c.fixture), c.body);
    expect(status, JSON.stringify(body)).toBe(200);
    expect(body.predictions).toEqual(c.predictions);
  });
});

describe("bad inputs are 400s and the model keeps serving", () => {
  const asr = () => cases.find((c) => c.fixture === "wav2vec2-asr");

  it("speech: base64 that is not base64, then base64 that is not audio, then a good request", async () => {
    const path = invocations("wav2vec2-asr");
    const notBase64 = await invoke(path, { inputs: ["this is not base64!"] });
    expect(notBase64.status).toBe(400);
    expect(notBase64.body).toMatchObject({ error_code: "BAD_REQUEST" });
    expect(String(notBase64.body.message)).toContain("not valid base64");

    const notAudio = await invoke(path, {
      inputs: [base64(new TextEncoder().encode("plain text, not a RIFF/WAVE file"))],
    });
    expect(notAudio.status).toBe(400);
    expect(notAudio.body).toMatchObject({ error_code: "BAD_REQUEST" });
    expect(String(notAudio.body.message)).toContain("not a readable WAV file");

    const good = asr();
    const served = await invoke(path, good?.body);
    expect(served.status).toBe(200);
    expect(served.body.predictions).toEqual(good?.predictions);
  });

  it("speech: docs/inference.md's request, 50 ms of 8-bit 8 kHz WAV resampled to 16 kHz", async () => {
    const { bytes } = wavFile([signal(0.05, 8000, 4)], 8000, { kind: "int", bits: 8 });
    const { status, body } = await invoke(invocations("wav2vec2-asr"), { inputs: [base64(bytes)] });
    expect(status, JSON.stringify(body)).toBe(200);
    // The answer docs/inference.md shows (the worker's decoder and model in Node gave the same).
    expect(body.predictions).toEqual(["JT"]);
  });

  it("speech: a column that is not binary (a number) is refused by the signature", async () => {
    const { status, body } = await invoke(invocations("wav2vec2-asr"), { inputs: [42] });
    expect(status).toBe(400);
    expect(body).toMatchObject({ error_code: "BAD_REQUEST" });
  });

  it("text: a param of the wrong type is refused against the signature", async () => {
    const { status, body } = await invoke(invocations("t5-text2text"), {
      inputs: ["good morning"],
      params: { max_new_tokens: "ten" },
    });
    expect(status).toBe(400);
    expect(body).toMatchObject({ error_code: "BAD_REQUEST" });
    expect(String(body.message)).toContain("max_new_tokens");
  });
});
