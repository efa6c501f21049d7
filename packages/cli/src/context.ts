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
  inferenceUri: string;
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
  const inferenceUri = flag("inference-uri") ?? io.env.EDGEFLOW_INFERENCE_URI ?? DEFAULT_INFERENCE_URI;
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
    fetch: io.fetch ?? ((request) => fetch(request)),
    print: (value, text) => io.stdout(json ? `${JSON.stringify(value, null, 2)}\n` : `${text}\n`),
  };
}
