import { SELF } from "cloudflare:test";
import OpenAI from "openai";
import { beforeAll, describe, expect, it } from "vitest";
import {
  type Body,
  definition,
  endpoint,
  events,
  ORIGIN,
  post,
  primary,
  recorded,
  STORE,
  secret,
} from "./helpers";

/**
 * Gateway endpoints called as each client calls them, over an OpenAI-compatible provider: the
 * loopback stand-in of test/setup/llm-server.ts, which misbehaves on purpose for some model names.
 */
const KEY = "sk-test-0123456789abcdef";

let chat: string;
let chatDefinition: string;
let goodSecret: string;
beforeAll(async () => {
  goodSecret = await secret(KEY);
  chatDefinition = await definition(goodSecret, "stand-in");
  chat = await endpoint([primary(chatDefinition)]);
});

describe("MLflow 2.x deployments API", () => {
  it("lists and gets endpoints with the fields the deployments client reads", async () => {
    const listed = await SELF.fetch(`${ORIGIN}/api/2.0/endpoints/`);
    const { endpoints } = (await listed.json()) as Body;
    expect(endpoints.find((e: Body) => e.name === chat)).toEqual({
      name: chat,
      endpoint_type: "llm/v1/chat",
      model: { name: "stand-in", provider: "openai" },
      endpoint_url: `/gateway/${chat}/invocations`,
      limit: null,
    });
    const one = await SELF.fetch(`${ORIGIN}/api/2.0/endpoints/${chat}`);
    expect(((await one.json()) as Body).name).toBe(chat);
    const missing = await SELF.fetch(`${ORIGIN}/api/2.0/endpoints/nope`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as Body).message).toContain("The endpoint 'nope' is not present");
  });

  it("answers llm/v1 chat, calling the provider with the secret and the configured model", async () => {
    const { status, body, headers } = await post(`/endpoints/${chat}/invocations`, {
      messages: [
        { role: "system", content: "be brief" },
        { role: "user", content: "hello there" },
      ],
      temperature: 0,
    });
    expect(status).toBe(200);
    expect(body).toMatchObject({
      object: "chat.completion",
      model: "stand-in",
      choices: [
        { index: 0, message: { role: "assistant", content: "echo: hello there" }, finish_reason: "stop" },
      ],
      usage: { prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 },
    });
    expect(headers.get("X-Edgeflow-Gateway-Model")).toBeTruthy();
    const seen = await recorded("/v1/chat/completions", "hello there");
    expect(seen).toMatchObject({ path: "/v1/chat/completions", authorization: `Bearer ${KEY}` });
    expect(seen?.body).toMatchObject({ model: "stand-in", temperature: 0 });
    expect(seen?.body.stream).toBeUndefined();
  });

  it("answers completions as a one-message chat, and refuses a `model` in the body", async () => {
    const done = await post(`/endpoints/${chat}/invocations`, { prompt: "once upon", max_tokens: 5 });
    expect(done.body).toMatchObject({
      object: "text_completion",
      choices: [{ index: 0, text: "echo: once upon" }],
    });
    const withModel = await post(`/endpoints/${chat}/invocations`, { prompt: "x", model: "gpt-4" });
    expect(withModel.status).toBe(400);
    expect(withModel.body.message).toContain("The parameter 'model' is not permitted");
    const shapeless = await post(`/endpoints/${chat}/invocations`, { text: "x" });
    expect(shapeless.status).toBe(400);
  });
});

describe("MLflow 3.x gateway and OpenAI paths", () => {
  it("answers /gateway/<name>/mlflow/invocations for chat and embeddings", async () => {
    const answer = await post(`/gateway/${chat}/mlflow/invocations`, {
      messages: [{ role: "user", content: "hi" }],
    });
    expect(answer.body.choices[0].message.content).toBe("echo: hi");
    const vectors = await post(`/gateway/${chat}/mlflow/invocations`, { input: ["ab", "abcd"] });
    expect(vectors.body).toMatchObject({
      object: "list",
      data: [
        { object: "embedding", index: 0, embedding: [2, 0, 0.5] },
        { object: "embedding", index: 1, embedding: [4, 1, 0.5] },
      ],
    });
    const neither = await post(`/gateway/${chat}/mlflow/invocations`, { prompt: "x" });
    expect(neither.body.message).toBe("Invalid request: payload format must be either chat or embeddings");
  });

  it("streams chunks as they come: OpenAI's path ends with [DONE], MLflow's does not", async () => {
    const openai = await post("/v1/chat/completions", {
      model: chat,
      stream: true,
      messages: [{ role: "user", content: "hello world" }],
    });
    expect(openai.headers.get("Content-Type")).toBe("text/event-stream");
    const chunks = events(openai.text);
    expect(chunks.at(-1)).toBe("[DONE]");
    const text = chunks
      .filter((c) => c !== "[DONE]")
      .map((c) => c.choices[0]?.delta.content ?? "")
      .join("");
    expect(text).toBe("echo: hello world");
    expect(chunks[0]).toMatchObject({
      object: "chat.completion.chunk",
      choices: [{ delta: { role: "assistant" } }],
    });
    expect(chunks.at(-2).choices[0].finish_reason).toBe("stop");

    const mlflow = await post("/gateway/mlflow/v1/chat/completions", {
      model: chat,
      stream: true,
      messages: [{ role: "user", content: "hello world" }],
    });
    expect(events(mlflow.text)).not.toContain("[DONE]");
  });

  it("works with the openai npm client, streamed and not", async () => {
    const client = new OpenAI({
      baseURL: `${ORIGIN}/v1`,
      apiKey: "unused-here",
      fetch: (input, init) => SELF.fetch(input as string, init as RequestInit),
      maxRetries: 0,
    });
    const reply = await client.chat.completions.create({
      model: chat,
      messages: [{ role: "user", content: "ping" }],
    });
    expect(reply.choices[0]?.message.content).toBe("echo: ping");
    const stream = await client.chat.completions.create({
      model: chat,
      stream: true,
      messages: [{ role: "user", content: "a b c" }],
    });
    let text = "";
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
    expect(text).toBe("echo: a b c");
    const embedded = await client.embeddings.create({ model: chat, input: "abc" });
    expect(embedded.data[0]?.embedding).toEqual([3, 0, 0.5]);
  });
});

describe("routing", () => {
  it("falls back in order when the primary fails, and says which model answered", async () => {
    const failing = await definition(goodSecret, "fail-500");
    const backup = await definition(goodSecret, "stand-in");
    const name = await endpoint(
      [primary(failing), { model_definition_id: backup, linkage_type: "FALLBACK", fallback_order: 1 }],
      { fallback_config: { strategy: "SEQUENTIAL", max_attempts: 1 } },
    );
    const answer = await post(`/endpoints/${name}/invocations`, {
      messages: [{ role: "user", content: "x" }],
    });
    expect(answer.status).toBe(200);
    expect(answer.body.choices[0].message.content).toBe("echo: x");
  });

  it("splits traffic by weight, the same request id always reaching the same model", async () => {
    const a = await definition(goodSecret, "stand-in-a");
    const b = await definition(goodSecret, "stand-in-b");
    const name = await endpoint([primary(a, 0.5), primary(b, 0.5)], {
      routing_strategy: "REQUEST_BASED_TRAFFIC_SPLIT",
    });
    const modelFor = async (id: string) =>
      (
        await post(
          `/endpoints/${name}/invocations`,
          { messages: [{ role: "user", content: "x" }] },
          { "X-Request-Id": id },
        )
      ).body.model as string;
    const picks = [];
    for (let i = 0; i < 24; i++) picks.push(await modelFor(`user-${i}`));
    expect(new Set(picks)).toEqual(new Set(["stand-in-a", "stand-in-b"]));
    expect(await modelFor("user-3")).toBe(picks[3]);
    expect(await modelFor("user-7")).toBe(picks[7]);
  });
});

describe("refusals", () => {
  const ask = (name: string) =>
    post(`/endpoints/${name}/invocations`, { messages: [{ role: "user", content: "x" }] });

  it("answers 502 for a provider's 5xx or a body that is not JSON, 504 for a slow one", async () => {
    const failing = await ask(await endpoint([primary(await definition(goodSecret, "fail-500"))]));
    expect(failing.status).toBe(502);
    expect(failing.body.message).toContain("answered 500: The server had an error.");
    const garbage = await ask(await endpoint([primary(await definition(goodSecret, "garbage"))]));
    expect(garbage.status).toBe(502);
    expect(garbage.body.message).toContain("not JSON");
    const slow = await ask(await endpoint([primary(await definition(goodSecret, "slow"))]));
    expect(slow).toMatchObject({ status: 504, body: { error_code: "DEADLINE_EXCEEDED" } });
  });

  it("answers 502 for a provider that is down, and never repeats a key a provider echoes", async () => {
    const down = await ask(
      await endpoint([
        primary(await definition(await secret(KEY, { apiBase: "http://127.0.0.1:9/v1" }), "x")),
      ]),
    );
    expect(down.status).toBe(502);
    expect(down.body.message).toContain("could not be reached");
    const wrongKey = "sk-wrong-9876543210zz";
    const refused = await ask(
      await endpoint([primary(await definition(await secret(wrongKey), "stand-in"))]),
    );
    expect(refused.status).toBe(502);
    expect(refused.body.message).toContain("answered 401");
    expect(refused.text).not.toContain("9876543210");
  });

  it("refuses a provider base URL on a private address the operator did not allow", async () => {
    const internal = await secret(KEY, { apiBase: "http://10.0.0.7/v1" });
    const answer = await ask(await endpoint([primary(await definition(internal, "stand-in"))]));
    expect(answer.status).toBe(400);
    expect(answer.body.message).toContain("EDGEFLOW_OUTBOUND_ALLOW");
    const metadata = await ask(
      await endpoint([
        primary(await definition(await secret(KEY, { apiBase: "http://169.254.169.254/v1" }), "stand-in")),
      ]),
    );
    expect(metadata.status).toBe(400);
  });

  it("answers 404 for an unknown endpoint and for one whose only secret was deleted", async () => {
    const unknown = await ask("no-such-endpoint");
    expect(unknown).toMatchObject({
      status: 404,
      body: {
        error_code: "RESOURCE_DOES_NOT_EXIST",
        message: "GatewayEndpoint not found (name='no-such-endpoint')",
      },
    });
    const doomed = await secret(KEY);
    const name = await endpoint([primary(await definition(doomed, "stand-in"))]);
    await SELF.fetch(`${STORE}/secrets/delete`, {
      method: "DELETE",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ secret_id: doomed }),
    });
    const orphan = await ask(name);
    expect(orphan.status).toBe(404);
    expect(orphan.body.message).toBe(`Endpoint '${name}' has no PRIMARY models configured`);
  });

  it("answers hostile endpoint names in the path with a JSON 4xx, never a 500", async () => {
    const chat = { messages: [{ role: "user", content: "x" }] };
    for (const name of ["..%2F..%2Fapi%2F2.0", "%00", "a%20b", "%2e%2e", "x'%20OR%201=1"]) {
      for (const path of [`/endpoints/${name}/invocations`, `/gateway/${name}/mlflow/invocations`]) {
        const answer = await post(path, chat);
        expect([path, answer.status >= 400 && answer.status < 500]).toEqual([path, true]);
        expect(answer.body.error_code).toBeTruthy();
        expect(answer.text).not.toMatch(/at .*\.ts:\d+/);
      }
      const listed = await SELF.fetch(`${ORIGIN}/api/2.0/endpoints/${name}`);
      expect([name, listed.status]).toEqual([name, 404]);
    }
  });

  it("refuses a prompt over 1 MiB with 413, a text/plain body and bad messages with 400", async () => {
    const huge = await post(`/endpoints/${chat}/invocations`, {
      messages: [{ role: "user", content: "x".repeat(1024 * 1024) }],
    });
    expect(huge.status).toBe(413);
    const plain = await post(`/endpoints/${chat}/invocations`, "{}", { "Content-Type": "text/plain" });
    expect(plain.status).toBe(400);
    expect(plain.body.message).toContain("Content-Type");
    const empty = await post(`/endpoints/${chat}/invocations`, { messages: [] });
    expect(empty.status).toBe(400);
    const noModel = await post("/v1/chat/completions", { messages: [{ role: "user", content: "x" }] });
    expect(noModel.body.message).toBe("Missing required 'model' parameter in request body");
  });
});
