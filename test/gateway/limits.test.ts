import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { type Body, definition, ORIGIN, post, primary, STORE, secret, store, unique } from "./helpers";

/** An endpoint's `limit` tag (MLflow 2.x's `limit: {calls, renewal_period}`), counted in D1. */
async function limitedEndpoint(): Promise<{ name: string; id: string }> {
  const model = await definition(await secret("sk-test-limits-000001"), "stand-in");
  const name = unique("limited");
  const { endpoint } = await store("endpoints/create", { name, model_configs: [primary(model)] });
  return { name, id: endpoint.endpoint_id };
}

describe("per-endpoint call limits", () => {
  it("answers 429 with Retry-After once the window is full, and lists the limit as MLflow 2.x does", async () => {
    const { name, id } = await limitedEndpoint();
    const tagged = await post("/api/3.0/mlflow/gateway/endpoints/set-tag", {
      endpoint_id: id,
      key: "limit",
      value: JSON.stringify({ calls: 2, renewal_period: "hour" }),
    });
    expect(tagged.status).toBe(200);
    const chat = { messages: [{ role: "user", content: "x" }] };
    expect((await post(`/endpoints/${name}/invocations`, chat)).status).toBe(200);
    expect((await post(`/endpoints/${name}/invocations`, chat)).status).toBe(200);
    const refused = await post(`/endpoints/${name}/invocations`, chat);
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
      const answer = await post("/api/3.0/mlflow/gateway/endpoints/set-tag", {
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
