import { env, SELF } from "cloudflare:test";
import { describe, expect, inject, it } from "vitest";
import { handleRequest } from "../../workers/inference/src/app";
import type { InferenceEnv } from "../../workers/inference/src/env";
import { BASE, invoke, modelPath, registerModel } from "./helpers";
import { HUB_REPOS, HUB_REVISION } from "./setup/hub-repos";

const hubRequests = async (): Promise<Record<string, number>> =>
  (await (await fetch(`${inject("hubVars").HF_ENDPOINT}/__requests`)).json()) as Record<string, number>;

describe("Hub references (save_pretrained=False)", () => {
  it("fetches the pinned revision once into the bucket and serves it like any version", async () => {
    const first = await registerModel(["hub-sst2"]);
    const answer = await invoke(`${modelPath(first, 1)}/invocations`, {
      inputs: ["I love this", "I hate this"],
    });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    const [love, hate] = answer.body.predictions as { label: string; score: number }[];
    expect(love).toMatchObject({ label: "POSITIVE" });
    expect(love?.score).toBeCloseTo(0.9862, 3);
    expect(hate).toMatchObject({ label: "NEGATIVE" });

    // Another model naming the same repo and revision is served from the same copy: no new download.
    const before = await hubRequests();
    const second = await registerModel(["hub-sst2-again"]);
    expect((await invoke(`${modelPath(second, 1)}/invocations`, { inputs: ["I love this"] })).status).toBe(
      200,
    );
    expect(await hubRequests()).toEqual(before);
    const resolved = (file: string) => before[`/${HUB_REPOS.sst2}/resolve/${HUB_REVISION}/${file}`];
    expect(resolved("onnx/model_quantized.onnx")).toBe(1);
    expect(resolved("tokenizer.json")).toBe(1);
    // Only the weights transformers.js loads: the fp32 graph stays on the Hub.
    expect(resolved("onnx/model.onnx")).toBeUndefined();
  });

  it("answers 404 for a repo or revision the Hub does not have, and keeps serving", async () => {
    const missing = await registerModel(["sst2-transformers-hub"]);
    const response = await invoke(`${modelPath(missing, 1)}/invocations`, { inputs: ["hi"] });
    expect(response.status).toBe(404);
    expect(response.body.error_code).toBe("RESOURCE_DOES_NOT_EXIST");
    expect(response.body.message).toMatch(/edgeflow-fixtures\/text-classification@0123456789abcdef/);
    const good = await registerModel(["hub-sst2"]);
    expect((await invoke(`${modelPath(good, 1)}/invocations`, { inputs: ["I love this"] })).status).toBe(200);
  });

  it("says how to add ONNX weights when the repo has none", async () => {
    const bare = await registerModel(["hub-no-onnx"]);
    const response = await invoke(`${modelPath(bare, 1)}/invocations`, { inputs: ["hi"] });
    expect(response.status).toBe(400);
    expect(response.body.message).toMatch(
      /has no ONNX weights .*optimum-cli export onnx --model edgeflow-test\/no-onnx/,
    );
  });

  it("serves Hub references pinned to a revision only", async () => {
    const unpinned = await registerModel(["hub-unpinned"]);
    const response = await SELF.fetch(`${BASE}${modelPath(unpinned, 1)}/metadata`);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { message: string }).message).toMatch(/pinned to a revision/);
  });

  it("never follows a redirect to an internal address", async () => {
    const inward = await registerModel(["hub-redirects-inward"]);
    const response = await invoke(`${modelPath(inward, 1)}/invocations`, { inputs: ["hi"] });
    expect(response.status).toBe(400);
    expect(response.body.message).toMatch(/169\.254\.169\.254.*EDGEFLOW_OUTBOUND_ALLOW/);
  });

  it("refuses a loopback HF_ENDPOINT that EDGEFLOW_OUTBOUND_ALLOW does not name", async () => {
    const model = await registerModel(["hub-no-onnx"]);
    const response = await handleRequest(
      new Request(`${BASE}${modelPath(model, 1)}/invocations`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ inputs: ["hi"] }),
      }),
      { ...(env as unknown as InferenceEnv), EDGEFLOW_OUTBOUND_ALLOW: "" },
    );
    expect(response.status).toBe(400);
    expect(((await response.json()) as { message: string }).message).toMatch(
      /loopback, private or internal address/,
    );
  });
});
