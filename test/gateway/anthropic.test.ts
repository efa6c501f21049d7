import { PROVIDERS } from "@edgeflow/core";
import { beforeAll, describe, expect, it } from "vitest";
import { definition, endpoint, events, post, primary, recorded, secret, unique } from "./helpers";

/**
 * The `anthropic` provider: llm/v1 chat mapped onto Anthropic's Messages API, against the loopback
 * stand-in of test/setup/llm-server.ts (POST /v1/messages), and its stream events as llm/v1 chunks.
 */
const KEY = "sk-ant-test-0123456789abcdef";

const anthropicSecret = (apiKey = KEY) => secret(apiKey, { provider: "anthropic" });

/** An endpoint with one Anthropic model. */
async function claudeEndpoint(secretId: string, model: string): Promise<string> {
  return endpoint([primary(await definition(secretId, model, "anthropic"))]);
}

const recordedMessage = (marker: string) => recorded("/v1/messages", marker);

let claude: string;
let goodSecret: string;
beforeAll(async () => {
  goodSecret = await anthropicSecret();
  claude = await claudeEndpoint(goodSecret, "claude-stand-in");
});

describe("anthropic provider", () => {
  it("answers llm/v1 chat from Anthropic's Messages API", async () => {
    const { status, body, headers } = await post(`/endpoints/${claude}/invocations`, {
      messages: [{ role: "user", content: "hello there" }],
    });
    expect(status).toBe(200);
    expect(body).toMatchObject({
      id: "msg_stand_in",
      object: "chat.completion",
      model: "claude-stand-in",
      choices: [
        { index: 0, message: { role: "assistant", content: "echo: hello there" }, finish_reason: "stop" },
      ],
      usage: { prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 },
    });
    expect(body.choices).toHaveLength(1);
    expect(typeof body.created).toBe("number");
    expect(headers.get("X-Edgeflow-Gateway-Model")).toBeTruthy();
  });

  it("maps the request: system joined, user/assistant only, max_tokens, halved temperature, stop", async () => {
    const marker = unique("second");
    const answer = await post(`/endpoints/${claude}/invocations`, {
      messages: [
        { role: "system", content: "be brief" },
        { role: "user", content: "first" },
        { role: "assistant", content: "echo: first" },
        { role: "system", content: "be kind" },
        { role: "user", content: marker },
      ],
      temperature: 1.0,
      stop: ["END"],
      top_p: 0.9,
    });
    expect(answer.status).toBe(200);
    expect(answer.body.choices[0].message.content).toBe(`echo: ${marker}`);
    const seen = await recordedMessage(marker);
    expect(seen).toMatchObject({ path: "/v1/messages", apiKey: KEY, anthropicVersion: "2023-06-01" });
    expect(seen?.authorization).toBeUndefined();
    expect(seen?.body).toEqual({
      model: "claude-stand-in",
      system: "be brief\nbe kind",
      messages: [
        { role: "user", content: "first" },
        { role: "assistant", content: "echo: first" },
        { role: "user", content: marker },
      ],
      max_tokens: 8192,
      temperature: 0.5,
      stop_sequences: ["END"],
      top_p: 0.9,
    });

    const other = unique("x");
    await post(`/endpoints/${claude}/invocations`, {
      messages: [{ role: "user", content: other }],
      max_tokens: 64,
    });
    const second = await recordedMessage(other);
    expect(second?.body).toEqual({
      model: "claude-stand-in",
      messages: [{ role: "user", content: other }],
      max_tokens: 64,
    });
  });

  it("maps max_tokens as Anthropic's stop reason to finish_reason length", async () => {
    const short = await claudeEndpoint(goodSecret, "short");
    const answer = await post(`/endpoints/${short}/invocations`, {
      messages: [{ role: "user", content: "x" }],
    });
    expect(answer.body.choices[0].finish_reason).toBe("length");
  });

  it("streams Anthropic's events as llm/v1 chunks on OpenAI's path, ending with [DONE]", async () => {
    const streamed = await post("/v1/chat/completions", {
      model: claude,
      stream: true,
      messages: [{ role: "user", content: "hello world" }],
    });
    expect(streamed.status).toBe(200);
    expect(streamed.headers.get("Content-Type")).toBe("text/event-stream");
    const chunks = events(streamed.text);
    expect(chunks.at(-1)).toBe("[DONE]");
    const body = chunks.filter((c) => c !== "[DONE]");
    expect(body.every((c) => c.object === "chat.completion.chunk")).toBe(true);
    expect(body[0]).toMatchObject({
      id: "msg_stand_in",
      model: "claude-stand-in",
      choices: [{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }],
    });
    expect(body.map((c) => c.choices[0]?.delta.content ?? "").join("")).toBe("echo: hello world");
    expect(body.at(-1).choices[0]).toMatchObject({ finish_reason: "stop", delta: { content: null } });
    // message_start, three text deltas, message_delta: nothing for ping, block start/stop, message_stop.
    expect(body).toHaveLength(5);
    const marker = unique("streamed");
    await post("/v1/chat/completions", {
      model: claude,
      stream: true,
      messages: [{ role: "user", content: marker }],
    });
    expect((await recordedMessage(marker))?.body.stream).toBe(true);
  });

  it("ends a stream that fails with an error event", async () => {
    const failing = await claudeEndpoint(goodSecret, "error-stream");
    const streamed = await post(`/gateway/${failing}/mlflow/invocations`, {
      stream: true,
      messages: [{ role: "user", content: "one two three" }],
    });
    const chunks = events(streamed.text);
    expect(chunks.at(-1)).toMatchObject({ error: { error_code: "TEMPORARILY_UNAVAILABLE" } });
    expect(chunks).not.toContain("[DONE]");
  });

  it("answers 501 for completions and 400 for n other than 1", async () => {
    const completions = await post(`/endpoints/${claude}/invocations`, { prompt: "once upon" });
    expect(completions.status).toBe(501);
    expect(completions.body.message).toContain("not implemented for anthropic");
    const many = await post(`/endpoints/${claude}/invocations`, {
      messages: [{ role: "user", content: "x" }],
      n: 2,
    });
    expect(many.status).toBe(400);
    expect(many.body).toMatchObject({
      error_code: "INVALID_PARAMETER_VALUE",
      message: "Anthropic models answer one choice (n must be 1).",
    });
  });

  it("answers 502 for a wrong key or a provider 5xx, without the key in the answer", async () => {
    const wrongKey = "sk-wrong-5432109876yy";
    const refused = await post(
      `/endpoints/${await claudeEndpoint(await anthropicSecret(wrongKey), "claude-stand-in")}/invocations`,
      {
        messages: [{ role: "user", content: "x" }],
      },
    );
    expect(refused.status).toBe(502);
    expect(refused.body.message).toContain("answered 401: invalid x-api-key");
    expect(refused.text).not.toContain("5432109876");
    const failing = await post(`/endpoints/${await claudeEndpoint(goodSecret, "fail-500")}/invocations`, {
      messages: [{ role: "user", content: "x" }],
    });
    expect(failing.status).toBe(502);
    expect(failing.body.message).toContain("answered 500: Internal server error");
  });
});

describe("anthropic mapping", () => {
  const anthropic = PROVIDERS.anthropic;
  if (!anthropic) throw new Error("no anthropic provider");
  const target = {
    provider: "anthropic",
    modelName: "claude-x",
    secret: { anthropic_api_key: "sk-ant-other" },
    authConfig: { anthropic_version: "2024-01-01" },
  };

  it("defaults to Anthropic's API, and takes the key and version from the secret and auth_config", () => {
    const call = anthropic.request(
      "llm/v1/chat",
      { messages: [{ role: "user", content: "x" }] },
      target,
      false,
    );
    expect(call.url).toBe("https://api.anthropic.com/v1/messages");
    expect(call.headers).toEqual({
      "x-api-key": "sk-ant-other",
      "anthropic-version": "2024-01-01",
      "content-type": "application/json",
    });
    const trimmed = anthropic.request(
      "llm/v1/chat",
      { messages: [{ role: "user", content: "x" }], stop: "END" },
      { ...target, authConfig: { api_base: "https://proxy.example/v1//" } },
      true,
    );
    expect(trimmed.url).toBe("https://proxy.example/v1/messages");
    expect(trimmed.body).toMatchObject({ stream: true, stop_sequences: ["END"] });
  });

  it("joins an answer's text blocks into one choice", () => {
    const answer = anthropic.response(
      "llm/v1/chat",
      {
        id: "msg_1",
        model: "claude-x",
        content: [
          { type: "text", text: "one " },
          { type: "tool_use", id: "t", name: "f", input: {} },
          { type: "text", text: "two" },
        ],
        stop_reason: "end_turn",
        usage: { input_tokens: 2, output_tokens: 3 },
      },
      target,
    );
    expect(answer.choices).toEqual([
      { index: 0, message: { role: "assistant", content: "one two" }, finish_reason: "stop" },
    ]);
    expect(answer.usage).toEqual({ prompt_tokens: 2, completion_tokens: 3, total_tokens: 5 });
  });

  it("throws on an error event and emits nothing for bookkeeping events", () => {
    for (const type of ["ping", "content_block_start", "content_block_stop", "message_stop"])
      expect(anthropic.chunk("llm/v1/chat", { type }, target)).toEqual([]);
    expect(() =>
      anthropic.chunk(
        "llm/v1/chat",
        { type: "error", error: { type: "overloaded_error", message: "Overloaded" } },
        target,
      ),
    ).toThrow("Overloaded");
    expect(anthropic.errorMessage({ type: "error", error: { message: "bad" } })).toBe("bad");
    expect(anthropic.errorMessage("nope")).toBeUndefined();
  });
});
