import { SELF } from "cloudflare:test";
import { describe, expect, inject, it } from "vitest";

/** An endpoint's `limit` tag (MLflow 2.x's `limit: {calls, renewal_period}`), counted in D1. */
const ORIGIN = "http://127.0.0.1:5000";
const STORE = `${ORIGIN}/api/3.0/mlflow/gateway`;

// biome-ignore lint/suspicious/noExplicitAny: answers are read field by field, as a client would.
type Body = Record<string, any>;

async function send(path: string, body: unknown) {
  const response = await SELF.fetch(`${ORIGIN}${path}`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Body };
}

async function limitedEndpoint(): Promise<{ name: string; id: string }> {
  const suffix = crypto.randomUUID();
  const secret = await send("/api/3.0/mlflow/gateway/secrets/create", {
    secret_name: `limit-key-${suffix}`,
    secret_value: { api_key: "sk-test-limits-000001" },
    auth_config: { api_base: `${inject("llmServer")}/v1` },
  });
  const definition = await send("/api/3.0/mlflow/gateway/model-definitions/create", {
    name: `limit-def-${suffix}`,
    secret_id: secret.body.secret.secret_id,
    provider: "openai",
    model_name: "stand-in",
  });
  const name = `limited-${suffix}`;
  const endpoint = await send("/api/3.0/mlflow/gateway/endpoints/create", {
    name,
    model_configs: [
      { model_definition_id: definition.body.model_definition.model_definition_id, linkage_type: "PRIMARY" },
    ],
  });
  return { name, id: endpoint.body.endpoint.endpoint_id };
}

describe("per-endpoint call limits", () => {
  it("answers 429 with Retry-After once the window is full, and lists the limit as MLflow 2.x does", async () => {
    const { name, id } = await limitedEndpoint();
    const tagged = await send("/api/3.0/mlflow/gateway/endpoints/set-tag", {
      endpoint_id: id,
      key: "limit",
      value: JSON.stringify({ calls: 2, renewal_period: "hour" }),
    });
    expect(tagged.status).toBe(200);
    const chat = { messages: [{ role: "user", content: "x" }] };
    expect((await send(`/endpoints/${name}/invocations`, chat)).status).toBe(200);
    expect((await send(`/endpoints/${name}/invocations`, chat)).status).toBe(200);
    const refused = await send(`/endpoints/${name}/invocations`, chat);
    expect(refused.status).toBe(429);
    expect(refused.body).toEqual({
      error_code: "REQUEST_LIMIT_EXCEEDED",
      message: "Rate limit exceeded: 2 per 1 hour",
    });
    const retryAfter = Number(refused.headers.get("Retry-After"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(3600);
    const listed = (await (await SELF.fetch(`${ORIGIN}/api/2.0/endpoints/${name}`)).json()) as Body;
    expect(listed.limit).toEqual({ calls: 2, renewal_period: "hour", key: null });
  });

  it("refuses a limit tag that does not parse, so no call fails later", async () => {
    const { id } = await limitedEndpoint();
    for (const value of [
      "10/minute",
      '{"calls": 0, "renewal_period": "minute"}',
      '{"calls": 5, "renewal_period": "week"}',
    ]) {
      const answer = await send("/api/3.0/mlflow/gateway/endpoints/set-tag", {
        endpoint_id: id,
        key: "limit",
        value,
      });
      expect([value, answer.status]).toEqual([value, 400]);
      expect(answer.body.message).toContain("Invalid limit");
    }
    const unlimited = (await (await SELF.fetch(`${STORE}/endpoints/get?endpoint_id=${id}`)).json()) as Body;
    expect(unlimited.endpoint.tags).toBeUndefined();
  });
});
