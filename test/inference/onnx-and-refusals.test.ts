import { SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { BASE, invoke, modelPath, registerModel } from "./helpers";

// ../shared/mlflow-models/iris-onnx/expected.json, case one_row_per_class_0_50_100.
const ROWS = [
  [5.1, 3.5, 1.4, 0.2],
  [7.0, 3.2, 4.7, 1.4],
  [6.3, 3.3, 6.0, 2.5],
];

let iris: string;
let pickles: string;
beforeAll(async () => {
  [iris, pickles] = await Promise.all([
    registerModel(["iris-onnx"]),
    registerModel(["iris-sklearn-pickle", "pyfunc-custom"]),
  ]);
});

describe("MLflow's onnx flavor (iris-onnx)", () => {
  it("returns probabilities and int64 labels per output", async () => {
    const { status, body } = await invoke(`${modelPath(iris, 1)}/invocations`, { inputs: ROWS });
    expect(status).toBe(200);
    const predictions = body.predictions as { probabilities: number[][]; label: number[] };
    expect(predictions.label).toEqual([0, 1, 2]);
    expect(predictions.probabilities).toHaveLength(3);
    expect(predictions.probabilities[0]?.[0]).toBeCloseTo(0.981583, 5);
    expect(predictions.probabilities[0]?.[1]).toBeCloseTo(0.018417, 5);
    for (const row of predictions.probabilities) expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
  });

  it("reads dataframe_split rows as the input tensor", async () => {
    const { status, body } = await invoke(`${modelPath(iris, 1)}/invocations`, {
      dataframe_split: { columns: ["a", "b", "c", "d"], data: ROWS },
    });
    expect(status).toBe(200);
    expect((body.predictions as { label: number[] }).label).toEqual([0, 1, 2]);
  });

  it("refuses tensors of the wrong shape", async () => {
    const { status, body } = await invoke(`${modelPath(iris, 1)}/invocations`, { inputs: [[1, 2, 3]] });
    expect(status).toBe(400);
    expect(String(body.message)).toContain("shape");
  });
});

describe("pickle-based models", () => {
  it("are refused, never unpickled: sklearn and cloudpickled pyfunc", async () => {
    for (const version of [1, 2]) {
      for (const path of ["metadata", "invocations"]) {
        const response = await SELF.fetch(`${BASE}${modelPath(pickles, version)}/${path}`, {
          method: path === "metadata" ? "GET" : "POST",
          headers: { "Content-Type": "application/json" },
          body: path === "metadata" ? undefined : JSON.stringify({ inputs: [[5.1, 3.5, 1.4, 0.2]] }),
        });
        expect(response.status).toBe(400);
        const body = (await response.json()) as { error_code: string; message: string };
        expect(body.error_code).toBe("BAD_REQUEST");
        expect(body.message).toContain("never unpickles");
      }
    }
  });
});
