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

export interface ProviderCall {
  url: string;
  headers: Record<string, string>;
  body: Json;
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
}
