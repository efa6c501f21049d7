import { parse } from "yaml";
import { badRequest } from "./errors";
import { parseSignature, type Signature } from "./signature";

/** How a model version is served, read from its MLmodel file. */
export type ServedFlavor =
  | { kind: "transformers_js"; task: string; dtype: string; modelDir: string }
  | { kind: "onnx"; data: string };

export interface ModelSpec {
  flavor: ServedFlavor;
  /** Every flavor the MLmodel declares, for /metadata. */
  flavors: string[];
  signature?: Signature;
  mlflowVersion?: string;
  modelSizeBytes?: number;
}

const DTYPE_FILES: Record<string, string> = {
  q8: "model_quantized.onnx",
  int8: "model_int8.onnx",
  uint8: "model_uint8.onnx",
  fp32: "model.onnx",
  fp16: "model_fp16.onnx",
  q4: "model_q4.onnx",
};

/** The ONNX file transformers.js loads for a dtype (relative to the model folder). */
export function onnxFileOf(dtype: string): string {
  return `onnx/${DTYPE_FILES[dtype] ?? "model_quantized.onnx"}`;
}

/** A relative path inside the model folder: no "..", no absolute paths, no schemes. */
function confined(path: string, what: string): string {
  const trimmed = path.replace(/^\.\/?/, "").replace(/\/$/, "");
  if (path.startsWith("/") || /^[a-zA-Z][\w+.-]*:/.test(path) || trimmed.split("/").some((s) => s === "..")) {
    throw badRequest(`The MLmodel file's ${what} '${path}' must be a relative path inside the model.`);
  }
  return trimmed;
}

const PICKLE_LOADERS = new Set([
  "mlflow.sklearn",
  "mlflow.pyfunc.model",
  "mlflow.xgboost",
  "mlflow.lightgbm",
]);

/**
 * The flavor Edgeflow serves for this MLmodel: transformers_js, then onnx. Pickle-based models
 * (sklearn, cloudpickled pyfunc and the like) are refused by their declaration alone: their files
 * are never read, let alone unpickled.
 */
export function parseMlmodel(text: string, modelLabel: string): ModelSpec {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch {
    throw badRequest(`The MLmodel file of ${modelLabel} is not valid YAML.`);
  }
  if (!doc || typeof doc !== "object") throw badRequest(`The MLmodel file of ${modelLabel} is empty.`);
  const root = doc as Record<string, unknown>;
  const flavors = (root.flavors ?? {}) as Record<string, Record<string, unknown> | null>;
  const names = Object.keys(flavors);
  const base = {
    flavors: names,
    signature: parseSignature(root.signature),
    mlflowVersion: typeof root.mlflow_version === "string" ? root.mlflow_version : undefined,
    modelSizeBytes: typeof root.model_size_bytes === "number" ? root.model_size_bytes : undefined,
  };
  const tjs = flavors.transformers_js;
  if (tjs) {
    if (typeof tjs.task !== "string")
      throw badRequest(`The transformers_js flavor of ${modelLabel} has no task.`);
    return {
      ...base,
      flavor: {
        kind: "transformers_js",
        task: tjs.task,
        dtype: typeof tjs.dtype === "string" ? tjs.dtype : "q8",
        modelDir: confined(typeof tjs.model_dir === "string" ? tjs.model_dir : ".", "model_dir"),
      },
    };
  }
  const onnx = flavors.onnx;
  if (onnx) {
    if (typeof onnx.data !== "string")
      throw badRequest(`The onnx flavor of ${modelLabel} names no model file.`);
    return { ...base, flavor: { kind: "onnx", data: confined(onnx.data, "onnx data") } };
  }
  const pyfunc = flavors.python_function ?? {};
  const pickled =
    "sklearn" in flavors || PICKLE_LOADERS.has(String(pyfunc.loader_module)) || "python_model" in pyfunc;
  if (pickled) {
    throw badRequest(
      `${modelLabel} is a pickle-based model (flavors: ${names.join(", ")}). Edgeflow never unpickles models: loading a pickle runs arbitrary code. Save it with mlflow.onnx or as a transformers_js model to serve it here.`,
    );
  }
  throw badRequest(
    `${modelLabel} has no flavor Edgeflow can serve (flavors: ${names.join(", ") || "none"}); it serves transformers_js and onnx models.`,
  );
}
