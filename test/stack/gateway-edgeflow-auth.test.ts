import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStack, registerChampion, type StackWorld } from "./harness";

/**
 * The AI gateway's `edgeflow` provider with auth ON, on the whole local stack: the tracking worker
 * forwards the caller's Authorization through the INFERENCE service binding and the inference
 * worker checks READ on the registered model, so an endpoint never lends a model to someone who
 * could not call it directly. Invoking also needs USE on the endpoint (checked by the gateway
 * itself), and nothing is answered without credentials.
 */

const ADMIN = { username: "admin", password: "the admin's long password" };
/** USE on the endpoint; READ on the model only later. */
const BOB = { username: "bob", password: "bob's long password" };
/** READ on the model; nothing on the endpoint. */
const CAROL = { username: "carol", password: "carol's long password" };
type User = typeof ADMIN;

const MODEL = "gateway-auth-stories";
const ENDPOINT = "stories-auth";
const MESSAGES = [{ role: "user", content: "Once upon a time" }];

let world: StackWorld;
let tracking: string;
let inference: string;

// biome-ignore lint/suspicious/noExplicitAny: answers are read field by field, as a client would.
type Body = Record<string, any>;
interface Answer {
  status: number;
  headers: Headers;
  text: string;
  body: Body;
}

const basic = (user: User) => `Basic ${Buffer.from(`${user.username}:${user.password}`).toString("base64")}`;

async function call(method: string, url: string, user: User | null, body?: unknown): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (user) headers.Authorization = basic(user);
  const response = await fetch(url, {
    method,
    headers,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    text,
    body: text.startsWith("{") ? JSON.parse(text) : {},
  };
}

const post = (url: string, user: User | null, body: unknown) => call("POST", url, user, body);

/** An endpoint invocation at MLflow 3.x's path. */
const invoke = (user: User | null, extra: Body = {}) =>
  post(`${tracking}/gateway/${ENDPOINT}/mlflow/invocations`, user, {
    messages: MESSAGES,
    max_tokens: 12,
    ...extra,
  });

/** The same chat straight from the inference worker, as the caller could (or could not) make it. */
const direct = (user: User | null) =>
  post(`${inference}/models/${MODEL}@champion/v1/chat/completions`, user, {
    messages: MESSAGES,
    max_tokens: 12,
  });

/** The text a chat stream's events carry, put together. */
const streamedText = (stream: string) =>
  stream
    .split("\n\n")
    .filter((event) => event.startsWith("data: {"))
    .map((event) => JSON.parse(event.slice(6)).choices?.[0]?.delta?.content ?? "")
    .join("");

/** The gateway's answer when the inference worker refuses the caller READ on the model. */
const refusedUpstream = (username: string) => ({
  error_code: "TEMPORARILY_UNAVAILABLE",
  message: `Provider edgeflow (${MODEL}@champion) answered 403: Permission denied: user '${username}' needs READ on registered model '${MODEL}'.`,
});

beforeAll(async () => {
  world = await openStack({
    environment: {
      EDGEFLOW_AUTH: "on",
      EDGEFLOW_ADMIN_USERNAME: ADMIN.username,
      EDGEFLOW_ADMIN_PASSWORD: ADMIN.password,
      EDGEFLOW_DEFAULT_PERMISSION: "NO_PERMISSIONS",
    },
    cliEnv: { MLFLOW_TRACKING_USERNAME: ADMIN.username, MLFLOW_TRACKING_PASSWORD: ADMIN.password },
  });
  tracking = world.stack.tracking.url;
  inference = world.stack.inference.url;
  expect(world.stack.authSummary).toMatch(/^ON/);

  // The admin logs and registers the model, as gateway-edgeflow.test.ts does with auth off.
  const logged = await registerChampion(world, "stories260K", MODEL);
  expect(logged.stderr).toBe("");
  expect(logged.status).toBe(0);

  for (const user of [BOB, CAROL]) {
    const created = await post(`${tracking}/api/2.0/mlflow/users/create`, ADMIN, user);
    expect(created.status, created.text).toBe(200);
  }

  // Secret, model definition and endpoint, made by the admin.
  const store = `${tracking}/api/3.0/mlflow/gateway`;
  const secret = await post(`${store}/secrets/create`, ADMIN, {
    secret_name: `${ENDPOINT}-none`,
    secret_value: { api_key: "unused" },
    provider: "edgeflow",
  });
  expect(secret.status, secret.text).toBe(200);
  const definition = await post(`${store}/model-definitions/create`, ADMIN, {
    name: `${ENDPOINT}-model`,
    secret_id: secret.body.secret.secret_id,
    provider: "edgeflow",
    model_name: `${MODEL}@champion`,
  });
  expect(definition.status, definition.text).toBe(200);
  // Usage tracking on (the default): each call's trace is written (waitUntil) while the next
  // request's permission reads run in the inference worker. Both workers share one workerd and one
  // D1 (infra/local/stack-runtime.ts); in two processes such reads failed SQLITE_BUSY (a 500).
  const endpoint = await post(`${store}/endpoints/create`, ADMIN, {
    name: ENDPOINT,
    model_configs: [
      { model_definition_id: definition.body.model_definition.model_definition_id, linkage_type: "PRIMARY" },
    ],
  });
  expect(endpoint.status, endpoint.text).toBe(200);

  // Bob may use the endpoint; Carol may read the model.
  const use = await post(`${store}/endpoints/permissions/create`, ADMIN, {
    endpoint_id: endpoint.body.endpoint.endpoint_id,
    username: BOB.username,
    permission: "USE",
  });
  expect(use.status, use.text).toBe(200);
  expect(use.body.gateway_endpoint_permission.permission).toBe("USE");
  const read = await post(`${tracking}/api/2.0/mlflow/registered-models/permissions/create`, ADMIN, {
    name: MODEL,
    username: CAROL.username,
    permission: "READ",
  });
  expect(read.status, read.text).toBe(200);
}, 240_000);

afterAll(async () => {
  await world?.close();
});

describe("the edgeflow provider with auth on", () => {
  it("serves the admin, who may read the model, what the inference worker answers", async () => {
    const straight = await direct(ADMIN);
    expect(straight.status, straight.text).toBe(200);
    const viaGateway = await invoke(ADMIN);
    expect(viaGateway.status, viaGateway.text).toBe(200);
    expect(viaGateway.body.choices[0].message.content.length).toBeGreaterThan(0);
    expect(viaGateway.body.choices[0].message.content).toBe(straight.body.choices[0].message.content);
  }, 60_000);

  it("does not lend the model to a user with USE on the endpoint but no READ on the model", async () => {
    // Bob could not call the model directly...
    const straight = await direct(BOB);
    expect(straight.status, straight.text).toBe(403);
    expect(straight.body).toEqual({
      error_code: "PERMISSION_DENIED",
      message: `Permission denied: user '${BOB.username}' needs READ on registered model '${MODEL}'.`,
    });

    // ...so the endpoint does not call it for him: the inference worker's 403 is an upstream
    // failure (502), naming the permission he lacks, with nothing of the model's answer.
    const viaGateway = await invoke(BOB);
    expect(viaGateway.status, viaGateway.text).toBe(502);
    expect(viaGateway.body).toEqual(refusedUpstream(BOB.username));
    expect(viaGateway.headers.get("X-Edgeflow-Gateway-Model")).toBeNull();

    // The same through OpenAI's path (the endpoint named by `model`) and as a stream: the refusal
    // comes before any event, so no stream starts.
    const openai = await post(`${tracking}/v1/chat/completions`, BOB, {
      model: ENDPOINT,
      messages: MESSAGES,
      max_tokens: 12,
    });
    expect(openai.status, openai.text).toBe(502);
    expect(openai.body).toEqual(refusedUpstream(BOB.username));
    const stream = await invoke(BOB, { stream: true });
    expect(stream.status, stream.text).toBe(502);
    expect(stream.headers.get("Content-Type")).not.toMatch(/event-stream/);
    expect(stream.body).toEqual(refusedUpstream(BOB.username));
  }, 60_000);

  it("refuses, in the gateway itself, a user with READ on the model but no USE on the endpoint", async () => {
    // Carol may call the model directly...
    const straight = await direct(CAROL);
    expect(straight.status, straight.text).toBe(200);
    expect(straight.body.choices[0].message.content.length).toBeGreaterThan(0);

    // ...but not through an endpoint she was not given.
    const viaGateway = await invoke(CAROL);
    expect(viaGateway.status, viaGateway.text).toBe(403);
    expect(viaGateway.body).toEqual({
      error_code: "PERMISSION_DENIED",
      message: `Permission denied: user '${CAROL.username}' needs USE on gateway endpoint '${ENDPOINT}'.`,
    });
    const openai = await post(`${tracking}/v1/chat/completions`, CAROL, {
      model: ENDPOINT,
      messages: MESSAGES,
      max_tokens: 12,
    });
    expect(openai.status, openai.text).toBe(403);
    expect(openai.body.error_code).toBe("PERMISSION_DENIED");
  }, 60_000);

  it("answers nothing without credentials, or with wrong ones", async () => {
    for (const user of [null, { username: BOB.username, password: "not bob's password" }]) {
      const viaGateway = await invoke(user);
      expect(viaGateway.status, viaGateway.text).toBe(401);
      expect(viaGateway.body.error_code).toBe("UNAUTHENTICATED");
      expect(viaGateway.body.choices).toBeUndefined();
      expect(viaGateway.headers.get("WWW-Authenticate")).toBe('Basic realm="mlflow"');
    }
  }, 60_000);

  // Last: it gives Bob READ, which the refusals above rely on him not having.
  it("serves the same user once they are given READ on the model", async () => {
    const granted = await post(`${tracking}/api/2.0/mlflow/registered-models/permissions/create`, ADMIN, {
      name: MODEL,
      username: BOB.username,
      permission: "READ",
    });
    expect(granted.status, granted.text).toBe(200);

    const straight = await direct(BOB);
    expect(straight.status, straight.text).toBe(200);
    const viaGateway = await invoke(BOB);
    expect(viaGateway.status, viaGateway.text).toBe(200);
    expect(viaGateway.headers.get("X-Edgeflow-Gateway-Model")).toBe(`${ENDPOINT}-model`);
    const text = viaGateway.body.choices[0].message.content;
    expect(text.length).toBeGreaterThan(0);
    expect(text).toBe(straight.body.choices[0].message.content);

    const streamedDirect = await post(`${inference}/models/${MODEL}@champion/v1/chat/completions`, BOB, {
      messages: MESSAGES,
      max_tokens: 12,
      stream: true,
    });
    expect(streamedDirect.status).toBe(200);
    const stream = await invoke(BOB, { stream: true });
    expect(stream.status).toBe(200);
    expect(stream.headers.get("Content-Type")).toMatch(/^text\/event-stream/);
    expect(streamedText(stream.text).length).toBeGreaterThan(0);
    expect(streamedText(stream.text)).toBe(streamedText(streamedDirect.text));
  }, 60_000);
});
