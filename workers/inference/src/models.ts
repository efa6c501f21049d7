import { BudgetCache } from "@edgeflow/adapters";
import {
  authConfigOf,
  authorizeLoggedModelRequest,
  authorizeModelRequest,
  badRequest,
  describeRef,
  joinArtifactPath,
  type ModelRef,
  type ModelSpec,
  onnxFileOf,
  parseMlmodel,
  resolveServedModel,
  type ServedFlavor,
  type ServedIdentity,
  weightSetsOf,
} from "@edgeflow/core";
import * as schema from "@edgeflow/schema";
import { MlflowError } from "@edgeflow/schema";
import { drizzle } from "drizzle-orm/d1";
import { bucketOf, readBytes } from "./bucket";
import type { InferenceEnv } from "./env";
import type { LoadedModel } from "./flavors/model";
import { loadOnnxModel } from "./flavors/onnx";
import { loadTransformersJsModel } from "./flavors/transformers-js";
import { hubSnapshot } from "./hub";
import { registryLookups } from "./registry-lookups";
import { warmUpRuntime } from "./runtime/warm-up";

/** A model version or logged model, with its MLmodel parsed. */
export interface ServedVersion {
  identity: ServedIdentity;
  bucketPath: string;
  spec: ModelSpec;
  label: string;
}

/** Parsed MLmodel files by model (id and storage location): small, and never change. */
const specs = new Map<string, ModelSpec>();
let cache: BudgetCache<LoadedModel> | undefined;

const DEFAULT_BUDGET_MB = 64;

/** drizzle over the registry, one per D1 binding: building one walks the whole schema (~0.3 ms). */
const registries = new WeakMap<D1Database, ReturnType<typeof drizzle<typeof schema>>>();

export function registryOf(env: InferenceEnv) {
  let db = registries.get(env.DB);
  if (!db) {
    db = drizzle(env.DB, { schema });
    registries.set(env.DB, db);
  }
  return db;
}

function pipelineCache(env: InferenceEnv): BudgetCache<LoadedModel> {
  const mb = Number(env.INFERENCE_MEMORY_BUDGET_MB || DEFAULT_BUDGET_MB);
  const budget = Math.round((Number.isFinite(mb) && mb > 0 ? mb : DEFAULT_BUDGET_MB) * 1024 * 1024);
  if (cache?.budgetBytes !== budget) cache = new BudgetCache(budget, (model) => model.dispose());
  return cache;
}

/**
 * The version (or logged model) a reference names, with its MLmodel read and parsed (pickles
 * refused here). The caller must hold READ on the model (a logged model: on its experiment)
 * unless it is marked public; checked before the lookup, so a private model's versions and
 * aliases are not revealed to strangers.
 */
export async function servedVersion(
  env: InferenceEnv,
  ref: ModelRef,
  authorization: string | null,
  requestId = "",
): Promise<ServedVersion> {
  const db = registryOf(env);
  const config = authConfigOf(env);
  if ("modelId" in ref)
    await authorizeLoggedModelRequest(db, { config, modelId: ref.modelId, authorization });
  else await authorizeModelRequest(db, { config, model: ref.name, authorization });
  const identity = await resolveServedModel(db, ref, registryLookups, Date.now(), requestId);
  const { bucketPath } = identity;
  const label =
    identity.version === null
      ? `Logged model '${identity.id}'`
      : `Model '${identity.name}' version ${identity.version}`;
  const key = JSON.stringify([identity.id, identity.storageLocation]);
  let spec = specs.get(key);
  if (!spec) {
    const bytes = await readBytes(bucketOf(env), joinArtifactPath(bucketPath, "MLmodel"));
    if (!bytes) {
      throw MlflowError.notFound(
        `${label} (${describeRef(ref)}) has no MLmodel file at ${identity.storageLocation}.`,
      );
    }
    spec = parseMlmodel(new TextDecoder().decode(bytes), label);
    specs.set(key, spec);
  }
  return { identity, bucketPath, spec, label };
}

/** A loadable model's files: bucket paths with their total size (what the memory budget counts). */
interface ModelFiles {
  paths: string[];
  bytes: number;
  /** transformers_js: each file transformers.js asks for ("onnx/model.onnx") → its bucket path. */
  locate?: (file: string) => string;
  /** transformers_js: the dtype the weights found are (an "auto" flavor resolved). */
  dtype?: string;
  /** transformers_js: the files every load of this model asks for, read from the bucket at once. */
  prefetch?: string[];
}

const CONFIG_FILES = new Set(["config.json", "generation_config.json", "preprocessor_config.json"]);
const TOKENIZER_FILES = ["tokenizer.json", "tokenizer_config.json"];
/** What every transformers.js pipeline load reads (generation and preprocessor configs only some). */
const PREFETCHED = new Set(["config.json", ...TOKENIZER_FILES]);

/** The weights' file name for a dtype, inside whichever onnx folder holds them. */
const weightsFileOf = (dtype: string) => onnxFileOf(dtype).slice("onnx/".length);

/**
 * A dtype's weights in a folder: the first complete set (weightSetsOf), as transformers.js names
 * its files ("onnx/model_quantized.onnx"), with their total size; undefined if none is complete.
 */
function weightsIn(sizes: Map<string, number>, dtype: string): { files: string[]; size: number } | undefined {
  const files = weightSetsOf(dtype).find((set) => set.every((file) => sizes.has(file.slice("onnx/".length))));
  if (!files) return undefined;
  return { files, size: files.reduce((sum, file) => sum + (sizes.get(file.slice("onnx/".length)) ?? 0), 0) };
}

/** Sizes of the files directly in `directory` (of the bucket). */
async function sizesIn(env: InferenceEnv, directory: string): Promise<Map<string, number>> {
  const entries = await bucketOf(env).list(directory);
  return new Map(entries.filter((e) => !e.isDir).map((e) => [e.path, e.size ?? 0]));
}

async function onnxFiles(env: InferenceEnv, served: ServedVersion, data: string): Promise<ModelFiles> {
  const directory = data.includes("/") ? data.slice(0, data.lastIndexOf("/")) : "";
  const sizes = await sizesIn(env, joinArtifactPath(served.bucketPath, directory));
  const size = sizes.get(data.slice(directory ? directory.length + 1 : 0));
  if (size === undefined) throw MlflowError.notFound(`${served.label} has no ONNX file '${data}'.`);
  return { paths: [joinArtifactPath(served.bucketPath, data)], bytes: size };
}

/**
 * A transformers.js model's files through its layout: the first onnx folder holding the dtype's
 * weights (for "auto": q8, else fp32), config from the config folder, tokenizer files from the
 * tokenizer folder. No weights is a 400 that says how to add them.
 */
async function transformersFiles(
  env: InferenceEnv,
  served: ServedVersion,
  flavor: Extract<ServedFlavor, { kind: "transformers_js" }>,
): Promise<ModelFiles> {
  // A Hub reference's files are its snapshot in the bucket (fetched on first use, hub.ts).
  const root = flavor.hub
    ? await hubSnapshot(env, flavor.hub, pipelineCache(env).budgetBytes)
    : served.bucketPath;
  const inModel = (path: string) => joinArtifactPath(root, path);
  const wantedDtypes = flavor.dtype === "auto" ? ["q8", "fp32"] : [flavor.dtype];
  // Every folder listed at once: a cold start waits for one bucket round trip, not one per folder.
  const folders = [...new Set([...flavor.layout.onnx, flavor.layout.config, flavor.layout.tokenizer])];
  const listed = new Map(
    await Promise.all(folders.map(async (folder) => [folder, await sizesIn(env, inModel(folder))] as const)),
  );
  // The first folder holding a wanted dtype, the dtypes in order of preference within each folder.
  const weights = flavor.layout.onnx
    .flatMap((folder) =>
      wantedDtypes.map((dtype) => {
        const set = weightsIn(listed.get(folder) as Map<string, number>, dtype);
        return set && { folder, dtype, ...set };
      }),
    )
    .find((found) => found !== undefined);
  if (!weights) {
    const looked = flavor.layout.onnx.map((folder) => `${folder}/`).join(" or ");
    const fix =
      flavor.origin === "transformers"
        ? "Edgeflow serves MLflow transformers models through their ONNX weights: export them (optimum-cli export onnx --model <the model> DIR), put DIR's .onnx files in the model's onnx/ folder, or log DIR with `npx edgeflow models log DIR`."
        : "Add them, or quantise the fp32 weights with `npx edgeflow models log DIR --quantize q8`.";
    throw badRequest(
      `${served.label} has no ONNX weights (${wantedDtypes.map((d) => weightsFileOf(d)).join(" or ")} in ${looked}). ${fix}`,
    );
  }
  const found = weights;
  const locate = (file: string): string => {
    if (file.startsWith("onnx/")) return inModel(joinArtifactPath(found.folder, file.slice("onnx/".length)));
    const folder =
      file === "preprocessor_config.json" && flavor.layout.preprocessor !== undefined
        ? flavor.layout.preprocessor
        : CONFIG_FILES.has(file)
          ? flavor.layout.config
          : flavor.layout.tokenizer;
    return inModel(joinArtifactPath(folder, file));
  };
  const configSizes = listed.get(flavor.layout.config) as Map<string, number>;
  const tokenizerSizes = listed.get(flavor.layout.tokenizer) as Map<string, number>;
  let bytes = found.size;
  const present: string[] = [];
  for (const [files, sizes] of [
    [CONFIG_FILES, configSizes],
    [TOKENIZER_FILES, tokenizerSizes],
  ] as const) {
    for (const file of files) {
      const size = sizes.get(file);
      if (size === undefined) continue;
      bytes += size;
      present.push(file);
    }
  }
  return {
    paths: [locate(onnxFileOf(found.dtype))],
    bytes,
    locate,
    dtype: found.dtype,
    prefetch: [...present.filter((file) => PREFETCHED.has(file)), ...found.files],
  };
}

/** The loaded model for a version: from this isolate's cache, or built now within the budget. */
export async function loadedModel(env: InferenceEnv, served: ServedVersion): Promise<LoadedModel> {
  const models = pipelineCache(env);
  const key = JSON.stringify([served.identity.id, served.identity.storageLocation]);
  if (models.has(key)) return models.getOrLoad(key, 0, () => Promise.reject(new Error("unreachable")));
  const flavor = served.spec.flavor;
  const files =
    flavor.kind === "onnx"
      ? await onnxFiles(env, served, flavor.data)
      : await transformersFiles(env, served, flavor);
  const { paths, bytes } = files;
  if (bytes > models.budgetBytes) {
    throw new MlflowError(
      "RESOURCE_EXHAUSTED",
      `${served.label} needs ${(bytes / 1048576).toFixed(1)} MB of model files, more than this server's budget of ${(models.budgetBytes / 1048576).toFixed(0)} MB per isolate (INFERENCE_MEMORY_BUDGET_MB).`,
    );
  }
  const store = bucketOf(env);
  return models.getOrLoad(key, bytes, async () => {
    if (flavor.kind === "onnx") {
      const data = await readBytes(store, paths[0] as string);
      if (!data) throw MlflowError.notFound(`${served.label} has no ONNX file '${flavor.data}'.`);
      return loadOnnxModel(served.spec, data);
    }
    const locate = files.locate as (file: string) => string;
    const fromBucket = async (file: string): Promise<Response> => {
      const object = await store.get(locate(file));
      return object
        ? new Response(object.body, { headers: { "Content-Length": String(object.size) } })
        : new Response(null, { status: 404 });
    };
    // transformers.js asks for config.json, then the tokenizer and the weights, one round trip
    // after another: asked for all at once here, they are on their way while the runtime starts.
    // Each is handed over once, still streaming; one the pipeline never asked for is cancelled.
    const early = new Map((files.prefetch ?? []).map((file) => [file, fromBucket(file)] as const));
    for (const pending of early.values()) pending.catch(() => undefined);
    const spec: ModelSpec = { ...served.spec, flavor: { ...flavor, dtype: files.dtype ?? flavor.dtype } };
    try {
      await warmUpRuntime();
      return await loadTransformersJsModel(spec, (file) => {
        const pending = early.get(file);
        early.delete(file);
        return pending ?? fromBucket(file);
      });
    } finally {
      for (const pending of early.values())
        void pending.then(
          (response) => response.body?.cancel(),
          () => {},
        );
    }
  });
}
