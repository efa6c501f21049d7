import { MlflowError } from "@edgeflow/schema";
import type { EndpointKind, Json, Provider, ProviderTarget } from "./provider";

/**
 * Cloudflare Workers AI, in its own wire format (`env.AI.run(model, inputs)`; REST:
 * POST /client/v4/accounts/<account_id>/ai/run/<model>, the answer inside `result`). Through the
 * worker's `AI` binding when the secret's auth_config names no account_id: no API key, no
 * network hop. With an account_id (a Worker without the binding, or another account) it calls
 * the REST API with the secret's api_key as the Bearer token.
 * Chat sends messages, completions a prompt, embeddings `{text: [...]}` (the @cf/baai/bge-*
 * models); answers are `{response, usage}` and `{shape, data}`, streams `data: {"response": ...}`.
 */
const DEFAULT_BASE = "https://api.cloudflare.com/client/v4";

/** Generation settings Workers AI's text models accept, under llm/v1's names. */
const SETTINGS = ["max_tokens", "temperature", "top_p", "top_k", "seed"] as const;

const list = (value: unknown): Json[] => (Array.isArray(value) ? (value as Json[]) : []);
const object = (value: unknown): Json => (value && typeof value === "object" ? (value as Json) : {});

function inputsOf(kind: EndpointKind, payload: Json, stream: boolean): Json {
  if (kind === "llm/v1/embeddings") {
    return { text: Array.isArray(payload.input) ? payload.input : [payload.input] };
  }
  const inputs: Json =
    kind === "llm/v1/chat"
      ? {
          messages: list(payload.messages).map((m) => ({ role: m.role, content: m.content })),
        }
      : { prompt: payload.prompt };
  for (const key of SETTINGS) if (typeof payload[key] === "number") inputs[key] = payload[key];
  if (payload.n !== undefined && payload.n !== null && payload.n !== 1) {
    throw MlflowError.invalidParameter("Workers AI models answer one choice (n must be 1).");
  }
  if (stream) inputs.stream = true;
  return inputs;
}

/** The REST API wraps the binding's answer in {result, success, errors, messages}. */
const resultOf = (answer: Json): Json => ("result" in answer ? object(answer.result) : answer);

const usageOf = (result: Json) => {
  const usage = object(result.usage);
  const prompt = typeof usage.prompt_tokens === "number" ? usage.prompt_tokens : null;
  const completion = typeof usage.completion_tokens === "number" ? usage.completion_tokens : null;
  const total =
    typeof usage.total_tokens === "number"
      ? usage.total_tokens
      : prompt !== null && completion !== null
        ? prompt + completion
        : null;
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: total };
};

export const cloudflareProvider: Provider = {
  kinds: ["llm/v1/chat", "llm/v1/completions", "llm/v1/embeddings"],

  request(kind, payload, target: ProviderTarget, stream) {
    const body = inputsOf(kind, payload, stream);
    const account = target.authConfig.account_id;
    if (!account) return { via: "AI", url: target.modelName, headers: {}, body };
    const key =
      target.secret.api_key ?? target.secret.cloudflare_api_token ?? Object.values(target.secret)[0];
    const base = (target.authConfig.api_base ?? DEFAULT_BASE).replace(/\/+$/, "");
    const headers: Record<string, string> = { "Content-Type": "application/json" };
    if (key) headers.Authorization = `Bearer ${key}`;
    return {
      via: "internet",
      url: `${base}/accounts/${encodeURIComponent(account)}/ai/run/${target.modelName}`,
      headers,
      body,
    };
  },

  response(kind, answer, target) {
    const result = resultOf(answer);
    if (kind === "llm/v1/embeddings") {
      const vectors = list(result.data) as unknown[];
      return {
        object: "list",
        data: vectors.map((embedding, index) => ({ object: "embedding", embedding, index })),
        model: target.modelName,
        usage: { prompt_tokens: null, total_tokens: null },
      };
    }
    const text = typeof result.response === "string" ? result.response : "";
    const choice =
      kind === "llm/v1/completions"
        ? { index: 0, text, finish_reason: "stop" }
        : { index: 0, message: { role: "assistant", content: text }, finish_reason: "stop" };
    return {
      id: null,
      object: kind === "llm/v1/completions" ? "text_completion" : "chat.completion",
      created: Math.floor(Date.now() / 1000),
      model: target.modelName,
      choices: [choice],
      usage: usageOf(result),
    };
  },

  chunk(kind, event, target) {
    const text = typeof event.response === "string" ? event.response : "";
    // The last event carries only usage (and an empty response): nothing to pass on.
    if (text === "" && "usage" in event) return [];
    const delta = kind === "llm/v1/completions" ? { content: text } : { role: null, content: text };
    return [
      {
        id: null,
        object: kind === "llm/v1/completions" ? "text_completion_chunk" : "chat.completion.chunk",
        created: Math.floor(Date.now() / 1000),
        model: target.modelName,
        choices: [{ index: 0, finish_reason: null, delta }],
      },
    ];
  },

  errorMessage(body) {
    const first = list(object(body).errors)[0];
    return typeof first?.message === "string" ? first.message : undefined;
  },

  streamUsage(event) {
    if (!("usage" in event)) return undefined;
    const usage = usageOf(event);
    return {
      ...(usage.prompt_tokens !== null ? { input_tokens: usage.prompt_tokens } : {}),
      ...(usage.completion_tokens !== null ? { output_tokens: usage.completion_tokens } : {}),
      ...(usage.total_tokens !== null ? { total_tokens: usage.total_tokens } : {}),
    };
  },
};
