import { describe, expect, it } from "vitest";
import { ort } from "../../workers/inference/src/runtime/ort";
import { IDENTITY_MODEL, warmUpRuntime } from "../../workers/inference/src/runtime/warm-up";

// The warm-up swallows its own failures (the model's load reports them), so a broken warm-up
// model would only show as a slower cold start: these tests are what notice it.
describe("runtime warm-up", () => {
  it("starts onnxruntime on a valid one-node model that passes its input through", async () => {
    const session = await ort.InferenceSession.create(IDENTITY_MODEL);
    try {
      expect(session.inputNames).toEqual(["x"]);
      expect(session.outputNames).toEqual(["y"]);
      const { y } = await session.run({ x: new ort.Tensor("float32", Float32Array.from([1.5]), [1]) });
      expect(Array.from(y?.data as Float32Array)).toEqual([1.5]);
    } finally {
      await session.release();
    }
  });

  it("resolves once per isolate and leaves transformers.js loaded", async () => {
    const first = warmUpRuntime();
    expect(warmUpRuntime()).toBe(first);
    await expect(first).resolves.toBeUndefined();
    const { loadTransformers } = await import("../../workers/inference/src/runtime/transformers");
    const t = await loadTransformers();
    expect(typeof t.pipeline).toBe("function");
  });
});
