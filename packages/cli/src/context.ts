import { createClient, DEFAULT_TRACKING_URI, type MlflowClient } from "@edgeflow/sdk";
import type { ParsedArgs } from "./args";
import type { CliIo } from "./io";

export const DEFAULT_INFERENCE_URI = "http://127.0.0.1:5001";

/** What every command gets: its arguments, the client, the inference URL and how to print. */
export interface CommandContext {
  args: ParsedArgs;
  io: CliIo;
  client: MlflowClient;
  trackingUri: string;
  /**
   * The inference worker: --inference-uri, else what the tracking server says on /edgeflow/info,
   * else $EDGEFLOW_INFERENCE_URI, else http://127.0.0.1:5001. Asked once, when first needed.
   */
  inferenceUri(): Promise<string>;
  json: boolean;
  /** The network for requests outside the SDK (the inference worker, /version). */
  fetch(request: Request): Promise<Response>;
  /** Prints the result: `json` as the one JSON document with --json, `text` otherwise. */
  print(json: unknown, text: string): void;
}

export function commandContext(args: ParsedArgs, io: CliIo): CommandContext {
  const flag = (name: string) =>
    typeof args.flags[name] === "string" ? (args.flags[name] as string) : undefined;
  const trackingUri =
    flag("tracking-uri") ??
    io.env.MLFLOW_TRACKING_URI ??
    io.env.EDGEFLOW_TRACKING_URI ??
    DEFAULT_TRACKING_URI;
  const fetcher = io.fetch ?? ((request: Request) => fetch(request));
  let inference: Promise<string> | undefined;
  const inferenceUri = () => {
    inference ??= (async () =>
      flag("inference-uri") ??
      (await askedInferenceUri(fetcher, trackingUri)) ??
      io.env.EDGEFLOW_INFERENCE_URI ??
      DEFAULT_INFERENCE_URI)();
    return inference;
  };
  const json = args.flags.json === true;
  const client = createClient({
    trackingUri,
    username: io.env.MLFLOW_TRACKING_USERNAME ?? io.env.EDGEFLOW_USERNAME,
    password: io.env.MLFLOW_TRACKING_PASSWORD ?? io.env.EDGEFLOW_PASSWORD,
    token: io.env.MLFLOW_TRACKING_TOKEN ?? io.env.EDGEFLOW_TOKEN,
    // A person is waiting: three quick tries, not a training job's patient six.
    retry: { attempts: 3, baseDelayMs: 200, maxDelayMs: 1000 },
    ...(io.fetch ? { fetch: io.fetch } : {}),
  });
  return {
    args,
    io,
    client,
    trackingUri,
    inferenceUri,
    json,
    fetch: fetcher,
    print: (value, text) => io.stdout(json ? `${JSON.stringify(value, null, 2)}\n` : `${text}\n`),
  };
}

/** The inference URL an Edgeflow tracking server advertises; undefined for MLflow or when unset. */
async function askedInferenceUri(
  fetcher: (request: Request) => Promise<Response>,
  trackingUri: string,
): Promise<string | undefined> {
  try {
    const response = await fetcher(new Request(`${trackingUri.replace(/\/+$/, "")}/edgeflow/info`));
    if (!response.ok) {
      await response.body?.cancel();
      return undefined;
    }
    const { inference_url } = (await response.json()) as { inference_url?: unknown };
    return typeof inference_url === "string" && /^https?:\/\//.test(inference_url)
      ? inference_url
      : undefined;
  } catch {
    return undefined;
  }
}
