import { beforeAll, describe, expect, it } from "vitest";
import { invoke, modelPath, registerModel } from "./helpers";

let conll: string;
let features: string;
let stories: string;
beforeAll(async () => {
  [conll, features, stories] = await Promise.all([
    registerModel(["conll03"]),
    registerModel(["sst2-features"]),
    registerModel(["stories"]),
  ]);
});

const STORY =
  "Once upon a time, there was a little girl named Lily. She loved to play outside in the park. One day, she saw a big, red ball. She wanted to play with it, but it";

describe("transformers_js tasks", () => {
  it("token-classification finds PER, ORG and LOC", async () => {
    const { status, body } = await invoke(`${modelPath(conll, 1)}/invocations`, {
      inputs: ["John Smith works for Microsoft in London ."],
    });
    expect(status).toBe(200);
    const [entities] = body.predictions as { word: string; entity: string; score: number; index: number }[][];
    expect(entities?.map((e) => [e.word, e.entity])).toEqual([
      ["john", "B-PER"],
      ["smith", "I-PER"],
      ["microsoft", "B-ORG"],
      ["london", "B-LOC"],
    ]);
    expect(entities?.[0]?.score).toBeCloseTo(0.999, 2);
  });

  it("feature-extraction returns one normalised 64-d vector per text", async () => {
    const { status, body } = await invoke(`${modelPath(features, 1)}/invocations`, {
      inputs: ["I love this", "I adore this", "I hate this"],
    });
    expect(status).toBe(200);
    const [love, adore, hate] = body.predictions as number[][];
    const dot = (a: number[] = [], b: number[] = []) => a.reduce((sum, x, i) => sum + x * (b[i] ?? 0), 0);
    expect(love).toHaveLength(64);
    expect(dot(love, love)).toBeCloseTo(1, 4);
    // expected.json (q8): first four dimensions of "I love this", and love/hate far apart.
    const first4 = [-0.109, 0.1784, 0.0406, 0.1488];
    for (const [i, value] of first4.entries()) expect(love?.[i]).toBeCloseTo(value, 3);
    expect(dot(love, hate)).toBeCloseTo(-0.4797, 1);
    expect(dot(love, adore)).toBeGreaterThan(0.9);
  });

  it("text-generation continues a prompt greedily (stories260K)", async () => {
    const { status, body } = await invoke(`${modelPath(stories, 1)}/invocations`, {
      inputs: ["Once upon a time"],
      params: { max_new_tokens: 50 },
    });
    expect(status).toBe(200);
    expect(body.predictions).toEqual([STORY]);
  });

  it("checks params against the signature", async () => {
    const path = `${modelPath(stories, 1)}/invocations`;
    const wrongType = await invoke(path, { inputs: ["Once"], params: { max_new_tokens: "many" } });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body).toMatchObject({ error_code: "BAD_REQUEST" });
    expect(String(wrongType.body.message)).toContain("max_new_tokens");
    const unknown = await invoke(path, { inputs: ["Once"], params: { beams: 3 } });
    expect(unknown.status).toBe(400);
    expect(String(unknown.body.message)).toContain("beams");
  });
});
