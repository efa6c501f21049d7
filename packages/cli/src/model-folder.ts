/**
 * What `edgeflow models log DIR` will upload, decided before anything is sent: the folder is an
 * MLflow model (its MLmodel read by the same rules the inference worker serves by) or a Hugging
 * Face / Optimum / transformers.js export folder (config.json, tokenizer, onnx/*.onnx), for which
 * an MLmodel with a signature and an input example is written. A folder that cannot be served is
 * refused here, with the fix, so nothing half-logged is left behind.
 */
import {
  isServedTask,
  type ModelSpec,
  onnxFileOf,
  parseMlmodel,
  SERVED_TASKS,
  type ServedTask,
  taskFiles,
  taskFromConfig,
  taskSignature,
  weightSetsOf,
} from "@edgeflow/core";
import { parse, stringify } from "yaml";
import { UsageError } from "./args";
import type { FileEntry, FileSystem } from "./io";
import { quantizeOnnx } from "./quantize-file";
import { diskFile, type UploadFile as ModelFile, memoryFile } from "./upload";

export interface ModelPlan {
  files: ModelFile[];
  /** The MLmodel document, without the run fields (run_id, utc_time_created) filled at log time. */
  mlmodel: Record<string, unknown>;
  summary: string;
}

export interface PlanOptions {
  task?: string;
  quantize?: string;
  inputExample?: unknown;
  onQuantizeProgress?: (done: number, total: number) => void;
}

/** A folder that cannot become a served model; the message says what to do. */
export class UnservableModel extends UsageError {}

const PICKLES = /\.(pkl|pickle|joblib|cloudpickle)$/i;
const FP32 = "onnx/model.onnx";
const Q8 = "onnx/model_quantized.onnx";
const encoder = new TextEncoder();

export async function planModelFolder(fs: FileSystem, dir: string, options: PlanOptions): Promise<ModelPlan> {
  const listed = await fs.listFiles(dir);
  if (!listed) throw new UsageError(`'${dir}' is not a folder.`);
  if (options.quantize !== undefined && options.quantize !== "q8") {
    throw new UsageError(`--quantize ${options.quantize}: only q8 (dynamic int8) is supported.`);
  }
  const files = listed.filter(
    (file) => file.path !== "MLmodel" && !file.path.split("/").some((part) => part.startsWith(".")),
  );
  const fromDisk = (entry: FileEntry): ModelFile =>
    diskFile(fs, fs.join(dir, entry.path), entry.path, entry.size);
  return listed.some((file) => file.path === "MLmodel")
    ? planMlflowModel(fs, dir, files.map(fromDisk), options)
    : planExportFolder(fs, dir, files.map(fromDisk), options);
}

async function planMlflowModel(
  fs: FileSystem,
  dir: string,
  files: ModelFile[],
  options: PlanOptions,
): Promise<ModelPlan> {
  const text = new TextDecoder().decode(await fs.readBytes(fs.join(dir, "MLmodel")));
  // Throws MLflow's BAD_REQUEST for pickle flavors and unknown ones, as the server would at serving time.
  const spec = parseMlmodel(text, `'${dir}'`);
  const mlmodel = parse(text) as Record<string, unknown>;
  const has = (path: string) => files.some((file) => file.path === path);
  if (spec.flavor.kind === "onnx") {
    const data = spec.flavor.data;
    if (!has(data))
      throw new UnservableModel(`'${dir}' declares the ONNX file '${data}', which is not in the folder.`);
    if (options.quantize) files = await withQuantized(fs, dir, files, data, data, options);
    return { files, mlmodel, summary: `onnx model (${data})` };
  }
  if (spec.flavor.origin === "transformers")
    return planTransformersModel(dir, files, mlmodel, spec.flavor, options, fs);
  const prefix =
    spec.flavor.modelDir === "" || spec.flavor.modelDir === "." ? "" : `${spec.flavor.modelDir}/`;
  let dtype = spec.flavor.dtype;
  if (options.quantize) {
    if (!has(`${prefix}${FP32}`)) {
      throw new UnservableModel(
        `--quantize needs the float32 weights at '${prefix}${FP32}', which are not in '${dir}'.`,
      );
    }
    files = await withQuantized(fs, dir, files, `${prefix}${FP32}`, `${prefix}${Q8}`, options);
    dtype = "q8";
    const flavors = mlmodel.flavors as Record<string, Record<string, unknown>>;
    flavors.transformers_js = { ...flavors.transformers_js, dtype };
  }
  const weights = `${prefix}${onnxFileOf(dtype)}`;
  if (!has(weights)) {
    throw new UnservableModel(
      `'${dir}' is a transformers_js model with dtype ${dtype}, but '${weights}' is missing${dtype === "q8" && has(`${prefix}${FP32}`) ? " (add --quantize q8 to make it from onnx/model.onnx)" : ""}.`,
    );
  }
  return { files, mlmodel, summary: `transformers_js ${spec.flavor.task} model, ${dtype}` };
}

async function planExportFolder(
  fs: FileSystem,
  dir: string,
  files: ModelFile[],
  options: PlanOptions,
): Promise<ModelPlan> {
  const pickle = files.find((file) => PICKLES.test(file.path));
  if (pickle) {
    throw new UnservableModel(
      `'${dir}' holds a pickle ('${pickle.path}'); Edgeflow never unpickles models (loading a pickle runs arbitrary code). Export the model to ONNX (optimum-cli export onnx) and log that folder.`,
    );
  }
  const has = (path: string) => files.some((file) => file.path === path);
  if (!has("config.json")) {
    throw new UnservableModel(
      `'${dir}' has neither an MLmodel nor a config.json: log an MLflow model folder or a Hugging Face export folder (optimum-cli export onnx --model <id> ${dir}).`,
    );
  }
  // One graph (model.onnx) or an encoder-decoder pair (encoder_model + decoder_model_merged).
  const setIndex = (dtype: string) => weightSetsOf(dtype).findIndex((set) => set.every(has));
  const fp32Index = setIndex("fp32");
  const fp32 = weightSetsOf("fp32")[fp32Index];
  if (!fp32 && setIndex("q8") < 0) {
    const elsewhere = files.find((file) => file.path.endsWith(".onnx"));
    throw new UnservableModel(
      elsewhere
        ? `'${dir}' has ONNX weights at '${elsewhere.path}'; transformers.js loads them from '${FP32}' (or '${Q8}', or onnx/encoder_model.onnx with onnx/decoder_model_merged.onnx): move the files there.`
        : `'${dir}' has no ONNX weights (${FP32}): export them with optimum-cli export onnx --model <id> ${dir}, or transformers.js's convert script.`,
    );
  }
  const config = JSON.parse(
    new TextDecoder().decode(await fs.readBytes(fs.join(dir, "config.json"))),
  ) as Record<string, unknown>;
  const task = servedTask(options.task, config, dir);
  const missing = taskFiles(task).filter((file) => !has(file));
  if (missing.length) {
    throw new UnservableModel(
      `'${dir}' has no ${missing.join(" or ")}, which a ${task} pipeline reads: save the ${missing.includes("tokenizer.json") ? "tokenizer" : "processor"} into the folder (save_pretrained).`,
    );
  }
  let planned = files;
  if (options.quantize) {
    if (!fp32)
      throw new UnservableModel(
        `--quantize needs the float32 weights at '${FP32}', which are not in '${dir}'.`,
      );
    // Each graph of the set quantised to its q8 name (model.onnx → model_quantized.onnx, ...).
    const q8Names = weightSetsOf("q8")[fp32Index] as string[];
    for (const [i, from] of fp32.entries()) {
      planned = await withQuantized(fs, dir, planned, from, q8Names[i] as string, options);
    }
  }
  const dtype = options.quantize || !fp32 ? "q8" : "fp32";
  // Only the weights served are uploaded: the other precision would double the upload for nothing.
  const servedSet = new Set(
    weightSetsOf(dtype).find((set) => set.every((file) => planned.some((f) => f.path === file))) ?? [],
  );
  planned = planned.filter(
    (file) => !file.path.startsWith("onnx/") || servedSet.has(file.path) || !file.path.endsWith(".onnx"),
  );
  const example = options.inputExample ?? { inputs: SERVED_TASKS[task].example };
  const exampleBytes = encoder.encode(JSON.stringify(example));
  planned = [
    ...planned.filter((file) => file.path !== "input_example.json"),
    memoryFile("input_example.json", exampleBytes),
  ];
  const mlmodel = {
    artifact_path: "model",
    flavors: { transformers_js: { task, model_dir: ".", dtype } },
    model_size_bytes: planned.reduce((total, file) => total + file.size, 0),
    saved_input_example_info: { artifact_path: "input_example.json", format: "tf-serving", type: "ndarray" },
    signature: taskSignature(task),
  };
  return { files: planned, mlmodel, summary: `${task} model, ${dtype}` };
}

function servedTask(requested: string | undefined, config: Record<string, unknown>, dir: string): ServedTask {
  const served = Object.keys(SERVED_TASKS).join(", ");
  if (requested !== undefined) {
    if (!isServedTask(requested))
      throw new UnservableModel(`--task ${requested} is not served; served tasks: ${served}.`);
    return requested;
  }
  const inferred = taskFromConfig(config);
  if (!inferred) {
    const architecture = Array.isArray(config.architectures)
      ? ` (architecture ${config.architectures[0]})`
      : "";
    throw new UnservableModel(
      `cannot tell the task of '${dir}' from its config.json${architecture}: pass --task, one of ${served}.`,
    );
  }
  return inferred;
}

/** `files` with `to` replaced by the int8 quantisation of `from`. */
async function withQuantized(
  fs: FileSystem,
  dir: string,
  files: ModelFile[],
  from: string,
  to: string,
  options: PlanOptions,
): Promise<ModelFile[]> {
  const { bytes } = quantizeOnnx(await fs.readBytes(fs.join(dir, from)), `'${from}'`, {
    onProgress: options.onQuantizeProgress,
  });
  const quantized = memoryFile(to, bytes);
  return [...files.filter((file) => file.path !== to), quantized];
}

export const MLMODEL_YAML = (doc: Record<string, unknown>): string => stringify(doc, { lineWidth: 0 });

/**
 * MLflow's transformers flavor (mlflow.transformers.save_model): served when ONNX weights are in
 * an onnx/ folder inside model/ or beside it, as the worker looks for them; --quantize makes the
 * q8 file next to the fp32 one.
 */
async function planTransformersModel(
  dir: string,
  files: ModelFile[],
  mlmodel: Record<string, unknown>,
  flavor: Extract<ModelSpec["flavor"], { kind: "transformers_js" }>,
  options: PlanOptions,
  fs: FileSystem,
): Promise<ModelPlan> {
  const has = (path: string) => files.some((file) => file.path === path);
  const folder = flavor.layout.onnx.find(
    (onnx) => has(`${onnx}/model_quantized.onnx`) || has(`${onnx}/model.onnx`),
  );
  if (!folder) {
    throw new UnservableModel(
      `'${dir}' is an MLflow transformers model without ONNX weights (${flavor.layout.onnx.map((f) => `${f}/model.onnx`).join(" or ")}): Edgeflow serves it through ONNX. Export the weights (optimum-cli export onnx --model ${dir}/${flavor.modelDir} ${dir}/${flavor.layout.onnx[0]}) and log it again.`,
    );
  }
  let planned = files;
  if (options.quantize) {
    if (!has(`${folder}/model.onnx`)) {
      throw new UnservableModel(
        `--quantize needs the float32 weights at '${folder}/model.onnx', which are not in '${dir}'.`,
      );
    }
    planned = await withQuantized(
      fs,
      dir,
      files,
      `${folder}/model.onnx`,
      `${folder}/model_quantized.onnx`,
      options,
    );
  }
  const dtype = planned.some((file) => file.path === `${folder}/model_quantized.onnx`) ? "q8" : "fp32";
  return { files: planned, mlmodel, summary: `MLflow transformers ${flavor.task} model, ${dtype}` };
}
