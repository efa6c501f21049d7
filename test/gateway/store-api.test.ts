import { env, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";

/** MLflow 3's gateway store API, as the 3.11 client's RestStore calls it (GET: query; DELETE: JSON body). */
const BASE = "http://127.0.0.1:5000/api/3.0/mlflow/gateway";

// biome-ignore lint/suspicious/noExplicitAny: the answers are read field by field, as a client would.
type Body = Record<string, any>;

async function call(method: string, path: string, body?: Body): Promise<{ status: number; body: Body }> {
  const url = new URL(`${BASE}/${path}`);
  if (method === "GET" && body) for (const [k, v] of Object.entries(body)) url.searchParams.set(k, String(v));
  const response = await SELF.fetch(url, {
    method,
    headers: { "Content-Type": "application/json" },
    body: method === "GET" ? undefined : JSON.stringify(body ?? {}),
  });
  return { status: response.status, body: (await response.json()) as Body };
}

let counter = 0;
const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${counter++}`;

async function newSecret(value = "sk-test-abcdefghijklmnop") {
  const { status, body } = await call("POST", "secrets/create", {
    secret_name: unique("key"),
    secret_value: { api_key: value },
    provider: "openai",
    auth_config: { api_base: "https://api.example.test/v1" },
  });
  expect(status).toBe(200);
  return body.secret;
}

async function newDefinition(secretId: string, model = "gpt-4o-mini") {
  const { status, body } = await call("POST", "model-definitions/create", {
    name: unique("def"),
    secret_id: secretId,
    provider: "openai",
    model_name: model,
  });
  expect(status).toBe(200);
  return body.model_definition;
}

describe("gateway secrets", () => {
  it("stores a value encrypted and only ever answers its mask", async () => {
    const secret = await newSecret("sk-live-0123456789wxyz");
    expect(secret.secret_id).toMatch(/^s-[0-9a-f]{32}$/);
    expect(secret.masked_values).toEqual({ api_key: "sk-...wxyz" });
    expect(JSON.stringify(secret)).not.toContain("0123456789");
    expect(secret.auth_config).toEqual({ api_base: "https://api.example.test/v1" });

    const row = await env.DB.prepare("SELECT encrypted_value FROM gateway_secrets WHERE secret_id = ?")
      .bind(secret.secret_id)
      .first<{ encrypted_value: string }>();
    expect(row?.encrypted_value).not.toContain("sk-live");

    const got = await call("GET", "secrets/get", { secret_id: secret.secret_id });
    expect(got.body.secret).toEqual(secret);
    const listed = await call("GET", "secrets/list", { provider: "openai" });
    expect(listed.body.secrets.map((s: Body) => s.secret_id)).toContain(secret.secret_id);
    expect(JSON.stringify(listed.body)).not.toContain("0123456789");
  });

  it("refuses a duplicate name, a missing name and an unknown id as MLflow does", async () => {
    const secret = await newSecret();
    const again = await call("POST", "secrets/create", {
      secret_name: secret.secret_name,
      secret_value: { k: "v" },
    });
    expect(again).toEqual({
      status: 400,
      body: {
        error_code: "RESOURCE_ALREADY_EXISTS",
        message: `Secret with name '${secret.secret_name}' already exists`,
      },
    });
    const nameless = await call("POST", "secrets/create", { secret_value: { k: "v" } });
    expect(nameless.status).toBe(400);
    expect(nameless.body.error_code).toBe("INVALID_PARAMETER_VALUE");
    expect(nameless.body.message).toContain("'secret_name'");
    const unknown = await call("GET", "secrets/get", { secret_id: "s-nope" });
    expect(unknown).toEqual({
      status: 404,
      body: {
        error_code: "RESOURCE_DOES_NOT_EXIST",
        message: "GatewaySecret not found (secret_id='s-nope')",
      },
    });
  });

  it("changes the value on update (the mask follows) and keeps it when the update sends none", async () => {
    const secret = await newSecret("sk-first-value-1111");
    const updated = await call("POST", "secrets/update", {
      secret_id: secret.secret_id,
      secret_value: { api_key: "sk-second-value-2222" },
    });
    expect(updated.body.secret.masked_values).toEqual({ api_key: "sk-...2222" });
    const untouched = await call("POST", "secrets/update", { secret_id: secret.secret_id, secret_value: {} });
    expect(untouched.body.secret.masked_values).toEqual({ api_key: "sk-...2222" });
  });

  it("leaves model definitions in place, without a secret, when their secret is deleted", async () => {
    const secret = await newSecret();
    const definition = await newDefinition(secret.secret_id);
    expect(definition.secret_name).toBe(secret.secret_name);
    expect((await call("DELETE", "secrets/delete", { secret_id: secret.secret_id })).status).toBe(200);
    const after = await call("GET", "model-definitions/get", {
      model_definition_id: definition.model_definition_id,
    });
    expect(after.status).toBe(200);
    expect(after.body.model_definition.secret_id).toBeUndefined();
    expect((await call("DELETE", "secrets/delete", { secret_id: secret.secret_id })).status).toBe(404);
  });
});

describe("gateway model definitions", () => {
  it("needs an existing secret and a unique name", async () => {
    const unknownSecret = await call("POST", "model-definitions/create", {
      name: unique("def"),
      secret_id: "s-missing",
      provider: "openai",
      model_name: "gpt-4o",
    });
    expect(unknownSecret.status).toBe(404);
    const secret = await newSecret();
    const definition = await newDefinition(secret.secret_id);
    const duplicate = await call("POST", "model-definitions/create", {
      name: definition.name,
      secret_id: secret.secret_id,
      provider: "openai",
      model_name: "gpt-4o",
    });
    expect(duplicate.body).toEqual({
      error_code: "RESOURCE_ALREADY_EXISTS",
      message: `Model definition with name '${definition.name}' already exists`,
    });
    const renamed = await call("POST", "model-definitions/update", {
      model_definition_id: definition.model_definition_id,
      model_name: "gpt-4.1",
    });
    expect(renamed.body.model_definition).toMatchObject({ name: definition.name, model_name: "gpt-4.1" });
    const listed = await call("GET", "model-definitions/list", { secret_id: secret.secret_id });
    expect(listed.body.model_definitions.map((d: Body) => d.model_name)).toEqual(["gpt-4.1"]);
  });
});

describe("gateway endpoints", () => {
  it("creates an endpoint with its models in one write and answers it by id or name", async () => {
    const secret = await newSecret();
    const primary = await newDefinition(secret.secret_id, "gpt-4o");
    const backup = await newDefinition(secret.secret_id, "gpt-4o-mini");
    const name = unique("chat");
    const created = await call("POST", "endpoints/create", {
      name,
      model_configs: [
        { model_definition_id: primary.model_definition_id, linkage_type: "PRIMARY", weight: 1 },
        { model_definition_id: backup.model_definition_id, linkage_type: "FALLBACK", fallback_order: 1 },
      ],
      fallback_config: { strategy: "SEQUENTIAL", max_attempts: 1 },
    });
    expect(created.status).toBe(200);
    const endpoint = created.body.endpoint;
    expect(endpoint.endpoint_id).toMatch(/^e-[0-9a-f]{32}$/);
    // Usage tracking is on unless turned off, into a `gateway/<name>` experiment (MLflow 3.11).
    expect(endpoint).toMatchObject({
      name,
      usage_tracking: true,
      created_by: "",
      fallback_config: { strategy: "SEQUENTIAL", max_attempts: 1 },
    });
    const experiment = await SELF.fetch(
      `http://127.0.0.1:5000/api/2.0/mlflow/experiments/get?experiment_id=${endpoint.experiment_id}`,
    ).then((r) => r.json() as Promise<Body>);
    expect(experiment.experiment.name).toBe(`gateway/${name}`);
    expect(experiment.experiment.tags).toEqual(
      expect.arrayContaining([
        { key: "mlflow.experiment.sourceType", value: "GATEWAY" },
        { key: "mlflow.experiment.sourceId", value: endpoint.endpoint_id },
        { key: "mlflow.experiment.isGateway", value: "true" },
      ]),
    );
    expect(endpoint.model_mappings).toHaveLength(2);
    expect(endpoint.model_mappings[0]).toMatchObject({
      model_definition_id: primary.model_definition_id,
      linkage_type: "PRIMARY",
      weight: 1,
      model_definition: { model_name: "gpt-4o", secret_name: secret.secret_name },
    });
    expect(endpoint.model_mappings[1]).toMatchObject({ linkage_type: "FALLBACK", fallback_order: 1 });
    expect((await call("GET", "endpoints/get", { name })).body.endpoint).toEqual(endpoint);
    expect((await call("GET", "endpoints/get", { endpoint_id: endpoint.endpoint_id })).body.endpoint).toEqual(
      endpoint,
    );
    const listed = await call("GET", "endpoints/list");
    expect(listed.body.endpoints.map((e: Body) => e.name)).toContain(name);
    expect(JSON.stringify(listed.body)).not.toContain("abcdefghijklmnop");
  });

  it("refuses bad names, no models, unknown models and a duplicate name, writing nothing", async () => {
    const secret = await newSecret();
    const definition = await newDefinition(secret.secret_id);
    const configs = [{ model_definition_id: definition.model_definition_id, linkage_type: "PRIMARY" }];
    const badName = await call("POST", "endpoints/create", { name: "no spaces", model_configs: configs });
    expect(badName.status).toBe(400);
    expect(badName.body.message).toContain("Invalid endpoint name 'no spaces'");
    const empty = await call("POST", "endpoints/create", { name: unique("e"), model_configs: [] });
    expect(empty.body).toEqual({
      error_code: "INVALID_PARAMETER_VALUE",
      message: "Endpoint must have at least one model configuration",
    });
    const name = unique("e");
    const unknown = await call("POST", "endpoints/create", {
      name,
      model_configs: [{ model_definition_id: "d-missing", linkage_type: "PRIMARY" }],
    });
    expect(unknown).toEqual({
      status: 404,
      body: { error_code: "RESOURCE_DOES_NOT_EXIST", message: "Model definitions not found: d-missing" },
    });
    expect((await call("GET", "endpoints/get", { name })).status).toBe(404);
    expect((await call("POST", "endpoints/create", { name, model_configs: configs })).status).toBe(200);
    const duplicate = await call("POST", "endpoints/create", { name, model_configs: configs });
    expect(duplicate.status).toBe(400);
    expect(duplicate.body.error_code).toBe("RESOURCE_ALREADY_EXISTS");
    const neither = await call("GET", "endpoints/get");
    expect(neither.body.message).toBe("Exactly one of endpoint_id or name must be provided");
  });

  it("attaches, detaches, tags, replaces models and cascades on delete", async () => {
    const secret = await newSecret();
    const a = await newDefinition(secret.secret_id, "model-a");
    const b = await newDefinition(secret.secret_id, "model-b");
    const { body } = await call("POST", "endpoints/create", {
      name: unique("e"),
      model_configs: [{ model_definition_id: a.model_definition_id, linkage_type: "PRIMARY" }],
    });
    const id = body.endpoint.endpoint_id;
    const attached = await call("POST", "endpoints/models/attach", {
      endpoint_id: id,
      model_config: { model_definition_id: b.model_definition_id, linkage_type: "PRIMARY", weight: 0.5 },
    });
    expect(attached.body.mapping).toMatchObject({ model_definition_id: b.model_definition_id, weight: 0.5 });
    const twice = await call("POST", "endpoints/models/attach", {
      endpoint_id: id,
      model_config: { model_definition_id: b.model_definition_id, linkage_type: "PRIMARY" },
    });
    expect(twice.body.error_code).toBe("RESOURCE_ALREADY_EXISTS");

    const inUse = await call("DELETE", "model-definitions/delete", {
      model_definition_id: b.model_definition_id,
    });
    expect(inUse.status).toBe(500);
    expect(inUse.body.error_code).toBe("INVALID_STATE");

    expect(
      (await call("POST", "endpoints/set-tag", { endpoint_id: id, key: "team", value: "nlp" })).status,
    ).toBe(200);
    await call("POST", "endpoints/set-tag", { endpoint_id: id, key: "team", value: "search" });
    let got = (await call("GET", "endpoints/get", { endpoint_id: id })).body.endpoint;
    expect(got.tags).toEqual([{ key: "team", value: "search" }]);
    await call("DELETE", "endpoints/delete-tag", { endpoint_id: id, key: "team" });
    await call("DELETE", "endpoints/delete-tag", { endpoint_id: id, key: "never-set" });

    const detached = await call("POST", "endpoints/models/detach", {
      endpoint_id: id,
      model_definition_id: b.model_definition_id,
    });
    expect(detached.status).toBe(200);
    const notAttached = await call("POST", "endpoints/models/detach", {
      endpoint_id: id,
      model_definition_id: b.model_definition_id,
    });
    expect(notAttached.status).toBe(404);

    const replaced = await call("POST", "endpoints/update", {
      endpoint_id: id,
      model_configs: [{ model_definition_id: b.model_definition_id, linkage_type: "PRIMARY" }],
      routing_strategy: "REQUEST_BASED_TRAFFIC_SPLIT",
    });
    got = replaced.body.endpoint;
    expect(got.model_mappings.map((m: Body) => m.model_definition_id)).toEqual([b.model_definition_id]);
    expect(got.routing_strategy).toBe("REQUEST_BASED_TRAFFIC_SPLIT");
    expect(got.tags).toBeUndefined();

    expect((await call("DELETE", "endpoints/delete", { endpoint_id: id })).status).toBe(200);
    expect((await call("GET", "endpoints/get", { endpoint_id: id })).status).toBe(404);
    const free = await call("DELETE", "model-definitions/delete", {
      model_definition_id: b.model_definition_id,
    });
    expect(free.status).toBe(200);
  });
});
