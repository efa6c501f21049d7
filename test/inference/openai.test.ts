import { SELF } from "cloudflare:test";
import OpenAI from "openai";
import { beforeAll, describe, expect, it } from "vitest";
import { BASE, invoke, registerModel, setAlias } from "./helpers";

let stories: string;
let features: string;
let client: OpenAI;
beforeAll(async () => {
  [stories, features] = await Promise.all([registerModel(["stories"]), registerModel(["sst2-features"])]);
  await setAlias(stories, "prod", 1);
  await setAlias(features, "prod", 1);
  client = new OpenAI({
    baseURL: `${BASE}/v1`,
    apiKey: "unused",
    fetch: (input, init) => SELF.fetch(input as string, init as RequestInit),
    maxRetries: 0,
  });
});

const CONTINUATION = ", there was a little girl named Lily.";

describe("OpenAI-style llm/v1 through the openai client", () => {
  it("completes a prompt with usage counts", async () => {
    const completion = await client.completions.create({
      model: `${stories}@prod`,
      prompt: "Once upon a time",
      max_tokens: 12,
      temperature: 0,
    });
    expect(completion.choices[0]?.text.startsWith(CONTINUATION)).toBe(true);
    expect(completion.choices[0]?.finish_reason).toBe("length");
    expect(completion.usage).toMatchObject({ completion_tokens: 12 });
    expect(completion.usage?.prompt_tokens).toBeGreaterThan(0);
  });

  it("cuts at stop sequences", async () => {
    const completion = await client.completions.create({
      model: `${stories}@prod`,
      prompt: "Once upon a time",
      max_tokens: 30,
      stop: ["Lily"],
    });
    expect(completion.choices[0]?.text).toBe(", there was a little girl named ");
    expect(completion.choices[0]?.finish_reason).toBe("stop");
  });

  it("answers a chat, streamed and not, with n choices", async () => {
    const messages = [{ role: "user" as const, content: "Tell me a story." }];
    const chat = await client.chat.completions.create({
      model: `${stories}@prod`,
      messages,
      max_tokens: 8,
      n: 2,
    });
    expect(chat.object).toBe("chat.completion");
    expect(chat.choices).toHaveLength(2);
    expect(chat.choices[0]?.message.role).toBe("assistant");
    expect(chat.choices[0]?.message.content).toBe(chat.choices[1]?.message.content);
    expect(chat.usage?.completion_tokens).toBeGreaterThan(0);

    const stream = await client.chat.completions.create({
      model: `${stories}@prod`,
      messages,
      max_tokens: 8,
      stream: true,
    });
    let text = "";
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? "";
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(text).toBe(chat.choices[0]?.message.content);
    expect(finish).toBe("length");
  });

  it("embeds texts", async () => {
    const result = await client.embeddings.create({
      model: `${features}@prod`,
      input: ["I love this", "I hate this"],
    });
    expect(result.data).toHaveLength(2);
    expect(result.data[0]?.embedding).toHaveLength(64);
    expect(result.usage.prompt_tokens).toBeGreaterThan(0);
  });

  it("serves the same endpoints under /models/<ref>/v1 and the unified input on /invocations", async () => {
    const perModel = await invoke(`/models/${stories}/1/v1/completions`, {
      prompt: "Once upon a time",
      max_tokens: 5,
    });
    expect(perModel.status).toBe(200);
    expect(perModel.body.object).toBe("text_completion");
    const unified = await invoke(`/models/${stories}/1/invocations`, {
      prompt: "Once upon a time",
      max_tokens: 5,
    });
    expect(unified.status).toBe(200);
    expect((unified.body.choices as { text: string }[])[0]?.text).toBe(
      (perModel.body.choices as { text: string }[])[0]?.text,
    );
  });

  it("refuses the wrong task and bad settings", async () => {
    const wrong = await invoke("/v1/embeddings", { model: `${stories}@prod`, input: "x" });
    expect(wrong.status).toBe(400);
    expect(String(wrong.body.message)).toContain("feature-extraction");
    const bad = await invoke("/v1/completions", { model: `${stories}@prod`, prompt: "x", temperature: 5 });
    expect(bad.status).toBe(400);
    const noModel = await invoke("/v1/completions", { prompt: "x" });
    expect(noModel.status).toBe(400);
  });
});
