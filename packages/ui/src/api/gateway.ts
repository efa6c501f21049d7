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

/** The `limit` tag (calls per window) MLflow 2.x's endpoint listing shows, raw. */
export const limitOf = (endpoint: GatewayEndpointWire) =>
  endpoint.tags?.find((t) => t.key === "limit")?.value;

/** A new secret typed into the form: its value goes in as `api_key`, api_base into auth_config. */
export interface NewSecret {
  name: string;
  value: string;
  apiBase: string;
}

/** One model row of the endpoint form. */
export interface ModelRow {
  provider: string;
  modelName: string;
  /** An existing secret's id, or a new one to create. */
  secret: { secretId: string } | NewSecret;
  linkage: "PRIMARY" | "FALLBACK";
  weight?: number;
  /** The definition the row was loaded from; reused while provider, model and secret are unchanged. */
  from?: { modelDefinitionId: string; provider: string; modelName: string; secretId: string };
}

export const PROVIDERS = ["openai", "anthropic", "cloudflare", "edgeflow"] as const;

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
      weight: m.weight,
      from: row,
    };
  });
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

/** The rows' model configs: unchanged rows keep their definition, others get a new one (and secret). */
async function modelConfigs(
  endpointName: string,
  rows: ModelRow[],
  made: (undo: () => Promise<unknown>) => void,
) {
  if (!rows.some((r) => r.linkage === "PRIMARY")) {
    throw new ApiError(400, "INVALID_PARAMETER_VALUE", "An endpoint needs a primary model.");
  }
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
        const apiBase = row.secret.apiBase.trim();
        const { secret } = await call("createGatewaySecret", {
          secret_name: row.secret.name.trim(),
          secret_value: { api_key: row.secret.value },
          provider: row.provider,
          auth_config: apiBase ? { api_base: apiBase } : undefined,
        });
        secretId = secret?.secret_id ?? "";
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
      weight: row.weight ?? 1,
      fallback_order: row.linkage === "FALLBACK" ? fallbackOrder++ : undefined,
    });
  }
  const fallback_config =
    fallbackOrder > 0 ? { strategy: "SEQUENTIAL" as const, max_attempts: fallbackOrder } : undefined;
  return { model_configs: configs, fallback_config };
}

/** Definitions the endpoint no longer uses, deleted unless another endpoint still has them (refused then). */
async function dropUnused(ids: string[]): Promise<void> {
  await Promise.all(
    ids.map((id) => call("deleteGatewayModelDefinition", { model_definition_id: id }).catch(() => undefined)),
  );
}

export function createEndpoint(name: string, rows: ModelRow[]): Promise<GatewayEndpointWire | undefined> {
  return undoable(async (made) => {
    const configs = await modelConfigs(name, rows, made);
    return (await call("createGatewayEndpoint", { name, ...configs })).endpoint;
  });
}

export async function updateEndpoint(endpoint: GatewayEndpointWire, rows: ModelRow[]): Promise<void> {
  const before = (endpoint.model_mappings ?? []).map((m) => m.model_definition_id ?? "");
  const configs = await undoable(async (made) => {
    const configs = await modelConfigs(endpoint.name ?? "", rows, made);
    await call("updateGatewayEndpoint", { endpoint_id: endpoint.endpoint_id ?? "", ...configs });
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
