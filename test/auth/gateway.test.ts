import { describe, expect, inject, it } from "vitest";
import { ADMIN, asAdmin, call, newUser, type Who } from "./helpers";

/**
 * The gateway with auth on: secrets and every change to the gateway need an admin; reading
 * endpoints and model definitions (which never hold a secret) and invoking need a signed-in caller.
 */
const G = "/api/3.0/mlflow/gateway";

async function setUp(): Promise<{ endpoint: string; secretId: string }> {
  const secret = await call<{ secret: { secret_id: string } }>("POST", `${G}/secrets/create`, {
    ...asAdmin,
    body: {
      secret_name: `auth-key-${crypto.randomUUID()}`,
      secret_value: { api_key: "sk-test-auth-matrix-0001" },
      auth_config: { api_base: `${inject("llmServer")}/v1` },
    },
  });
  const definition = await call<{ model_definition: { model_definition_id: string } }>(
    "POST",
    `${G}/model-definitions/create`,
    {
      ...asAdmin,
      body: {
        name: `auth-def-${crypto.randomUUID()}`,
        secret_id: secret.body.secret.secret_id,
        provider: "openai",
        model_name: "stand-in",
      },
    },
  );
  const endpoint = `auth-ep-${crypto.randomUUID()}`;
  const created = await call("POST", `${G}/endpoints/create`, {
    ...asAdmin,
    body: {
      name: endpoint,
      model_configs: [
        {
          model_definition_id: definition.body.model_definition.model_definition_id,
          linkage_type: "PRIMARY",
        },
      ],
    },
  });
  expect(created.status).toBe(200);
  return { endpoint, secretId: secret.body.secret.secret_id };
}

describe("gateway permissions", () => {
  it("walks the matrix: anonymous 401, a user reads and invokes but manages nothing, the admin does all", async () => {
    const { endpoint, secretId } = await setUp();
    const user = await newUser("gw");
    const chat = { messages: [{ role: "user", content: "hi" }] };
    const cases: {
      method: string;
      path: string;
      body?: unknown;
      query?: Record<string, string>;
      user: number;
    }[] = [
      { method: "GET", path: `${G}/endpoints/list`, user: 200 },
      { method: "GET", path: `${G}/endpoints/get`, query: { name: endpoint }, user: 200 },
      { method: "GET", path: `${G}/model-definitions/list`, user: 200 },
      { method: "GET", path: "/api/2.0/endpoints/", user: 200 },
      { method: "POST", path: `/endpoints/${endpoint}/invocations`, body: chat, user: 200 },
      { method: "POST", path: "/v1/chat/completions", body: { model: endpoint, ...chat }, user: 200 },
      { method: "GET", path: `${G}/secrets/list`, user: 403 },
      { method: "GET", path: `${G}/secrets/get`, query: { secret_id: secretId }, user: 403 },
      {
        method: "POST",
        path: `${G}/secrets/create`,
        body: { secret_name: `x-${crypto.randomUUID()}`, secret_value: { k: "v" } },
        user: 403,
      },
      {
        method: "POST",
        path: `${G}/endpoints/set-tag`,
        body: { endpoint_id: "e-x", key: "k", value: "v" },
        user: 403,
      },
    ];
    for (const c of cases) {
      const as = async (who: Who) =>
        (await call(c.method, c.path, { as: who, body: c.body, query: c.query })).status;
      expect([c.path, await as(undefined)]).toEqual([c.path, 401]);
      expect([c.path, await as(user)]).toEqual([c.path, c.user]);
      expect([c.path, await as(ADMIN)]).not.toEqual([c.path, 403]);
    }
  });
});
