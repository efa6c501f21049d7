import { SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { BASE, invoke, modelPath, registerModel } from "./helpers";

let sst2: string;
beforeAll(async () => {
  sst2 = await registerModel(["sst2"]);
});

describe("transformers_js text-classification (sst2-bert-mini, q8)", () => {
  it("answers inputs with MLflow's records of label and score", async () => {
    const { status, body } = await invoke(`${modelPath(sst2, 1)}/invocations`, {
      inputs: ["I love this", "I hate this"],
    });
    expect(status).toBe(200);
    const predictions = body.predictions as { label: string; score: number }[];
    expect(predictions.map((p) => p.label)).toEqual(["POSITIVE", "NEGATIVE"]);
    expect(predictions[0]?.score).toBeCloseTo(0.9862, 3);
    expect(predictions[1]?.score).toBeCloseTo(0.9586, 2);
  });

  it("scores a padded batch as it scores each input alone", async () => {
    const path = `${modelPath(sst2, 1)}/invocations`;
    const texts = ["I love this", "The plot makes no sense and the acting is wooden.", "Boring."];
    const batch = await invoke(path, { inputs: texts });
    expect(batch.status).toBe(200);
    const alone = [];
    for (const text of texts) {
      const response = await invoke(path, { inputs: [text] });
      alone.push((response.body.predictions as unknown[])[0]);
    }
    const predictions = batch.body.predictions as { label: string; score: number }[];
    expect(predictions.map((p) => p.label)).toEqual(alone.map((p) => (p as { label: string }).label));
    for (const [i, p] of predictions.entries()) {
      // Padding moves q8 scores in the fifth digit (the pipeline's as well); labels never.
      expect(p.score).toBeCloseTo((alone[i] as { score: number }).score, 3);
      expect(p.score).toBe(Math.fround(p.score));
    }
  });

  it("reads dataframe_split, dataframe_records, instances and CSV alike", async () => {
    const path = `${modelPath(sst2, 1)}/invocations`;
    const bodies: [unknown, string?][] = [
      [
        {
          dataframe_split: {
            columns: ["text"],
            data: [["I love this"], ["Boring, predictable and far too long."]],
          },
        },
      ],
      [{ dataframe_records: [{ text: "I love this" }, { text: "Boring, predictable and far too long." }] }],
      [{ instances: ["I love this", "Boring, predictable and far too long."] }],
      ['text\n"I love this"\n"Boring, predictable and far too long."\n', "text/csv"],
    ];
    for (const [body, type] of bodies) {
      const response = await invoke(path, body, type);
      expect(response.status, JSON.stringify(body)).toBe(200);
      expect((response.body.predictions as { label: string }[]).map((p) => p.label)).toEqual([
        "POSITIVE",
        "NEGATIVE",
      ]);
    }
  });

  it("describes the version on /metadata without loading it", async () => {
    const response = await SELF.fetch(`${BASE}${modelPath(sst2, 1)}/metadata`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      name: sst2,
      version: "1",
      flavor: "transformers_js",
      task: "text-classification",
      dtype: "q8",
      signature: { inputs: [{ kind: "column", type: "string", required: true }] },
    });
  });
});
