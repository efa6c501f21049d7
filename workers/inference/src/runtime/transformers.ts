import { ort } from "./ort";

type Transformers = typeof import("@huggingface/transformers");

/** Serves a model's files to transformers.js by file name ("config.json", "onnx/model_quantized.onnx"). */
export type FileSource = (file: string) => Promise<Response>;

const MODEL_PREFIX = "/edgeflow-models/";
const sources = new Map<string, FileSource>();
let loaded: Promise<Transformers> | undefined;

/**
 * transformers.js, loaded on first use rather than at start-up, for three reasons:
 * - it seeds a random generator with crypto.getRandomValues when its module is evaluated, which
 *   workerd forbids in the global scope;
 * - under nodejs_compat it sees process.release.name === "node" and takes its onnxruntime-node
 *   path; `process` is hidden while the module is evaluated so it takes the web path;
 * - requests that never run a transformers model (ping, metadata, onnx models) never pay for it.
 * Model files never come from the network: `env.fetch` answers from the registered sources.
 */
export function loadTransformers(): Promise<Transformers> {
  loaded ??= (async () => {
    void ort;
    const scope = globalThis as { process?: unknown };
    const descriptor = Object.getOwnPropertyDescriptor(scope, "process");
    if (descriptor)
      Object.defineProperty(scope, "process", { value: undefined, configurable: true, writable: true });
    let module: Transformers;
    try {
      module = await import("@huggingface/transformers");
    } finally {
      if (descriptor) Object.defineProperty(scope, "process", descriptor);
    }
    const { env } = module;
    env.allowRemoteModels = false;
    env.allowLocalModels = true;
    env.useBrowserCache = false;
    env.useFSCache = false;
    env.useWasmCache = false;
    env.localModelPath = MODEL_PREFIX;
    env.fetch = fetchModelFile as typeof env.fetch;
    return module;
  })();
  loaded.catch(() => {
    loaded = undefined;
  });
  return loaded;
}

async function fetchModelFile(input: string | URL | Request): Promise<Response> {
  const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
  const rest = url.startsWith(MODEL_PREFIX) ? url.slice(MODEL_PREFIX.length) : undefined;
  const slash = rest?.indexOf("/", rest.indexOf("/") + 1) ?? -1;
  const source = rest && slash > 0 ? sources.get(rest.slice(0, slash)) : undefined;
  if (!rest || !source) return new Response(null, { status: 404 });
  return source(rest.slice(slash + 1));
}

/** Registers a model's files under a transformers.js model id ("edgeflow/<key>") and returns the id. */
export function registerModelFiles(key: string, source: FileSource): string {
  const id = `edgeflow/${key}`;
  sources.set(id, source);
  return id;
}

export function unregisterModelFiles(id: string): void {
  sources.delete(id);
}
