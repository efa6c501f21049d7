import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStack, registerChampion, type StackWorld } from "./harness";

/**
 * The AI gateway's `edgeflow` provider on the whole local stack: a gateway endpoint over a model
 * registered here (stories260K) calls the inference worker through the tracking worker's
 * INFERENCE service binding (both workers in one workerd, infra/local/stack-runtime.ts),
 * and answers what the inference worker itself answers, as llm/v1 chat, completions and a stream.
 */

let world: StackWorld;
const MODEL = "gateway-stories";
beforeAll(async () => {
  world = await openStack();
  const logged = await registerChampion(world, "stories260K", MODEL);
  expect(logged.stderr).toBe("");
});
afterAll(async () => {
  await world?.close();
});

// biome-ignore lint/suspicious/noExplicitAny: answers are read field by field, as a client would.
type Body = Record<string, any>;

async function post(url: string, body: unknown): Promise<{ status: number; body: Body; text: string }> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, text, body: text.startsWith("{") ? JSON.parse(text) : {} };
}

async function gatewayEndpoint(modelName: string): Promise<string> {
  const store = `${world.stack.tracking.url}/api/3.0/mlflow/gateway`;
  const name = `ep-${crypto.randomUUID().slice(0, 8)}`;
  // Edgeflow's own models need no key; a model definition still names a secret, as in MLflow.
  const secret = await post(`${store}/secrets/create`, {
    secret_name: `${name}-none`,
    secret_value: { api_key: "unused" },
    provider: "edgeflow",
  });
  const definition = await post(`${store}/model-definitions/create`, {
    name: `${name}-model`,
    secret_id: secret.body.secret.secret_id,
    provider: "edgeflow",
    model_name: modelName,
  });
  const created = await post(`${store}/endpoints/create`, {
    name,
    model_configs: [
      { model_definition_id: definition.body.model_definition.model_definition_id, linkage_type: "PRIMARY" },
    ],
  });
  expect(created.status).toBe(200);
  return name;
}

describe("the edgeflow provider", () => {
  it("serves a registered model through the service binding, as the inference worker answers it", async () => {
    const name = await gatewayEndpoint(`${MODEL}@champion`);
    const messages = [{ role: "user", content: "Once upon a time" }];
    const direct = await post(`${world.stack.inference.url}/models/${MODEL}@champion/v1/chat/completions`, {
      messages,
      max_tokens: 12,
    });
    expect(direct.status).toBe(200);
    const viaGateway = await post(`${world.stack.tracking.url}/gateway/${name}/mlflow/invocations`, {
      messages,
      max_tokens: 12,
    });
    expect(viaGateway.status, viaGateway.text).toBe(200);
    expect(viaGateway.body.choices[0].message.content).toBe(direct.body.choices[0].message.content);
    expect(viaGateway.body.choices[0].message.content.length).toBeGreaterThan(0);
    expect(viaGateway.body.usage.total_tokens).toBeGreaterThan(0);

    const completion = await post(`${world.stack.tracking.url}/v1/completions`, {
      model: name,
      prompt: "Once upon a time",
      max_tokens: 8,
    });
    expect(completion.status).toBe(200);
    expect(completion.body.choices[0].text.length).toBeGreaterThan(0);

    const request = { messages, max_tokens: 12, stream: true };
    const streamedDirect = await post(
      `${world.stack.inference.url}/models/${MODEL}@champion/v1/chat/completions`,
      request,
    );
    const streamed = await post(`${world.stack.tracking.url}/gateway/${name}/mlflow/invocations`, request);
    const textOf = (stream: string) =>
      stream
        .split("\n\n")
        .filter((event) => event.startsWith("data: {"))
        .map((event) => JSON.parse(event.slice(6)).choices[0]?.delta?.content ?? "")
        .join("");
    expect(textOf(streamed.text).length).toBeGreaterThan(0);
    expect(textOf(streamed.text)).toBe(textOf(streamedDirect.text));
  }, 60_000);

  it("answers the inference worker's own error for a model that is not registered", async () => {
    const name = await gatewayEndpoint("no-such-model@champion");
    const answer = await post(`${world.stack.tracking.url}/gateway/${name}/mlflow/invocations`, {
      messages: [{ role: "user", content: "hi" }],
    });
    expect(answer.status).toBe(502);
    expect(answer.body.error_code).toBe("TEMPORARILY_UNAVAILABLE");
    expect(answer.body.message).toBe(
      "Provider edgeflow (no-such-model@champion) answered 400: Registered model alias champion not found.",
    );
  }, 30_000);
});
