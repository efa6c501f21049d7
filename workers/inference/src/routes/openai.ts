import { badRequest, type ModelRef } from "@edgeflow/core";
import { eventStream, json } from "@edgeflow/http";
import type { InferenceEnv } from "../env";
import type { Generation, LoadedModel } from "../flavors/model";
import { readJsonObject } from "../http/read-body";
import { loadedModel, type ServedVersion } from "../models";
import { serve } from "../serve";
import { refFromBody, refFromPath } from "./model-ref";
import { MODEL_READ, type RequestContext, route } from "./route";

type Body = Record<string, unknown>;

export function maxBatchOf(env: InferenceEnv): number {
  const n = Number(env.INFERENCE_MAX_BATCH || 64);
  return Number.isInteger(n) && n > 0 ? n : 64;
}

const MAX_TOKENS_CEILING = 1024;
const MAX_CHOICES = 8;

function numberField(
  body: Body,
  key: string,
  min: number,
  max: number,
  fallback: number,
  integer = false,
): number {
  const value = body[key];
  if (value === undefined || value === null) return fallback;
  if (
    typeof value !== "number" ||
    Number.isNaN(value) ||
    value < min ||
    value > max ||
    (integer && !Number.isInteger(value))
  ) {
    throw badRequest(`'${key}' must be ${integer ? "an integer" : "a number"} between ${min} and ${max}.`);
  }
  return value;
}

/** Sampling settings shared by chat and completions (OpenAI's names and ranges). */
function generationSettings(body: Body, model: LoadedModel) {
  const declared = model.spec.signature?.params.find((p) => p.name === "max_new_tokens")?.default;
  const stop =
    body.stop === undefined || body.stop === null ? [] : Array.isArray(body.stop) ? body.stop : [body.stop];
  if (stop.length > 4 || !stop.every((s) => typeof s === "string")) {
    throw badRequest("'stop' must be a string or a list of at most 4 strings.");
  }
  return {
    maxNewTokens: numberField(
      body,
      "max_tokens",
      1,
      MAX_TOKENS_CEILING,
      typeof declared === "number" ? declared : 64,
      true,
    ),
    temperature: numberField(body, "temperature", 0, 2, 0),
    topP: numberField(body, "top_p", 0, 1, 1),
    n: numberField(body, "n", 1, MAX_CHOICES, 1, true),
    stop: stop as string[],
    stream: body.stream === true,
  };
}

function requireTask(served: ServedVersion, model: LoadedModel, capability: "generate" | "embed"): void {
  if (!model[capability]) {
    const task =
      served.spec.flavor.kind === "transformers_js" ? served.spec.flavor.task : served.spec.flavor.kind;
    const wanted = capability === "generate" ? "text-generation" : "feature-extraction";
    throw badRequest(`${served.label} is a ${task} model; this endpoint needs a ${wanted} model.`);
  }
}

function messagesOf(body: Body): { role: string; content: string }[] {
  const messages = body.messages;
  if (!Array.isArray(messages) || messages.length === 0)
    throw badRequest("'messages' must be a non-empty list.");
  return messages.map((message, i) => {
    const { role, content } = (message ?? {}) as Body;
    if (typeof role !== "string" || !["system", "user", "assistant", "tool", "developer"].includes(role)) {
      throw badRequest(`messages[${i}].role must be system, user, assistant, tool or developer.`);
    }
    if (typeof content !== "string") throw badRequest(`messages[${i}].content must be a string.`);
    return { role, content };
  });
}

const usageOf = (generations: Generation[]) => {
  const prompt = generations[0]?.promptTokens ?? 0;
  const completion = generations.reduce((sum, g) => sum + g.completionTokens, 0);
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
};

const newId = (prefix: string) => `${prefix}-${crypto.randomUUID().replaceAll("-", "")}`;
const nowSeconds = () => Math.floor(Date.now() / 1000);

async function complete(
  served: ServedVersion,
  model: LoadedModel,
  body: Body,
  chat: boolean,
  modelName: string,
) {
  requireTask(served, model, "generate");
  const settings = generationSettings(body, model);
  let prompt: string;
  if (chat) prompt = (model.chatPrompt as NonNullable<LoadedModel["chatPrompt"]>)(messagesOf(body));
  else if (typeof body.prompt === "string") prompt = body.prompt;
  else if (Array.isArray(body.prompt) && body.prompt.length === 1 && typeof body.prompt[0] === "string")
    prompt = body.prompt[0];
  else throw badRequest("'prompt' must be a string.");
  const generate = model.generate as NonNullable<LoadedModel["generate"]>;
  const id = newId(chat ? "chatcmpl" : "cmpl");
  const created = nowSeconds();
  const object = chat ? "chat.completion" : "text_completion";

  if (settings.stream) {
    return eventStream(async (send) => {
      const chunk = (index: number, text: string | undefined, finish: string | null, first = false) =>
        send({
          id,
          object: chat ? "chat.completion.chunk" : "text_completion",
          created,
          model: modelName,
          choices: [
            chat
              ? {
                  index,
                  delta: text === undefined ? {} : { ...(first ? { role: "assistant" } : {}), content: text },
                  finish_reason: finish,
                }
              : { index, text: text ?? "", finish_reason: finish, logprobs: null },
          ],
        });
      for (let index = 0; index < settings.n; index += 1) {
        if (chat) chunk(index, "", null, true);
        const result = await generate(prompt, { ...settings, onText: (piece) => chunk(index, piece, null) });
        chunk(index, undefined, result.finishReason);
      }
    });
  }
  const generations: Generation[] = [];
  for (let index = 0; index < settings.n; index += 1) generations.push(await generate(prompt, settings));
  return json({
    id,
    object,
    created,
    model: modelName,
    choices: generations.map((g, index) =>
      chat
        ? { index, message: { role: "assistant", content: g.text }, finish_reason: g.finishReason }
        : { index, text: g.text, finish_reason: g.finishReason, logprobs: null },
    ),
    usage: usageOf(generations),
  });
}

async function embeddings(
  served: ServedVersion,
  model: LoadedModel,
  body: Body,
  modelName: string,
  maxBatch: number,
) {
  requireTask(served, model, "embed");
  const input = body.input;
  const texts =
    typeof input === "string"
      ? [input]
      : Array.isArray(input) && input.every((s) => typeof s === "string")
        ? (input as string[])
        : null;
  if (!texts || texts.length === 0)
    throw badRequest("'input' must be a string or a non-empty list of strings.");
  if (texts.length > maxBatch)
    throw badRequest(`'input' holds ${texts.length} texts; at most ${maxBatch} per request.`);
  const format = body.encoding_format ?? "float";
  if (format !== "float" && format !== "base64")
    throw badRequest("'encoding_format' must be 'float' or 'base64'.");
  const { vectors, tokens } = await (model.embed as NonNullable<LoadedModel["embed"]>)(texts);
  return json({
    object: "list",
    data: vectors.map((vector, index) => ({
      object: "embedding",
      index,
      embedding: format === "base64" ? base64Floats(vector) : vector,
    })),
    model: modelName,
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  });
}

/** OpenAI's base64 encoding: the vector's float32 little-endian bytes. */
function base64Floats(vector: number[]): string {
  const bytes = new Uint8Array(Float32Array.from(vector).buffer);
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

type Kind = "chat" | "completions" | "embeddings";

function handle(kind: Kind, ctx: RequestContext, ref: ModelRef, body: Body) {
  const { env } = ctx;
  const endpoint = kind === "chat" ? "chat.completions" : kind;
  return serve(ctx, { ref, endpoint, body: JSON.stringify(body) }, async (served) => {
    const model = await loadedModel(env, served);
    const name = typeof body.model === "string" ? body.model : served.identity.id;
    if (kind === "embeddings") return embeddings(served, model, body, name, maxBatchOf(env));
    return complete(served, model, body, kind === "chat", name);
  });
}

/** /invocations with the unified LLM input (messages, prompt or input): the llm/v1 answers. */
export function unifiedLlm(
  env: InferenceEnv,
  served: ServedVersion,
  model: LoadedModel,
  body: Body,
): Promise<Response> {
  const name = served.identity.id;
  if ("messages" in body) return complete(served, model, { ...body, stream: false }, true, name);
  if ("prompt" in body) return complete(served, model, { ...body, stream: false }, false, name);
  return embeddings(served, model, body, name, maxBatchOf(env));
}

const perModel = (kind: Kind) => async (request: Request, ctx: RequestContext) =>
  handle(kind, ctx, refFromPath(ctx.params.ref), await readJsonObject(request));
const topLevel = (kind: Kind) => async (request: Request, ctx: RequestContext) => {
  const body = await readJsonObject(request);
  return handle(kind, ctx, refFromBody(body), body);
};

/** OpenAI-style llm/v1 endpoints, per model and at the top level with "model": "<name>@<alias>". */
export const openAiRoutes = [
  route("POST", "/models/{ref+}/v1/chat/completions", MODEL_READ, perModel("chat")),
  route("POST", "/models/{ref+}/v1/completions", MODEL_READ, perModel("completions")),
  route("POST", "/models/{ref+}/v1/embeddings", MODEL_READ, perModel("embeddings")),
  route("POST", "/v1/chat/completions", MODEL_READ, topLevel("chat")),
  route("POST", "/v1/completions", MODEL_READ, topLevel("completions")),
  route("POST", "/v1/embeddings", MODEL_READ, topLevel("embeddings")),
];
