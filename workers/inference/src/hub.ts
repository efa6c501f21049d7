import { badRequest, type HubReference, joinArtifactPath, weightSetsOf } from "@edgeflow/core";
import { outboundAllowList, outboundFetch } from "@edgeflow/http";
import { MlflowError } from "@edgeflow/schema";
import { bucketOf } from "./bucket";
import type { InferenceEnv } from "./env";

/**
 * Hugging Face Hub references (MLflow's save_pretrained=False): the repo's files at the pinned
 * revision are fetched once from HF_ENDPOINT into the bucket under edgeflow/hub/<repo>/<revision>/
 * and served from there like any version's files; every version (and isolate) naming the same
 * repo and revision shares that copy. A marker object written after the last file says the copy
 * is whole; without it (a fetch that failed half-way) the next request fetches again, so nothing
 * broken is ever served.
 */
const DEFAULT_HUB = "https://huggingface.co";
const SNAPSHOT_ROOT = "edgeflow/hub";
const COMPLETE_MARKER = ".edgeflow-snapshot.json";

/** What transformers.js reads besides the weights (those present in the repo are fetched). */
const SIDE_FILES = [
  "config.json",
  "generation_config.json",
  "preprocessor_config.json",
  "tokenizer.json",
  "tokenizer_config.json",
  "special_tokens_map.json",
];
/** Weights in the order they are preferred (q8 first: a quarter of fp32's bytes): one file, or a pair. */
const WEIGHTS = [...weightSetsOf("q8"), ...weightSetsOf("fp32")];

export const snapshotPath = (ref: HubReference) => `${SNAPSHOT_ROOT}/${ref.repo}/${ref.revision}`;

const inFlight = new Map<string, Promise<string>>();

/** The bucket folder holding the reference's files, fetched first when it is not there yet. */
export function hubSnapshot(env: InferenceEnv, ref: HubReference, budgetBytes: number): Promise<string> {
  const folder = snapshotPath(ref);
  let pending = inFlight.get(folder);
  if (!pending) {
    // One fetch per isolate at a time; a failed one is forgotten so the next request retries.
    pending = ensureSnapshot(env, ref, folder, budgetBytes).finally(() => inFlight.delete(folder));
    inFlight.set(folder, pending);
  }
  return pending;
}

async function ensureSnapshot(
  env: InferenceEnv,
  ref: HubReference,
  folder: string,
  budgetBytes: number,
): Promise<string> {
  const store = bucketOf(env);
  const marker = await store.get(joinArtifactPath(folder, COMPLETE_MARKER));
  if (marker) {
    await marker.body.cancel();
    return folder;
  }
  const hub = new Hub(env, ref);
  const files = new Set(await hub.listFiles());
  const weights = WEIGHTS.find((set) => set.every((file) => files.has(file)));
  if (!weights) {
    throw badRequest(
      `The Hub repo ${hub.label} has no ONNX weights (onnx/model_quantized.onnx or onnx/model.onnx) for Edgeflow to serve. Export them (optimum-cli export onnx --model ${ref.repo} DIR) and log DIR with \`npx edgeflow models log DIR\`, or reference a repo that carries an onnx/ folder.`,
    );
  }
  const wanted = [...SIDE_FILES.filter((file) => files.has(file)), ...weights];
  let total = 0;
  for (const file of wanted) {
    const response = await hub.download(file);
    // A compressed answer is inflated by fetch, so its Content-Length is not the body's length.
    const encoding = response.headers.get("Content-Encoding");
    const length =
      encoding && encoding !== "identity"
        ? Number.NaN
        : Number(response.headers.get("Content-Length") ?? Number.NaN);
    total += Number.isFinite(length) ? length : 0;
    if (total > budgetBytes) {
      await response.body?.cancel();
      throw new MlflowError(
        "RESOURCE_EXHAUSTED",
        `The Hub repo ${hub.label} needs more than ${(budgetBytes / 1048576).toFixed(0)} MB of model files, this server's budget per isolate (INFERENCE_MEMORY_BUDGET_MB).`,
      );
    }
    await store.put(joinArtifactPath(folder, file), response.body ?? "", {
      ...(Number.isFinite(length) ? { contentLength: length } : {}),
      contentType: file.endsWith(".json") ? "application/json" : "application/octet-stream",
    });
  }
  // Written last: its presence means every file above is whole.
  await store.put(
    joinArtifactPath(folder, COMPLETE_MARKER),
    JSON.stringify({ repo: ref.repo, revision: ref.revision, files: wanted, fetched_at: Date.now() }),
    { contentType: "application/json" },
  );
  return folder;
}

/** The Hub's HTTP API as huggingface_hub calls it: the revision's file list, and resolve/ downloads. */
class Hub {
  readonly label: string;
  private readonly endpoint: string;
  private readonly allow: string[];
  private readonly headers: Record<string, string>;

  constructor(
    env: InferenceEnv,
    private readonly ref: HubReference,
  ) {
    this.label = `${ref.repo}@${ref.revision}`;
    this.endpoint = (env.HF_ENDPOINT || DEFAULT_HUB).replace(/\/+$/, "");
    this.allow = outboundAllowList(env.EDGEFLOW_OUTBOUND_ALLOW);
    this.headers = env.HF_TOKEN ? { Authorization: `Bearer ${env.HF_TOKEN}` } : {};
  }

  async listFiles(): Promise<string[]> {
    const url = `${this.endpoint}/api/models/${this.ref.repo}/revision/${encodeURIComponent(this.ref.revision)}`;
    const response = await this.call(url, "its file list");
    let body: { siblings?: { rfilename?: unknown }[] };
    try {
      body = (await response.json()) as typeof body;
    } catch {
      throw new MlflowError(
        "TEMPORARILY_UNAVAILABLE",
        `The Hub at ${this.endpoint} answered ${url} with no JSON.`,
      );
    }
    return (body.siblings ?? []).flatMap((s) => (typeof s.rfilename === "string" ? [s.rfilename] : []));
  }

  download(file: string): Promise<Response> {
    const url = `${this.endpoint}/${this.ref.repo}/resolve/${encodeURIComponent(this.ref.revision)}/${file}`;
    return this.call(url, file);
  }

  private async call(url: string, what: string): Promise<Response> {
    let response: Response;
    try {
      response = await outboundFetch(
        url,
        { headers: this.headers },
        this.allow,
        `Fetching ${this.label} from the Hub`,
      );
    } catch (error) {
      if (error instanceof MlflowError) throw error;
      throw new MlflowError(
        "TEMPORARILY_UNAVAILABLE",
        `The Hub at ${this.endpoint} could not be reached for ${this.label}: ${(error as Error).message}`,
      );
    }
    if (response.ok) return response;
    await response.body?.cancel();
    if (response.status === 404) {
      throw MlflowError.notFound(
        `The Hub at ${this.endpoint} has no ${what} for ${this.label} (404): check source_model_name and source_model_revision.`,
      );
    }
    if (response.status === 401 || response.status === 403) {
      throw new MlflowError(
        "PERMISSION_DENIED",
        `The Hub refused ${this.label} (${response.status}): a gated or private repo needs an HF_TOKEN secret on the inference worker.`,
      );
    }
    throw new MlflowError(
      "TEMPORARILY_UNAVAILABLE",
      `The Hub at ${this.endpoint} answered ${response.status} for ${what} of ${this.label}; try again later.`,
    );
  }
}
