import { type EndpointKind, type Json, type Provider, type ProviderTarget, usageOfAnswer } from "./provider";

/**
 * OpenAI's API, and any server that speaks it (vLLM, Ollama, LM Studio, Together...: set
 * `api_base` in the secret's auth_config). As MLflow 2.12's OpenAIProvider: completions are sent
 * as a one-message chat, the configured model always wins over the caller's.
 */
const DEFAULT_BASE = "https://api.openai.com/v1";

function baseOf(target: ProviderTarget): string {
  const base = target.authConfig.api_base ?? target.authConfig.openai_api_base ?? DEFAULT_BASE;
  return base.replace(/\/+$/, "");
}

function keyOf(target: ProviderTarget): string | undefined {
  return target.secret.api_key ?? target.secret.openai_api_key ?? Object.values(target.secret)[0];
}

const list = (value: unknown): Json[] => (Array.isArray(value) ? (value as Json[]) : []);
const message = (value: unknown): Json => (value && typeof value === "object" ? (value as Json) : {});

export const openaiProvider: Provider = {
  kinds: ["llm/v1/chat", "llm/v1/completions", "llm/v1/embeddings"],

  request(kind, payload, target, stream) {
    const key = keyOf(target);
    const headers: Record<string, string> = { "Content-Type": "application/json" };
    if (key) headers.Authorization = `Bearer ${key}`;
    if (target.authConfig.organization) headers["OpenAI-Organization"] = target.authConfig.organization;
    if (kind === "llm/v1/embeddings") {
      // encoding_format passes through: the openai npm client asks for base64 and decodes it.
      const { stream: _stream, ...rest } = payload;
      return {
        via: "internet",
        url: `${baseOf(target)}/embeddings`,
        headers,
        body: { ...rest, model: target.modelName },
      };
    }
    const { prompt, ...rest } = payload;
    const body: Json =
      kind === "llm/v1/completions"
        ? { ...rest, messages: [{ role: "user", content: prompt }] }
        : { ...payload };
    body.model = target.modelName;
    if (stream) body.stream = true;
    else delete body.stream;
    return { via: "internet", url: `${baseOf(target)}/chat/completions`, headers, body };
  },

  response(kind, answer) {
    if (kind === "llm/v1/embeddings") {
      return {
        object: "list",
        data: list(answer.data).map((entry, index) => ({
          object: "embedding",
          embedding: entry.embedding,
          index,
        })),
        model: answer.model,
        usage: {
          prompt_tokens: message(answer.usage).prompt_tokens ?? null,
          total_tokens: message(answer.usage).total_tokens ?? null,
        },
      };
    }
    const usage = message(answer.usage);
    const choices = list(answer.choices).map((choice, index) => {
      const said = message(choice.message);
      return kind === "llm/v1/completions"
        ? { index, text: said.content ?? "", finish_reason: choice.finish_reason ?? null }
        : {
            index,
            message: { role: said.role ?? "assistant", content: said.content ?? null },
            finish_reason: choice.finish_reason ?? null,
          };
    });
    return {
      id: answer.id ?? null,
      object: kind === "llm/v1/completions" ? "text_completion" : "chat.completion",
      created: answer.created ?? Math.floor(Date.now() / 1000),
      model: answer.model ?? null,
      choices,
      usage: {
        prompt_tokens: usage.prompt_tokens ?? null,
        completion_tokens: usage.completion_tokens ?? null,
        total_tokens: usage.total_tokens ?? null,
      },
    };
  },

  chunk(kind: EndpointKind, event) {
    const choices = list(event.choices).map((choice) => {
      const delta = message(choice.delta);
      return kind === "llm/v1/completions"
        ? {
            index: choice.index ?? 0,
            finish_reason: choice.finish_reason ?? null,
            delta: { content: delta.content ?? null },
          }
        : {
            index: choice.index ?? 0,
            finish_reason: choice.finish_reason ?? null,
            delta: { role: delta.role ?? null, content: delta.content ?? null },
          };
    });
    return [
      {
        id: event.id ?? null,
        object: kind === "llm/v1/completions" ? "text_completion_chunk" : "chat.completion.chunk",
        created: event.created ?? Math.floor(Date.now() / 1000),
        model: event.model ?? null,
        choices,
      },
    ];
  },

  errorMessage(body) {
    const error = message(message(body).error);
    return typeof error.message === "string" ? error.message : undefined;
  },

  // The last chunk carries `usage` when the caller asked for stream_options.include_usage.
  streamUsage: (event) => usageOfAnswer(event),
};
