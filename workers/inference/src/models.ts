import { BudgetCache } from "@edgeflow/adapters";
import {
  authConfigOf,
  authorizeLoggedModelRequest,
  authorizeModelRequest,
  describeRef,
  joinArtifactPath,
  type ModelRef,
  type ModelSpec,
  onnxFileOf,
  parseMlmodel,
  resolveServedModel,
  type ServedIdentity,
} from "@edgeflow/core";
import * as schema from "@edgeflow/schema";
import { MlflowError } from "@edgeflow/schema";
import { drizzle } from "drizzle-orm/d1";
import { bucketOf, readBytes } from "./bucket";
import type { InferenceEnv } from "./env";
import type { LoadedModel } from "./flavors/model";
import { loadOnnxModel } from "./flavors/onnx";
import { loadTransformersJsModel } from "./flavors/transformers-js";
import { registryLookups } from "./registry-lookups";

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

function registryOf(env: InferenceEnv) {
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
): Promise<ServedVersion> {
  const db = registryOf(env);
  const config = authConfigOf(env);
  if ("modelId" in ref)
    await authorizeLoggedModelRequest(db, { config, modelId: ref.modelId, authorization });
  else await authorizeModelRequest(db, { config, model: ref.name, authorization });
  const identity = await resolveServedModel(db, ref, registryLookups);
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

/** The files a model loads, with their sizes (what the memory budget counts). */
async function modelFiles(
  env: InferenceEnv,
  served: ServedVersion,
): Promise<{ paths: string[]; bytes: number }> {
  const store = bucketOf(env);
  const flavor = served.spec.flavor;
  const folder =
    flavor.kind === "transformers_js"
      ? joinArtifactPath(served.bucketPath, flavor.modelDir)
      : served.bucketPath;
  const wanted =
    flavor.kind === "transformers_js"
      ? [
          onnxFileOf(flavor.dtype),
          "config.json",
          "tokenizer.json",
          "tokenizer_config.json",
          "generation_config.json",
        ]
      : [flavor.data];
  let bytes = 0;
  const paths: string[] = [];
  const listings = new Map<string, Map<string, number>>();
  for (const file of wanted) {
    const directory = file.includes("/") ? file.slice(0, file.lastIndexOf("/")) : "";
    let listing = listings.get(directory);
    if (!listing) {
      const entries = await store.list(joinArtifactPath(folder, directory));
      listing = new Map(entries.filter((e) => !e.isDir).map((e) => [e.path, e.size ?? 0]));
      listings.set(directory, listing);
    }
    const size = listing.get(file.slice(directory ? directory.length + 1 : 0));
    if (size === undefined) continue;
    bytes += size;
    paths.push(joinArtifactPath(folder, file));
  }
  if (flavor.kind === "onnx" && paths.length === 0) {
    throw MlflowError.notFound(`${served.label} has no ONNX file '${flavor.data}'.`);
  }
  return { paths, bytes };
}

/** The loaded model for a version: from this isolate's cache, or built now within the budget. */
export async function loadedModel(env: InferenceEnv, served: ServedVersion): Promise<LoadedModel> {
  const models = pipelineCache(env);
  const key = JSON.stringify([served.identity.id, served.identity.storageLocation]);
  if (models.has(key)) return models.getOrLoad(key, 0, () => Promise.reject(new Error("unreachable")));
  const { paths, bytes } = await modelFiles(env, served);
  if (bytes > models.budgetBytes) {
    throw new MlflowError(
      "RESOURCE_EXHAUSTED",
      `${served.label} needs ${(bytes / 1048576).toFixed(1)} MB of model files, more than this server's budget of ${(models.budgetBytes / 1048576).toFixed(0)} MB per isolate (INFERENCE_MEMORY_BUDGET_MB).`,
    );
  }
  const store = bucketOf(env);
  return models.getOrLoad(key, bytes, async () => {
    const flavor = served.spec.flavor;
    if (flavor.kind === "onnx") {
      const data = await readBytes(store, paths[0] as string);
      if (!data) throw MlflowError.notFound(`${served.label} has no ONNX file '${flavor.data}'.`);
      return loadOnnxModel(served.spec, data);
    }
    const folder = joinArtifactPath(served.bucketPath, flavor.modelDir);
    return loadTransformersJsModel(served.spec, async (file) => {
      const object = await store.get(joinArtifactPath(folder, file));
      return object
        ? new Response(object.body, { headers: { "Content-Length": String(object.size) } })
        : new Response(null, { status: 404 });
    });
  });
}
