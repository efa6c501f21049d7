/**
 * The AI gateway: MLflow 3's store API (/ajax-api/3.0/mlflow/gateway/...; GET reads a query,
 * DELETE a JSON body) typed by schema's endpoint table, and a chat call to an endpoint streamed
 * as server-sent events. Secrets travel in only: answers carry `masked_values`, never a value.
 */
import type {
  GatewayEndpointWire,
  GatewayModelDefinitionWire,
  GatewaySecretInfoWire,
  HttpMethod,
  RequestOf,
  ResponseOf,
} from "@edgeflow/schema";
import type { endpoints } from "@edgeflow/schema/endpoints";
import { ApiError, get, post, send } from "./client";

export type { GatewayEndpointWire, GatewayModelDefinitionWire, GatewaySecretInfoWire };

type Table = typeof endpoints;
type Name = keyof Table;

const V3 = "/ajax-api/3.0/mlflow/gateway/";

/**
 * The store calls the UI makes, by MLflow's RPC name: the types come from schema's endpoint table
 * (type-only, so no message code lands in the bundle), the method and path are MLflow's.
 */
const PATHS = {
  createGatewaySecret: ["POST", "secrets/create"],
  listGatewaySecretInfos: ["GET", "secrets/list"],
  deleteGatewaySecret: ["DELETE", "secrets/delete"],
  createGatewayModelDefinition: ["POST", "model-definitions/create"],
  deleteGatewayModelDefinition: ["DELETE", "model-definitions/delete"],
  createGatewayEndpoint: ["POST", "endpoints/create"],
  getGatewayEndpoint: ["GET", "endpoints/get"],
  updateGatewayEndpoint: ["POST", "endpoints/update"],
  deleteGatewayEndpoint: ["DELETE", "endpoints/delete"],
  listGatewayEndpoints: ["GET", "endpoints/list"],
  setGatewayEndpointTag: ["POST", "endpoints/set-tag"],
  deleteGatewayEndpointTag: ["DELETE", "endpoints/delete-tag"],
} as const satisfies Partial<Record<Name, readonly [HttpMethod, string]>>;

function call<N extends keyof typeof PATHS>(
  name: N,
  input: RequestOf<Table[N]>,
): Promise<ResponseOf<Table[N]>> {
  const [method, path] = PATHS[name];
  return method === "GET"
    ? get(path, input as Record<string, string | undefined>, V3)
    : post(path, input, method, V3);
}

export const listEndpoints = () => call("listGatewayEndpoints", {}).then((r) => r.endpoints ?? []);
export const getEndpoint = (name: string) =>
  call("getGatewayEndpoint", { name }).then((r) => r.endpoint as GatewayEndpointWire);
export const deleteEndpoint = (endpointId: string) =>
  call("deleteGatewayEndpoint", { endpoint_id: endpointId });
export const listSecrets = () => call("listGatewaySecretInfos", {}).then((r) => r.secrets ?? []);

const LIMIT_TAG = "limit";

/** The `limit` tag (calls per window) MLflow 2.x's endpoint listing shows, raw. */
export const limitOf = (endpoint: GatewayEndpointWire) =>
  endpoint.tags?.find((t) => t.key === LIMIT_TAG)?.value;

/** The windows a `limit` counts calls in (packages/core/src/gateway/limits.ts). */
export const RENEWAL_PERIODS = ["second", "minute", "hour", "day"] as const;

/** An endpoint's call limit as the form holds it: `calls` as typed, so nothing typed is lost. */
export interface LimitInput {
  calls: string;
  renewalPeriod: string;
}

/** The endpoint's `limit` tag as form input, or undefined when it has none (or one that does not parse). */
export function limitInputOf(endpoint: GatewayEndpointWire | undefined): LimitInput | undefined {
  const raw = endpoint && limitOf(endpoint);
  if (!raw) return undefined;
  try {
    const parsed = JSON.parse(raw) as { calls?: unknown; renewal_period?: unknown };
    return { calls: String(parsed.calls ?? ""), renewalPeriod: String(parsed.renewal_period ?? "minute") };
  } catch {
    return undefined;
  }
}

/** "100 / minute" for a `limit` tag; the raw value when it does not parse. */
export function limitText(endpoint: GatewayEndpointWire): string {
  const limit = limitInputOf(endpoint);
  return limit ? `${limit.calls} / ${limit.renewalPeriod}` : (limitOf(endpoint) ?? "");
}

/**
 * A number as typed: sent as a number when it is one, else as the text itself, so the API's own
 * check answers (the wire takes a double as a number or its decimal text, as protobuf's JSON does,
 * and refuses anything else with MLflow's "Invalid value ..." message).
 */
const asTyped = (text: string): number => {
  const trimmed = text.trim();
  const number = Number(trimmed);
  return (trimmed !== "" && Number.isFinite(number) ? number : trimmed) as number;
};

/** The tag's value: MLflow 2.x's `{calls, renewal_period}` (limits.ts checks it when it is set). */
const limitValue = (limit: LimitInput) =>
  JSON.stringify({ calls: asTyped(limit.calls), renewal_period: limit.renewalPeriod });

/** Sets, replaces or deletes the `limit` tag when it differs from `before`; returns the undo. */
async function applyLimit(
  endpointId: string,
  before: string | undefined,
  limit: LimitInput | undefined,
): Promise<(() => Promise<unknown>) | undefined> {
  const value = limit ? limitValue(limit) : undefined;
  if (value === before) return undefined;
  const put = (next: string | undefined) =>
    next === undefined
      ? call("deleteGatewayEndpointTag", { endpoint_id: endpointId, key: LIMIT_TAG })
      : call("setGatewayEndpointTag", { endpoint_id: endpointId, key: LIMIT_TAG, value: next });
  await put(value);
  return () => put(before);
}

/** A new secret typed into the form: its value goes in as `api_key`; api_base or account_id into auth_config. */
export interface NewSecret {
  name: string;
  value: string;
  /** openai, anthropic: another base URL (any OpenAI-compatible server). */
  apiBase: string;
  /** cloudflare: the account for Workers AI's REST API; empty uses the worker's AI binding. */
  accountId: string;
}

/** One model row of the endpoint form. */
export interface ModelRow {
  provider: string;
  modelName: string;
  /** An existing secret's id, or a new one to create. */
  secret: { secretId: string } | NewSecret;
  linkage: "PRIMARY" | "FALLBACK";
  /** A primary's traffic-split weight, as typed. */
  weight: string;
  /** The definition the row was loaded from; reused while provider, model and secret are unchanged. */
  from?: { modelDefinitionId: string; provider: string; modelName: string; secretId: string };
}

export const PROVIDERS = ["openai", "anthropic", "cloudflare", "edgeflow"] as const;

/** The auth_config key a new secret of this provider takes from the form, if any. */
export const authConfigField = (provider: string): "api_base" | "account_id" | undefined =>
  provider === "cloudflare"
    ? "account_id"
    : provider === "openai" || provider === "anthropic"
      ? "api_base"
      : undefined;

/** An endpoint's mappings as form rows, primaries first, fallbacks in fallback_order. */
export function rowsOf(endpoint: GatewayEndpointWire): ModelRow[] {
  const mappings = [...(endpoint.model_mappings ?? [])];
  const rank = (m: (typeof mappings)[number]) =>
    m.linkage_type === "FALLBACK" ? 1 + Number(m.fallback_order ?? Number.MAX_SAFE_INTEGER) : 0;
  mappings.sort((a, b) => rank(a) - rank(b));
  return mappings.map((m) => {
    const definition = m.model_definition ?? {};
    const row = {
      modelDefinitionId: m.model_definition_id ?? "",
      provider: definition.provider ?? "openai",
      modelName: definition.model_name ?? "",
      secretId: definition.secret_id ?? "",
    };
    return {
      provider: row.provider,
      modelName: row.modelName,
      secret: { secretId: row.secretId },
      linkage: m.linkage_type === "FALLBACK" ? "FALLBACK" : "PRIMARY",
      weight: String(m.weight ?? 1),
      from: row,
    };
  });
}

/** Each primary's share of the traffic split (0-1), by its weight; undefined for fallbacks. */
export function sharesOf(rows: { linkage: string; weight: string }[]): (number | undefined)[] {
  const weightOf = (row: { weight: string }) => {
    const weight = Number(row.weight.trim() || Number.NaN);
    return Number.isFinite(weight) && weight > 0 ? weight : 0;
  };
  const total = rows.reduce((sum, r) => sum + (r.linkage === "PRIMARY" ? weightOf(r) : 0), 0);
  return rows.map((r) => (r.linkage === "PRIMARY" && total > 0 ? weightOf(r) / total : undefined));
}

const isNewSecret = (secret: ModelRow["secret"]): secret is NewSecret => "value" in secret;

/**
 * Every step that made something, undone in reverse when a later one fails, so a refused
 * endpoint (a duplicate name, say) leaves no stray secret or definition and the form can be sent again.
 */
async function undoable<T>(work: (made: (undo: () => Promise<unknown>) => void) => Promise<T>): Promise<T> {
  const undo: (() => Promise<unknown>)[] = [];
  try {
    return await work((step) => undo.push(step));
  } catch (error) {
    for (const step of undo.reverse()) await step().catch(() => undefined);
    throw error;
  }
}

const suffix = () => crypto.randomUUID().slice(0, 8);

function needsPrimary(rows: ModelRow[]): void {
  if (!rows.some((r) => r.linkage === "PRIMARY")) {
    throw new ApiError(400, "INVALID_PARAMETER_VALUE", "An endpoint needs a primary model.");
  }
}

/** A new secret: `api_key` when a value was typed, the provider's auth_config field when filled in. */
async function createSecret(provider: string, secret: NewSecret): Promise<string> {
  const field = authConfigField(provider);
  const config = (
    field === "account_id" ? secret.accountId : field === "api_base" ? secret.apiBase : ""
  ).trim();
  const { secret: made } = await call("createGatewaySecret", {
    secret_name: secret.name.trim(),
    secret_value: secret.value ? { api_key: secret.value } : {},
    provider,
    auth_config: field && config ? { [field]: config } : undefined,
  });
  return made?.secret_id ?? "";
}

/**
 * The rows' model configs, in the form's order: unchanged rows keep their definition, others get
 * a new one (and secret). Primaries carry their weights (a traffic split when there are several),
 * fallbacks their place in the order shown.
 */
async function modelConfigs(
  endpointName: string,
  rows: ModelRow[],
  made: (undo: () => Promise<unknown>) => void,
) {
  needsPrimary(rows);
  let fallbackOrder = 0;
  const configs = [];
  for (const row of rows) {
    let definitionId: string;
    const same =
      row.from &&
      !isNewSecret(row.secret) &&
      row.from.provider === row.provider &&
      row.from.modelName === row.modelName &&
      row.from.secretId === row.secret.secretId;
    if (same && row.from) {
      definitionId = row.from.modelDefinitionId;
    } else {
      let secretId: string;
      if (isNewSecret(row.secret)) {
        secretId = await createSecret(row.provider, row.secret);
        made(() => call("deleteGatewaySecret", { secret_id: secretId }));
      } else {
        secretId = row.secret.secretId;
      }
      const { model_definition } = await call("createGatewayModelDefinition", {
        name: `${endpointName}-${row.modelName.trim().replace(/[^\w.-]+/g, "-")}-${suffix()}`,
        secret_id: secretId,
        provider: row.provider,
        model_name: row.modelName.trim(),
      });
      definitionId = model_definition?.model_definition_id ?? "";
      made(() => call("deleteGatewayModelDefinition", { model_definition_id: definitionId }));
    }
    configs.push({
      model_definition_id: definitionId,
      linkage_type: row.linkage,
      weight: row.linkage === "PRIMARY" ? asTyped(row.weight) : 1,
      fallback_order: row.linkage === "FALLBACK" ? fallbackOrder++ : undefined,
    });
  }
  const fallback_config =
    fallbackOrder > 0 ? { strategy: "SEQUENTIAL" as const, max_attempts: fallbackOrder } : undefined;
  // Several primaries share the traffic by weight; with one the strategy does not matter (kept as is).
  const routing_strategy =
    rows.filter((r) => r.linkage === "PRIMARY").length > 1
      ? ("REQUEST_BASED_TRAFFIC_SPLIT" as const)
      : undefined;
  return { model_configs: configs, fallback_config, routing_strategy };
}

/** Definitions the endpoint no longer uses, deleted unless another endpoint still has them (refused then). */
async function dropUnused(ids: string[]): Promise<void> {
  await Promise.all(
    ids.map((id) => call("deleteGatewayModelDefinition", { model_definition_id: id }).catch(() => undefined)),
  );
}

/** What the endpoint form sends: its models, and its call limit (none: no `limit` tag). */
export interface EndpointInput {
  rows: ModelRow[];
  limit: LimitInput | undefined;
}

/**
 * Secrets and definitions, the endpoint, then its `limit` tag; a refused step (a duplicate name,
 * a limit the API will not take) deletes what the earlier ones made.
 */
export function createEndpoint(name: string, input: EndpointInput): Promise<GatewayEndpointWire | undefined> {
  return undoable(async (made) => {
    const configs = await modelConfigs(name, input.rows, made);
    const { endpoint } = await call("createGatewayEndpoint", { name, ...configs });
    const endpointId = endpoint?.endpoint_id ?? "";
    made(() => call("deleteGatewayEndpoint", { endpoint_id: endpointId }));
    await applyLimit(endpointId, undefined, input.limit);
    return endpoint;
  });
}

/**
 * The `limit` tag first (the API checks it, and it is the cheapest step to put back), then the
 * models, all mappings replaced in one update; a refusal puts the tag back and deletes the new
 * secrets and definitions. Definitions the endpoint stops using are deleted afterwards.
 */
export async function updateEndpoint(endpoint: GatewayEndpointWire, input: EndpointInput): Promise<void> {
  needsPrimary(input.rows);
  const endpointId = endpoint.endpoint_id ?? "";
  const before = (endpoint.model_mappings ?? []).map((m) => m.model_definition_id ?? "");
  const configs = await undoable(async (made) => {
    const restore = await applyLimit(endpointId, limitOf(endpoint), input.limit);
    if (restore) made(restore);
    const configs = await modelConfigs(endpoint.name ?? "", input.rows, made);
    await call("updateGatewayEndpoint", { endpoint_id: endpointId, ...configs });
    return configs;
  });
  const kept = new Set(configs.model_configs.map((c) => c.model_definition_id));
  await dropUnused(before.filter((id) => !kept.has(id)));
}

/** Deletes the endpoint, then its definitions that no other endpoint uses. */
export async function removeEndpoint(endpoint: GatewayEndpointWire): Promise<void> {
  await deleteEndpoint(endpoint.endpoint_id ?? "");
  await dropUnused((endpoint.model_mappings ?? []).map((m) => m.model_definition_id ?? ""));
}

export interface ChatMessage {
  role: "user" | "assistant" | "system";
  content: string;
}

/**
 * POST /gateway/<name>/mlflow/invocations with `stream: true`: each `data:` event's
 * choices[].delta.content is handed to `onToken` as it arrives. A last event with an `error`
 * member (the provider broke off) becomes an ApiError; `signal` aborts the call.
 */
export async function streamChat(
  endpoint: string,
  messages: ChatMessage[],
  onToken: (text: string) => void,
  signal: AbortSignal,
): Promise<void> {
  const response = await send(`/gateway/${encodeURIComponent(endpoint)}/mlflow/invocations`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "text/event-stream" },
    body: JSON.stringify({ messages, stream: true }),
    signal,
  });
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  const event = (line: string) => {
    if (!line.startsWith("data:")) return;
    const data = line.slice(5).trim();
    if (data === "" || data === "[DONE]") return;
    const chunk = JSON.parse(data) as {
      error?: { error_code?: string; message?: string };
      choices?: { delta?: { content?: string | null } }[];
    };
    if (chunk.error) {
      throw new ApiError(502, chunk.error.error_code ?? "ERROR", chunk.error.message ?? "The stream failed.");
    }
    const text = (chunk.choices ?? []).map((c) => c.delta?.content ?? "").join("");
    if (text) onToken(text);
  };
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let newline = buffer.indexOf("\n");
    while (newline >= 0) {
      event(buffer.slice(0, newline).trim());
      buffer = buffer.slice(newline + 1);
      newline = buffer.indexOf("\n");
    }
  }
  event(buffer.trim());
}
