import { describe, expect, it } from "vitest";
import { edgeflow } from "../cli/helpers";
import { registerModel, setAlias } from "./helpers";

// test/cli/helpers.ts runs the CLI with SELF as its network: here SELF is the inference worker.
const request = { "request.json": '{"inputs": ["I love this"]}' };

describe("edgeflow predict against the inference worker", () => {
  it("answers the fixture's labels by alias and by version", async () => {
    const name = await registerModel(["sst2"]);
    await setAlias(name, "champion", 1);
    const byAlias = await edgeflow([
      "predict",
      `${name}@champion`,
      "--input",
      '["I love this", "I hate this"]',
      "--json",
    ]);
    expect(byAlias.stderr).toBe("");
    expect(byAlias.status).toBe(0);
    const { predictions } = JSON.parse(byAlias.stdout) as { predictions: { label: string }[] };
    expect(predictions.map((p) => p.label)).toEqual(["POSITIVE", "NEGATIVE"]);
    const fromFile = await edgeflow(["predict", `models:/${name}/1`, "--input", "@request.json"], request);
    expect(fromFile.status).toBe(0);
    expect(JSON.parse(fromFile.stdout)).toEqual([expect.objectContaining({ label: "POSITIVE" })]);
  });

  it("prints the worker's error for a model that does not exist", async () => {
    const result = await edgeflow(["predict", "no-such-model@x", "--input", '["hi"]']);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^edgeflow predict: INVALID_PARAMETER_VALUE: .*alias x not found/);
  });
});
