import { badRequest, type ModelSpec, type ScoringInput, type TensorSpec } from "@edgeflow/core";
import { ort } from "../runtime/ort";
import { checkBatch } from "./inputs";
import type { LoadedModel } from "./model";

type TypedArray = Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array | Int8Array;

const ARRAYS: Record<string, (values: unknown[]) => TypedArray> = {
  float32: (v) => Float32Array.from(v as number[]),
  float64: (v) => Float64Array.from(v as number[]),
  double: (v) => Float64Array.from(v as number[]),
  int32: (v) => Int32Array.from(v as number[]),
  int64: (v) => BigInt64Array.from((v as number[]).map((x) => BigInt(Math.trunc(x)))),
  uint8: (v) => Uint8Array.from(v as number[]),
  int8: (v) => Int8Array.from(v as number[]),
  bool: (v) => Uint8Array.from((v as unknown[]).map((x) => (x ? 1 : 0))),
};

/** A nested array's shape and its values in row-major order; ragged arrays are refused. */
function flatten(value: unknown, name: string): { shape: number[]; values: unknown[] } {
  const shape: number[] = [];
  let probe = value;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    probe = probe[0];
  }
  const values = shape.length === 0 ? [value] : (value as unknown[]).flat(shape.length - 1);
  if (values.length !== shape.reduce((a, b) => a * b, 1) || values.some((v) => Array.isArray(v))) {
    throw badRequest(`Input '${name}' is not a rectangular tensor.`);
  }
  for (const v of values) {
    if (typeof v !== "number" && typeof v !== "boolean") {
      throw badRequest(`Input '${name}' must hold numbers, got ${JSON.stringify(v)}.`);
    }
  }
  return { shape, values };
}

function checkShape(spec: TensorSpec | undefined, shape: number[], name: string): void {
  if (!spec) return;
  const ok = spec.shape.length === shape.length && spec.shape.every((d, i) => d === -1 || d === shape[i]);
  if (!ok) {
    throw badRequest(
      `Failed to enforce schema of input '${name}': expected shape ${JSON.stringify(spec.shape)}, got ${JSON.stringify(shape)}.`,
    );
  }
}

function reshape(values: unknown[], dims: readonly number[]): unknown {
  if (dims.length <= 1) return values;
  const [, ...rest] = dims;
  const step = rest.reduce((a, b) => a * b, 1);
  const out: unknown[] = [];
  for (let i = 0; i < values.length; i += step) out.push(reshape(values.slice(i, i + step), rest));
  return out;
}

/** MLflow's onnx flavor: tensors in and out as the signature declares, on onnxruntime-web. */
export async function loadOnnxModel(spec: ModelSpec, bytes: Uint8Array): Promise<LoadedModel> {
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(bytes, { executionProviders: ["wasm"] });
  } catch (error) {
    throw badRequest(`The model's ONNX file could not be loaded: ${(error as Error).message}`);
  }
  const tensorSpecs = (spec.signature?.inputs ?? []).filter((s): s is TensorSpec => s.kind === "tensor");
  const specOf = (name: string, index: number) =>
    tensorSpecs.find((s) => s.name === name) ??
    (tensorSpecs.length === 1 && index === 0 ? tensorSpecs[0] : undefined);

  function feedsOf(input: ScoringInput): Record<string, unknown> {
    const names = session.inputNames;
    if (input.format === "dataframe") {
      if (names.length !== 1)
        throw badRequest(`This model takes the inputs ${names.join(", ")}; send them as 'inputs'.`);
      return { [names[0] as string]: input.rows };
    }
    const value = input.value;
    if (value && typeof value === "object" && !Array.isArray(value)) {
      const given = value as Record<string, unknown>;
      for (const name of names) if (!(name in given)) throw badRequest(`Missing model input '${name}'.`);
      return given;
    }
    if (names.length !== 1)
      throw badRequest(`This model takes the inputs ${names.join(", ")}; send them by name.`);
    return { [names[0] as string]: value };
  }

  return {
    spec,
    async predict(input, _params, maxBatch) {
      const given = feedsOf(input);
      const feeds: Record<string, ort.Tensor> = {};
      for (const [index, name] of session.inputNames.entries()) {
        const { shape, values } = flatten(given[name], name);
        const tensorSpec = specOf(name, index);
        checkShape(tensorSpec, shape, name);
        checkBatch(shape[0] ?? 1, maxBatch);
        const dtype = tensorSpec?.dtype ?? "float32";
        const make = ARRAYS[dtype];
        if (!make) throw badRequest(`Input dtype ${dtype} is not supported.`);
        feeds[name] = new ort.Tensor(
          dtype === "double" ? "float64" : (dtype as "float32"),
          make(values),
          shape,
        );
      }
      const results = await session.run(feeds);
      const outputs: Record<string, unknown> = {};
      for (const name of session.outputNames) {
        const tensor = results[name] as ort.Tensor;
        const data = Array.from(tensor.data as ArrayLike<number | bigint>, (v) =>
          typeof v === "bigint" ? Number(v) : v,
        );
        outputs[name] = reshape(data, tensor.dims);
      }
      return session.outputNames.length === 1 ? outputs[session.outputNames[0] as string] : outputs;
    },
    dispose() {
      void session.release();
    },
  };
}
