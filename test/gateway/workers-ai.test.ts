import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { handleRequest } from "../../workers/tracking/src/app";
import type { TrackingEnv } from "../../workers/tracking/src/env";
import type { WorkersAi } from "../../workers/tracking/src/request-context";
import { type Body, endpoint, events, llm, ORIGIN, post, primary, recorded, store, unique } from "./helpers";

/**
 * The `cloudflare` provider: Workers AI in its own wire format, through Workers AI's REST API when
 * the secret names an account_id, and through the worker's AI binding when it does not. The REST
 * API is the loopback stand-in (test/setup/llm-server.ts); the binding here is a thin client of
 * that same stand-in, returning what the real binding returns (the `result`, or the event stream).
 */

const TOKEN = "cf-test-token-0123456789";

async function cloudflareEndpoint(model: string, authConfig: Body, extra: Body = {}) {
  const { secret } = await store("secrets/create", {
    secret_name: unique("cf"),
    secret_value: { api_key: TOKEN },
    provider: "cloudflare",
    auth_config: authConfig,
  });
  const { model_definition } = await store("model-definitions/create", {
    name: unique("cf-model"),
    secret_id: secret.secret_id,
    provider: "cloudflare",
    model_name: model,
  });
  return endpoint([primary(model_definition.model_definition_id)], extra);
}

const REST = { account_id: "acct-1", api_base: `${llm}/client/v4` };

/** What `env.AI` is in a Worker with [ai] bound, answering from the stand-in. */
const standInBinding: WorkersAi = {
  async run(model, inputs) {
    const response = await fetch(`${llm}/client/v4/accounts/bound/ai/run/${model}`, {
      method: "POST",
      headers: { Authorization: `Bearer ${TOKEN}`, "Content-Type": "application/json" },
      body: JSON.stringify(inputs),
    });
    if (inputs.stream === true) return response.body;
    const answer = (await response.json()) as Body;
    if (!answer.success) throw new Error(`AiError: ${answer.errors[0].message}`);
    return answer.result;
  },
};

async function viaBinding(path: string, body: Body, binding: WorkersAi | undefined = standInBinding) {
  const response = await handleRequest(
    new Request(`${ORIGIN}${path}`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    }),
    { ...(env as unknown as TrackingEnv), AI: binding },
  );
  const text = await response.text();
  return { status: response.status, text, body: text.startsWith("{") ? (JSON.parse(text) as Body) : {} };
}

describe("the cloudflare provider (Workers AI)", () => {
  it("maps chat to Workers AI's REST API and back to llm/v1, with the token as Bearer", async () => {
    const name = await cloudflareEndpoint("@cf/meta/llama-3.1-8b-instruct", REST);
    const answer = await post(`/gateway/${name}/mlflow/invocations`, {
      messages: [
        { role: "system", content: "be brief" },
        { role: "user", content: "hello workers ai" },
      ],
      max_tokens: 20,
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      object: "chat.completion",
      model: "@cf/meta/llama-3.1-8b-instruct",
      choices: [{ index: 0, message: { role: "assistant", content: "echo: hello workers ai" } }],
      usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 },
    });
    const sent = await recorded(
      "/client/v4/accounts/acct-1/ai/run/@cf/meta/llama-3.1-8b-instruct",
      "hello workers ai",
    );
    expect(sent?.authorization).toBe(`Bearer ${TOKEN}`);
    expect(sent?.body).toEqual({
      messages: [
        { role: "system", content: "be brief" },
        { role: "user", content: "hello workers ai" },
      ],
      max_tokens: 20,
    });
  });

  it("streams Workers AI's events as llm/v1 chunks, and embeds through the binding", async () => {
    const name = await cloudflareEndpoint("@cf/meta/llama-3.1-8b-instruct", REST);
    const streamed = await post(`/gateway/${name}/mlflow/invocations`, {
      messages: [{ role: "user", content: "a stream" }],
      stream: true,
    });
    const chunks = events(streamed.text) as Body[];
    expect(chunks.map((c) => c.choices[0].delta.content).join("")).toBe("echo: a stream");

    const embedder = await cloudflareEndpoint("@cf/baai/bge-base-en-v1.5", {});
    const embedded = await viaBinding(`/gateway/${embedder}/mlflow/invocations`, { input: ["one", "three"] });
    expect(embedded.status).toBe(200);
    expect(embedded.body.data).toEqual([
      { object: "embedding", embedding: [3, 0, 0.25], index: 0 },
      { object: "embedding", embedding: [5, 1, 0.25], index: 1 },
    ]);
  });

  it("calls the AI binding when the secret names no account, chat and stream", async () => {
    const name = await cloudflareEndpoint("@cf/meta/llama-3.1-8b-instruct", {});
    const chat = await viaBinding(`/gateway/${name}/mlflow/invocations`, {
      messages: [{ role: "user", content: "bound call" }],
    });
    expect(chat.status).toBe(200);
    expect(chat.body.choices[0].message.content).toBe("echo: bound call");
    expect(
      await recorded("/client/v4/accounts/bound/ai/run/@cf/meta/llama-3.1-8b-instruct", "bound call"),
    ).toBeTruthy();
    const stream = await viaBinding(`/gateway/${name}/mlflow/invocations`, {
      messages: [{ role: "user", content: "bound stream" }],
      stream: true,
    });
    const chunks = events(stream.text) as Body[];
    expect(chunks.map((c) => c.choices[0].delta.content).join("")).toBe("echo: bound stream");
  });

  it("answers a clear 502 when the binding is missing or Workers AI fails, without the token", async () => {
    const name = await cloudflareEndpoint("@cf/meta/llama-3.1-8b-instruct", {});
    const unbound = await post(`/gateway/${name}/mlflow/invocations`, {
      messages: [{ role: "user", content: "x" }],
    });
    expect(unbound.status).toBe(502);
    expect(unbound.body.message).toContain("needs the tracking worker's AI binding");

    const failing = await cloudflareEndpoint("@cf/fail", REST);
    const failed = await post(`/gateway/${failing}/mlflow/invocations`, {
      messages: [{ role: "user", content: "x" }],
    });
    expect(failed.status).toBe(502);
    expect(failed.body).toEqual({
      error_code: "TEMPORARILY_UNAVAILABLE",
      message: "Provider cloudflare (@cf/fail) answered 500: Internal server error",
    });
    const bindingFailed = await viaBinding(
      `/gateway/${await cloudflareEndpoint("@cf/fail", {})}/mlflow/invocations`,
      {
        messages: [{ role: "user", content: "x" }],
      },
    );
    expect(bindingFailed.status).toBe(502);
    expect(bindingFailed.body.message).toBe(
      "Provider cloudflare (@cf/fail) failed: AiError: Internal server error",
    );
    expect(JSON.stringify([unbound, failed, bindingFailed])).not.toContain(TOKEN);
  });
});
