import { MlflowError } from "@edgeflow/schema";
import type { Json, Provider, ProviderTarget, TokenUsage } from "./provider";

/**
 * Anthropic's Messages API (POST /v1/messages), chat only, as MLflow 2.12's AnthropicProvider:
 * system messages joined into the top-level `system`, `stop` sent as `stop_sequences`, the
 * temperature halved (llm/v1's 0-2 is Anthropic's 0-1), one choice only. Unlike 2.12 the text
 * blocks of an answer are one choice (2.12 makes one per block), and `max_tokens` defaults to
 * 8192 (MLflow 3.x's) rather than 200000.
 */
const DEFAULT_BASE = "https://api.anthropic.com/v1";
const DEFAULT_VERSION = "2023-06-01";
const DEFAULT_MAX_TOKENS = 8192;

function baseOf(target: ProviderTarget): string {
  return (target.authConfig.api_base ?? DEFAULT_BASE).replace(/\/+$/, "");
}

function keyOf(target: ProviderTarget): string | undefined {
  return target.secret.api_key ?? target.secret.anthropic_api_key ?? Object.values(target.secret)[0];
}

const list = (value: unknown): Json[] => (Array.isArray(value) ? (value as Json[]) : []);
const object = (value: unknown): Json => (value && typeof value === "object" ? (value as Json) : {});

/** A message's content as text: a string, or the text parts of a list of parts. */
function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  return list(content)
    .map((part) => (typeof part.text === "string" ? part.text : ""))
    .join("");
}

const finishReason = (stopReason: unknown): string => (stopReason === "max_tokens" ? "length" : "stop");

const chunkOf = (
  id: unknown,
  model: unknown,
  delta: { role: string | null; content: string | null },
  finish: string | null,
): Json => ({
  id: id ?? null,
  object: "chat.completion.chunk",
  created: Math.floor(Date.now() / 1000),
  model: model ?? null,
  choices: [{ index: 0, finish_reason: finish, delta }],
});

export const anthropicProvider: Provider = {
  kinds: ["llm/v1/chat"],

  request(_kind, payload, target, stream) {
    if (payload.n !== undefined && payload.n !== null && payload.n !== 1) {
      throw MlflowError.invalidParameter("Anthropic models answer one choice (n must be 1).");
    }
    const messages = list(payload.messages);
    const system = messages
      .filter((m) => m.role === "system")
      .map((m) => textOf(m.content))
      .join("\n");
    const body: Json = {
      model: target.modelName,
      messages: messages
        .filter((m) => m.role === "user" || m.role === "assistant")
        .map((m) => ({ role: m.role, content: m.content })),
      max_tokens: typeof payload.max_tokens === "number" ? payload.max_tokens : DEFAULT_MAX_TOKENS,
    };
    if (messages.some((m) => m.role === "system")) body.system = system;
    if (payload.stop !== undefined && payload.stop !== null) {
      body.stop_sequences = Array.isArray(payload.stop) ? payload.stop : [payload.stop];
    }
    if (typeof payload.temperature === "number") body.temperature = payload.temperature / 2;
    if (payload.top_p !== undefined && payload.top_p !== null) body.top_p = payload.top_p;
    if (payload.top_k !== undefined && payload.top_k !== null) body.top_k = payload.top_k;
    if (stream) body.stream = true;
    const headers: Record<string, string> = {
      "content-type": "application/json",
      "anthropic-version": target.authConfig.anthropic_version ?? DEFAULT_VERSION,
    };
    const key = keyOf(target);
    if (key) headers["x-api-key"] = key;
    return { via: "internet", url: `${baseOf(target)}/messages`, headers, body };
  },

  response(_kind, answer) {
    const usage = object(answer.usage);
    const prompt = typeof usage.input_tokens === "number" ? usage.input_tokens : null;
    const completion = typeof usage.output_tokens === "number" ? usage.output_tokens : null;
    const content = list(answer.content)
      .filter((block) => block.type === "text" && typeof block.text === "string")
      .map((block) => block.text as string)
      .join("");
    return {
      id: answer.id ?? null,
      object: "chat.completion",
      created: Math.floor(Date.now() / 1000),
      model: answer.model ?? null,
      choices: [
        {
          index: 0,
          message: { role: "assistant", content },
          finish_reason: finishReason(answer.stop_reason),
        },
      ],
      usage: {
        prompt_tokens: prompt,
        completion_tokens: completion,
        total_tokens: prompt !== null && completion !== null ? prompt + completion : null,
      },
    };
  },

  chunk(_kind, event) {
    switch (event.type) {
      case "message_start": {
        const started = object(event.message);
        return [chunkOf(started.id, started.model, { role: "assistant", content: "" }, null)];
      }
      case "content_block_delta": {
        const delta = object(event.delta);
        if (delta.type !== "text_delta" || typeof delta.text !== "string") return [];
        return [chunkOf(null, null, { role: null, content: delta.text }, null)];
      }
      case "message_delta": {
        const delta = object(event.delta);
        return [chunkOf(null, null, { role: null, content: null }, finishReason(delta.stop_reason))];
      }
      case "error": {
        const message = object(event.error).message;
        throw new Error(typeof message === "string" ? message : "Anthropic stream error");
      }
      default:
        // ping, content_block_start, content_block_stop, message_stop: bookkeeping.
        return [];
    }
  },

  errorMessage(body) {
    const error = object(object(body).error);
    return typeof error.message === "string" ? error.message : undefined;
  },

  // message_start carries the input tokens, message_delta the output so far.
  streamUsage(event) {
    const usage = object(event.type === "message_start" ? object(event.message).usage : event.usage);
    const tokens: TokenUsage = {};
    if (typeof usage.input_tokens === "number") tokens.input_tokens = usage.input_tokens;
    if (typeof usage.output_tokens === "number") tokens.output_tokens = usage.output_tokens;
    return Object.keys(tokens).length ? tokens : undefined;
  },
};
