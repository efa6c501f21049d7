/**
 * A stand-in for an OpenAI-compatible provider on 127.0.0.1 (node:http), speaking its wire format:
 * POST /v1/chat/completions (JSON, or server-sent events with `stream: true`) and /v1/embeddings.
 * The answer is a deterministic echo; some model names make it misbehave as real providers do:
 * "fail-500" answers 500, "slow" waits 5 s, "garbage" answers text that is not JSON, "broken-stream"
 * stops a stream half-way; a request without `Authorization: Bearer sk-test-...` gets OpenAI's 401,
 * which echoes the key. Every request is recorded (GET /requests) for the tests to read.
 * POST /v1/messages speaks Anthropic's Messages API instead (test/gateway/anthropic.test.ts): an
 * `x-api-key: sk-ant-test-...` header, `content` blocks, and its typed events when streamed;
 * "fail-500" answers Anthropic's 500, "short" stops for max_tokens, "error-stream" sends an
 * `error` event half-way.
 * POST /client/v4/accounts/<account>/ai/run/<model> speaks Workers AI's REST API (test/gateway/
 * workers-ai.test.ts): a `Bearer cf-test-...` token, answers inside `{result, success}`, streams of
 * `data: {"response": ...}` ending with a usage event and `[DONE]`; "@cf/fail" answers its 500.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    llmServer: string;
  }
}

interface Recorded {
  path: string;
  authorization: string | undefined;
  body: Record<string, unknown>;
  /** Anthropic's headers, on /v1/messages only. */
  apiKey?: string | undefined;
  anthropicVersion?: string | undefined;
}

const seen: Recorded[] = [];

const readBody = (request: IncomingMessage) =>
  new Promise<string>((resolve) => {
    let text = "";
    request.on("data", (chunk) => {
      text += chunk;
    });
    request.on("end", () => resolve(text));
  });

function send(response: ServerResponse, status: number, body: unknown) {
  response.writeHead(status, { "Content-Type": "application/json" });
  response.end(JSON.stringify(body));
}

function lastUserText(body: Record<string, unknown>): string {
  const messages = (body.messages ?? []) as { role: string; content: string }[];
  return messages.filter((m) => m.role === "user").at(-1)?.content ?? "";
}

async function handle(request: IncomingMessage, response: ServerResponse) {
  if (request.method === "GET" && request.url === "/requests") return send(response, 200, seen);
  const body = JSON.parse((await readBody(request)) || "{}") as Record<string, unknown>;
  if (request.method === "POST" && request.url === "/v1/messages") return anthropic(request, response, body);
  const workersAiModel = request.url?.match(/^\/client\/v4\/accounts\/[^/]+\/ai\/run\/(.+)$/)?.[1];
  if (request.method === "POST" && workersAiModel) return workersAi(request, response, body, workersAiModel);
  seen.push({ path: request.url ?? "", authorization: request.headers.authorization, body });
  const model = String(body.model ?? "");
  const key = request.headers.authorization?.replace(/^Bearer /, "") ?? "";
  if (!key.startsWith("sk-test-")) {
    return send(response, 401, {
      error: { message: `Incorrect API key provided: ${key}.`, type: "invalid_request_error" },
    });
  }
  if (model === "fail-500") return send(response, 500, { error: { message: "The server had an error." } });
  if (model === "slow") await new Promise((resolve) => setTimeout(resolve, 5000));
  if (model === "garbage") {
    response.writeHead(200, { "Content-Type": "application/json" });
    return response.end("<html>not json</html>");
  }
  if (request.url === "/v1/embeddings") {
    const inputs = Array.isArray(body.input) ? body.input : [body.input];
    return send(response, 200, {
      object: "list",
      data: inputs.map((text, index) => {
        const vector = [String(text).length, index, 0.5];
        // As OpenAI does: base64 of little-endian float32s when asked (the openai npm client asks).
        const embedding =
          body.encoding_format === "base64"
            ? Buffer.from(new Float32Array(vector).buffer).toString("base64")
            : vector;
        return { object: "embedding", index, embedding };
      }),
      model,
      usage: { prompt_tokens: inputs.length, total_tokens: inputs.length },
    });
  }
  if (request.url !== "/v1/chat/completions")
    return send(response, 404, { error: { message: "no such path" } });
  const reply = `echo: ${lastUserText(body)}`;
  if (body.stream === true) {
    response.writeHead(200, { "Content-Type": "text/event-stream" });
    const words = reply.split(" ");
    for (const [i, word] of words.entries()) {
      if (model === "broken-stream" && i === 1) {
        response.write("data: {not json\n\n");
        return response.end();
      }
      const chunk = {
        id: "chatcmpl-stand-in",
        object: "chat.completion.chunk",
        created: 1700000000,
        model,
        choices: [
          { index: 0, delta: i === 0 ? { role: "assistant", content: word } : { content: ` ${word}` } },
        ],
      };
      response.write(`data: ${JSON.stringify(chunk)}\n\n`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const last = { id: "chatcmpl-stand-in", object: "chat.completion.chunk", created: 1700000000, model };
    response.write(
      `data: ${JSON.stringify({ ...last, choices: [{ index: 0, delta: {}, finish_reason: "stop" }] })}\n\n`,
    );
    response.write("data: [DONE]\n\n");
    return response.end();
  }
  return send(response, 200, {
    id: "chatcmpl-stand-in",
    object: "chat.completion",
    created: 1700000000,
    model,
    choices: [{ index: 0, message: { role: "assistant", content: reply }, finish_reason: "stop" }],
    usage: {
      prompt_tokens: 5,
      completion_tokens: reply.split(" ").length,
      total_tokens: 5 + reply.split(" ").length,
    },
  });
}

const header = (request: IncomingMessage, name: string) => {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/** Anthropic's Messages API: its auth header, its answer shape and its typed stream events. */
async function anthropic(request: IncomingMessage, response: ServerResponse, body: Record<string, unknown>) {
  const apiKey = header(request, "x-api-key");
  seen.push({
    path: request.url ?? "",
    authorization: request.headers.authorization,
    body,
    apiKey,
    anthropicVersion: header(request, "anthropic-version"),
  });
  const model = String(body.model ?? "");
  if (!apiKey?.startsWith("sk-ant-test-")) {
    return send(response, 401, {
      type: "error",
      error: { type: "authentication_error", message: "invalid x-api-key" },
    });
  }
  if (model === "fail-500") {
    return send(response, 500, {
      type: "error",
      error: { type: "api_error", message: "Internal server error" },
    });
  }
  const reply = `echo: ${lastUserText(body)}`;
  const words = reply.split(" ");
  const stopReason = model === "short" ? "max_tokens" : "end_turn";
  if (body.stream === true) {
    response.writeHead(200, { "Content-Type": "text/event-stream" });
    const event = (type: string, data: Record<string, unknown>) =>
      response.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
    event("message_start", {
      message: {
        id: "msg_stand_in",
        type: "message",
        role: "assistant",
        model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: 7, output_tokens: 1 },
      },
    });
    event("content_block_start", { index: 0, content_block: { type: "text", text: "" } });
    event("ping", {});
    for (const [i, word] of words.entries()) {
      if (model === "error-stream" && i === 1) {
        event("error", { error: { type: "overloaded_error", message: "Overloaded" } });
        return response.end();
      }
      event("content_block_delta", {
        index: 0,
        delta: { type: "text_delta", text: i === 0 ? word : ` ${word}` },
      });
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    event("content_block_stop", { index: 0 });
    event("message_delta", {
      delta: { stop_reason: stopReason, stop_sequence: null },
      usage: { output_tokens: words.length },
    });
    event("message_stop", {});
    return response.end();
  }
  return send(response, 200, {
    id: "msg_stand_in",
    type: "message",
    role: "assistant",
    model,
    content: [{ type: "text", text: reply }],
    stop_reason: stopReason,
    stop_sequence: null,
    usage: { input_tokens: 7, output_tokens: words.length },
  });
}

export async function startLlmServer(): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((request, response) => {
    handle(request, response).catch(() => send(response, 500, { error: { message: "stand-in failed" } }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export default async function setup(project: TestProject) {
  const server = await startLlmServer();
  project.provide("llmServer", server.url);
  return server.close;
}

/** Workers AI's REST API, as the binding's answers wrapped in {result, success, errors, messages}. */
async function workersAi(
  request: IncomingMessage,
  response: ServerResponse,
  body: Record<string, unknown>,
  model: string,
) {
  seen.push({ path: request.url ?? "", authorization: request.headers.authorization, body });
  if (!request.headers.authorization?.startsWith("Bearer cf-test-")) {
    return send(response, 401, {
      success: false,
      errors: [{ code: 10000, message: "Authentication error" }],
      messages: [],
      result: null,
    });
  }
  if (model === "@cf/fail") {
    return send(response, 500, {
      success: false,
      errors: [{ code: 3043, message: "Internal server error" }],
      messages: [],
      result: null,
    });
  }
  if (Array.isArray(body.text)) {
    const data = (body.text as string[]).map((text, index) => [text.length, index, 0.25]);
    return send(response, 200, {
      success: true,
      errors: [],
      messages: [],
      result: { shape: [data.length, 3], data },
    });
  }
  const prompt = typeof body.prompt === "string" ? body.prompt : lastUserText(body);
  const reply = `echo: ${prompt}`;
  const usage = {
    prompt_tokens: 3,
    completion_tokens: reply.split(" ").length,
    total_tokens: 3 + reply.split(" ").length,
  };
  if (body.stream === true) {
    response.writeHead(200, { "Content-Type": "text/event-stream" });
    for (const [i, word] of reply.split(" ").entries()) {
      response.write(`data: ${JSON.stringify({ response: i === 0 ? word : ` ${word}`, p: "abc" })}\n\n`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    response.write(`data: ${JSON.stringify({ response: "", usage })}\n\n`);
    response.write("data: [DONE]\n\n");
    return response.end();
  }
  return send(response, 200, { success: true, errors: [], messages: [], result: { response: reply, usage } });
}
