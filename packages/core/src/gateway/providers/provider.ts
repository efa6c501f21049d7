/**
 * One LLM provider's wire format beside MLflow's llm/v1 (mlflow/gateway/schemas, 2.12): how a
 * request becomes the provider's HTTP call, and how its answer and stream chunks come back. Pure
 * mappings: the worker makes the call (workers/tracking/src/gateway/invoke.ts).
 */
export type EndpointKind = "llm/v1/chat" | "llm/v1/completions" | "llm/v1/embeddings";

export const ENDPOINT_KINDS: readonly EndpointKind[] = [
  "llm/v1/chat",
  "llm/v1/completions",
  "llm/v1/embeddings",
];

export type Json = Record<string, unknown>;

/** A model definition as a call needs it: the provider's model and the opened secret. */
export interface ProviderTarget {
  provider: string;
  modelName: string;
  /** The secret's value map (`api_key`, ...): only ever put into the upstream request. */
  secret: Record<string, string>;
  /** The secret's non-secret settings (`api_base`, `api_version`, ...). */
  authConfig: Record<string, string>;
}

/**
 * Which way a call leaves the worker: over the internet (an HTTPS URL, checked against the
 * outbound allow-list), or through one of the worker's bindings, which never touch the network
 * the caller can reach: `INFERENCE` (the inference worker, a service binding; `url` is its path)
 * and `AI` (Workers AI; `url` is the model's name).
 */
export type ProviderRoute = "internet" | "INFERENCE" | "AI";

export interface ProviderCall {
  via: ProviderRoute;
  url: string;
  headers: Record<string, string>;
  body: Json;
}

/** Tokens one call spent, in MLflow's span attribute's keys (mlflow.chat.tokenUsage). */
export interface TokenUsage {
  input_tokens?: number;
  output_tokens?: number;
  total_tokens?: number;
}

export interface Provider {
  /** The kinds it serves; another is a 501. */
  kinds: readonly EndpointKind[];
  request(kind: EndpointKind, payload: Json, target: ProviderTarget, stream: boolean): ProviderCall;
  /** The provider's JSON answer as llm/v1's. */
  response(kind: EndpointKind, answer: Json, target: ProviderTarget): Json;
  /** One parsed `data:` event of the provider's stream as llm/v1 chunks (none for bookkeeping events). */
  chunk(kind: EndpointKind, event: Json, target: ProviderTarget): Json[];
  /** The message of a provider error body, if it has one. */
  errorMessage(body: unknown): string | undefined;
  /** Tokens a stream event reports (its last, usually), for the call's usage record. */
  streamUsage?(event: Json): TokenUsage | undefined;
}

const count = (value: unknown) => (typeof value === "number" && Number.isFinite(value) ? value : undefined);

/** An llm/v1 answer's `usage` ({prompt_tokens, completion_tokens, total_tokens}) in MLflow's span keys. */
export function usageOfAnswer(answer: Json): TokenUsage | undefined {
  const usage = answer.usage;
  if (!usage || typeof usage !== "object") return undefined;
  const { prompt_tokens, completion_tokens, total_tokens } = usage as Json;
  const out: TokenUsage = {};
  const input = count(prompt_tokens);
  const output = count(completion_tokens);
  const total =
    count(total_tokens) ?? (input !== undefined && output !== undefined ? input + output : undefined);
  if (input !== undefined) out.input_tokens = input;
  if (output !== undefined) out.output_tokens = output;
  if (total !== undefined) out.total_tokens = total;
  return Object.keys(out).length ? out : undefined;
}
