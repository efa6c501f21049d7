import { SELF } from "cloudflare:test";
import { inject } from "vitest";

/**
 * What the gateway tests share: the store API and invocation calls through the worker, fresh
 * names, and readers of the loopback stand-in provider (test/setup/llm-server.ts).
 */
export const ORIGIN = "http://127.0.0.1:5000";
export const STORE = `${ORIGIN}/api/3.0/mlflow/gateway`;
export const llm = inject("llmServer");

// biome-ignore lint/suspicious/noExplicitAny: answers are read field by field, as a client would.
export type Body = Record<string, any>;

/** A store API POST that must succeed (the test's set-up). */
export async function store(path: string, body: Body): Promise<Body> {
  const response = await SELF.fetch(`${STORE}/${path}`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  const answer = (await response.json()) as Body;
  if (response.status !== 200) throw new Error(`${path}: ${JSON.stringify(answer)}`);
  return answer;
}

/** A JSON POST to the worker; the answer parsed when it is JSON, and its text either way (event streams). */
export async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await SELF.fetch(`${ORIGIN}${path}`, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let json: Body = {};
  try {
    json = JSON.parse(text);
  } catch {
    // an event stream: the caller reads `text`
  }
  return { status: response.status, headers: response.headers, body: json, text };
}

let run = 0;
export const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${run++}`;

/** A secret for the stand-in (or `apiBase`); its id. */
export async function secret(apiKey: string, options: { apiBase?: string; provider?: string } = {}) {
  const { secret } = await store("secrets/create", {
    secret_name: unique("key"),
    secret_value: { api_key: apiKey },
    provider: options.provider ?? "openai",
    auth_config: { api_base: options.apiBase ?? `${llm}/v1` },
  });
  return secret.secret_id as string;
}

/** A model definition of `model` on `provider`; its id. */
export async function definition(secretId: string, model: string, provider = "openai"): Promise<string> {
  const { model_definition } = await store("model-definitions/create", {
    name: unique(model),
    secret_id: secretId,
    provider,
    model_name: model,
  });
  return model_definition.model_definition_id;
}

export const primary = (id: string, weight = 1) => ({
  model_definition_id: id,
  linkage_type: "PRIMARY",
  weight,
});

/** An endpoint over these model configs; its name. */
export async function endpoint(configs: Body[], extra: Body = {}): Promise<string> {
  const name = unique("ep");
  await store("endpoints/create", { name, model_configs: configs, ...extra });
  return name;
}

/** The `data:` events of an event stream, parsed (and `[DONE]` kept as is). */
export const events = (text: string) =>
  text
    .split("\n\n")
    .filter((e) => e.startsWith("data: "))
    .map((e) => e.slice(6))
    .map((data) => (data === "[DONE]" ? data : JSON.parse(data)));

/**
 * The stand-in's record of the request to `path` whose last message says `marker`: found by it,
 * not by clearing the record, because test files run side by side on the one stand-in.
 */
export async function recorded(path: string, marker: string): Promise<Body | undefined> {
  const seen = (await (await fetch(`${llm}/requests`)).json()) as Body[];
  return seen.find((r) => r.path === path && r.body.messages?.at(-1)?.content === marker);
}
