import { create } from "@bufbuild/protobuf";
import {
  ModelProtoSchema,
  readModel,
  TensorProto_DataType,
  TensorProtoSchema,
  writeModel,
} from "@edgeflow/onnx";
import { describe, expect, it } from "vitest";
import { edgeflow } from "./helpers";

/** Y = X · W: one MatMul on a constant 4×3 weight, the smallest model there is to quantise. */
function matmulModel(opset: number): Uint8Array {
  const weights = new Float32Array([0.5, -1, 0.25, 2, 0, -0.5, 1, 1, -2, 0.125, 0.75, -0.25]);
  const tensorType = (dims: number[]) => ({
    value: {
      case: "tensorType" as const,
      value: {
        elemType: TensorProto_DataType.FLOAT,
        shape: { dim: dims.map((d) => ({ value: { case: "dimValue" as const, value: BigInt(d) } })) },
      },
    },
  });
  return writeModel(
    create(ModelProtoSchema, {
      irVersion: 7n,
      opsetImport: [{ domain: "", version: BigInt(opset) }],
      graph: {
        name: "g",
        node: [{ opType: "MatMul", name: "mm", input: ["X", "W"], output: ["Y"] }],
        initializer: [
          create(TensorProtoSchema, {
            name: "W",
            dims: [4n, 3n],
            dataType: TensorProto_DataType.FLOAT,
            rawData: new Uint8Array(weights.buffer),
          }),
        ],
        input: [{ name: "X", type: tensorType([1, 4]) }],
        output: [{ name: "Y", type: tensorType([1, 3]) }],
      },
    }),
  );
}

describe("edgeflow models quantize", () => {
  it("writes the int8 model and says what it quantised, with a progress line on a terminal", async () => {
    const files = { "in.onnx": matmulModel(13) };
    const result = await edgeflow(["models", "quantize", "in.onnx", "out.onnx", "--json"], files);
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      matmuls: 1,
      gemms: 0,
      embeddings: 0,
      output: "out.onnx",
    });
    const out = readModel(files["out.onnx" as keyof typeof files] as Uint8Array);
    expect(out.graph?.node.map((n) => n.opType)).toEqual([
      "DynamicQuantizeLinear",
      "MatMulInteger",
      "Cast",
      "Mul",
      "Mul",
    ]);
    expect(out.graph?.initializer.map((t) => t.name).sort()).toEqual([
      "W_quantized",
      "W_scale",
      "W_zero_point",
    ]);
    const shown = await edgeflow(["models", "quantize", "in.onnx", "again.onnx"], files, undefined, true);
    expect(shown.stdout).toMatch(/^quantised 1 MatMul, 0 Gemm, 0 embedding weights: .* \(again\.onnx\)\n$/);
    expect(shown.stderr).toBe("\rquantising [####################] 100%\n");
  });

  it("refuses an opset without DynamicQuantizeLinear, and a file that is not ONNX", async () => {
    const old = await edgeflow(["models", "quantize", "old.onnx", "out.onnx"], {
      "old.onnx": matmulModel(10),
    });
    expect(old.status).toBe(2);
    expect(old.stderr).toMatch(
      /cannot quantise old\.onnx: the model uses ONNX opset 10; dynamic quantisation needs opset 11/,
    );
    const junk = await edgeflow(["models", "quantize", "junk.onnx", "out.onnx"], {
      "junk.onnx": "not onnx at all",
    });
    expect(junk.status).toBe(2);
    expect(junk.stderr).toMatch(/junk\.onnx is not a readable ONNX model/);
  });
});
