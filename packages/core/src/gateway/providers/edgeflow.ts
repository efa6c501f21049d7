import { MlflowError } from "@edgeflow/schema";
import { openaiProvider } from "./openai";
import type { Json, Provider } from "./provider";

/**
 * A registered model served by Edgeflow's own inference worker, reached through the tracking
 * worker's `INFERENCE` service binding (never the public internet). The model definition's
 * model_name is `<name>@<alias>` or `<name>/<version>`; no secret is needed, and the caller's own
 * credentials travel with the call, so the inference worker still checks READ on the model.
 * Its answers are OpenAI's wire (workers/inference/src/routes/openai.ts).
 */
const PATHS = {
  "llm/v1/chat": "/v1/chat/completions",
  "llm/v1/completions": "/v1/completions",
  "llm/v1/embeddings": "/v1/embeddings",
} as const;

const MODEL_REF = /^[^@/]+(@[^@/]+|\/\d+)$/;

const list = (value: unknown): Json[] => (Array.isArray(value) ? (value as Json[]) : []);
const object = (value: unknown): Json => (value && typeof value === "object" ? (value as Json) : {});

export const edgeflowProvider: Provider = {
  kinds: ["llm/v1/chat", "llm/v1/completions", "llm/v1/embeddings"],

  request(kind, payload, target, stream) {
    if (!MODEL_REF.test(target.modelName)) {
      throw MlflowError.invalidParameter(
        `Model '${target.modelName}' of provider edgeflow must be '<name>@<alias>' or '<name>/<version>' of a registered model.`,
      );
    }
    const body: Json = { ...payload, model: target.modelName };
    if (stream) body.stream = true;
    else delete body.stream;
    return {
      via: "INFERENCE",
      url: PATHS[kind],
      headers: { "Content-Type": "application/json" },
      body,
    };
  },

  response(kind, answer, target) {
    if (kind !== "llm/v1/completions") return openaiProvider.response(kind, answer, target);
    const usage = object(answer.usage);
    return {
      id: answer.id ?? null,
      object: "text_completion",
      created: answer.created ?? Math.floor(Date.now() / 1000),
      model: answer.model ?? null,
      choices: list(answer.choices).map((choice, index) => ({
        index,
        text: typeof choice.text === "string" ? choice.text : "",
        finish_reason: choice.finish_reason ?? null,
      })),
      usage: {
        prompt_tokens: usage.prompt_tokens ?? null,
        completion_tokens: usage.completion_tokens ?? null,
        total_tokens: usage.total_tokens ?? null,
      },
    };
  },

  chunk(kind, event, target) {
    if (kind !== "llm/v1/completions") return openaiProvider.chunk(kind, event, target);
    return [
      {
        id: event.id ?? null,
        object: "text_completion_chunk",
        created: event.created ?? Math.floor(Date.now() / 1000),
        model: event.model ?? null,
        choices: list(event.choices).map((choice) => ({
          index: choice.index ?? 0,
          finish_reason: choice.finish_reason ?? null,
          delta: { content: typeof choice.text === "string" ? choice.text : null },
        })),
      },
    ];
  },

  // The inference worker's errors are MLflow's {error_code, message}.
  errorMessage(body) {
    const message = object(body).message;
    return typeof message === "string" ? message : undefined;
  },

  streamUsage: openaiProvider.streamUsage,
};
