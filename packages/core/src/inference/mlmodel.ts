import { parse } from "yaml";
import { badRequest } from "./errors";
import { parseSignature, type Signature } from "./signature";

/**
 * Where a transformers.js pipeline's files are inside a model: one folder for a transformers_js
 * model; MLflow's transformers flavor splits them (model/ for config and weights,
 * components/tokenizer/ for the tokenizer). Paths are relative to the model's root.
 */
export interface TransformersLayout {
  /** config.json, generation_config.json. */
  config: string;
  /** tokenizer.json, tokenizer_config.json and the like. */
  tokenizer: string;
  /** preprocessor_config.json, when not beside config.json (MLflow's components/feature_extractor). */
  preprocessor?: string;
  /** Folders searched in order for the ONNX weights (model_quantized.onnx, model.onnx...). */
  onnx: string[];
}

/** A Hugging Face Hub repository at one revision (MLflow's source_model_name / _revision). */
export interface HubReference {
  repo: string;
  revision: string;
}

/** "org/name" or "name": the Hub's repo id characters, never a path step. */
const HUB_REPO = /^(?!.*\.\.)[\w.-]{1,96}(\/[\w.-]{1,96})?$/;
/** A commit hash, branch or tag as MLflow records it; no path steps, no spaces. */
const HUB_REVISION = /^(?!.*\.\.)[\w.-]{1,100}$/;

/** How a model version is served, read from its MLmodel file. */
export type ServedFlavor =
  | {
      kind: "transformers_js";
      task: string;
      /** q8, fp32... or "auto" (MLflow's transformers flavor): the q8 weights when present, else fp32. */
      dtype: string;
      modelDir: string;
      layout: TransformersLayout;
      /** The MLmodel flavor it came from. */
      origin: "transformers_js" | "transformers";
      /** MLflow's `metadata.prompt_template`: each string input becomes template.format(prompt=...). */
      promptTemplate?: string;
      /** MLflow's `python_function.model_config`: default pipeline params, request params win. */
      modelConfig: Record<string, unknown>;
      /** MLflow's `inference_task` (llm/v1/completions, llm/v1/chat, llm/v1/embeddings). */
      inferenceTask?: string;
      /**
       * A save_pretrained=False model: no weights of its own, a Hub repo at a pinned revision. The
       * worker fetches its files once into the bucket; `layout` is then relative to that copy.
       */
      hub?: HubReference;
    }
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

/**
 * The ONNX files that make a dtype's weights, each alternative complete on its own: one graph, or
 * an encoder-decoder's pair as Optimum names them (T5, Marian, Whisper...). Relative to the model folder.
 */
export function weightSetsOf(dtype: string): string[][] {
  const single = onnxFileOf(dtype);
  const suffix = single.slice("onnx/model".length);
  return [[single], [`onnx/encoder_model${suffix}`, `onnx/decoder_model_merged${suffix}`]];
}

/** MLflow's task names with their arguments folded in ("translation_en_to_fr") → the pipeline's task. */
function pipelineTask(task: string): string {
  return /^translation_[a-z]{2,3}_to_[a-z]{2,3}$/i.test(task) ? "translation" : task;
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
    const modelDir = confined(typeof tjs.model_dir === "string" ? tjs.model_dir : ".", "model_dir");
    return {
      ...base,
      flavor: {
        kind: "transformers_js",
        task: tjs.task,
        dtype: typeof tjs.dtype === "string" ? tjs.dtype : "q8",
        modelDir,
        layout: { config: modelDir, tokenizer: modelDir, onnx: [joinRelative(modelDir, "onnx")] },
        origin: "transformers_js",
        modelConfig: {},
      },
    };
  }
  const transformers = flavors.transformers;
  if (transformers) return { ...base, flavor: transformersFlavor(root, transformers, modelLabel) };
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

const joinRelative = (folder: string, name: string) => (folder === "" ? name : `${folder}/${name}`);

/** A save_pretrained=False model's Hub reference, checked: served only pinned to a revision. */
function hubReference(conf: Record<string, unknown>, modelLabel: string): HubReference | undefined {
  const repo = conf.source_model_name;
  if (typeof repo !== "string") return undefined;
  const revision = conf.source_model_revision;
  if (!HUB_REPO.test(repo)) {
    throw badRequest(`${modelLabel} names the Hub repo '${repo}', which is not a Hugging Face repo id.`);
  }
  if (typeof revision !== "string" || !HUB_REVISION.test(revision)) {
    throw badRequest(
      `${modelLabel} was saved with save_pretrained=False but records no usable source_model_revision for ${repo}; Edgeflow serves Hub references pinned to a revision only.`,
    );
  }
  return { repo, revision };
}

/** What MLflow's prompt templates must hold (mlflow/transformers/__init__.py). */
const PROMPT_PLACEHOLDER = "{prompt}";

/**
 * MLflow's `transformers` flavor as mlflow.transformers.save_model writes it (2.12 to 3.x): the
 * pipeline's weights and config in `model_binary` (model/), each component in components/<name>/,
 * the prompt template in the MLmodel's metadata, model_config in the pyfunc flavor. Served through
 * transformers.js when ONNX weights are in an onnx/ folder inside model/ or beside it (the worker
 * looks, and says how to add them when there are none).
 */
function transformersFlavor(
  root: Record<string, unknown>,
  conf: Record<string, unknown>,
  modelLabel: string,
): ServedFlavor {
  if (typeof conf.task !== "string")
    throw badRequest(`The transformers flavor of ${modelLabel} has no task.`);
  const metadata = (root.metadata ?? {}) as Record<string, unknown>;
  const pyfunc = ((root.flavors as Record<string, unknown>).python_function ?? {}) as Record<string, unknown>;
  const hub = conf.model_binary === undefined ? hubReference(conf, modelLabel) : undefined;
  const modelDir = confined(
    typeof conf.model_binary === "string" ? conf.model_binary : "model",
    "model_binary",
  );
  const components = Array.isArray(conf.components) ? conf.components.map(String) : [];
  const tokenizer = components.includes("tokenizer") ? "components/tokenizer" : modelDir;
  // Speech and vision pipelines keep preprocessor_config.json in their processor's component.
  const processor = ["feature_extractor", "image_processor", "processor"].find((c) => components.includes(c));
  const template = metadata.prompt_template;
  if (template !== undefined && template !== null) {
    if (typeof template !== "string" || !template.includes(PROMPT_PLACEHOLDER)) {
      throw badRequest(
        `The prompt_template of ${modelLabel} must be a string containing '${PROMPT_PLACEHOLDER}'.`,
      );
    }
  }
  const modelConfig =
    pyfunc.model_config && typeof pyfunc.model_config === "object" ? pyfunc.model_config : {};
  return {
    kind: "transformers_js",
    task: pipelineTask(conf.task),
    dtype: "auto",
    modelDir,
    // A Hub snapshot is the repo's own layout: config and tokenizer at its root, weights in onnx/.
    layout: hub
      ? { config: "", tokenizer: "", onnx: ["onnx"] }
      : {
          config: modelDir,
          tokenizer,
          ...(processor ? { preprocessor: `components/${processor}` } : {}),
          onnx: [joinRelative(modelDir, "onnx"), "onnx"],
        },
    origin: "transformers",
    ...(hub ? { hub } : {}),
    ...(typeof template === "string" ? { promptTemplate: template } : {}),
    modelConfig: modelConfig as Record<string, unknown>,
    ...(typeof conf.inference_task === "string" ? { inferenceTask: conf.inference_task } : {}),
  };
}
