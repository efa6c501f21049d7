import type { Need } from "@edgeflow/core";
import * as core from "@edgeflow/core";
import * as wire from "@edgeflow/schema";
import type { Access, AccessInput } from "./access";

/**
 * The vocabulary route rows declare their access in (routes/*.ts, `rule.run("update")`): MLflow's
 * BEFORE_REQUEST_HANDLERS (mlflow/server/auth/__init__.py, 2.12.2) plus the endpoints it leaves
 * open (runs/search, model-versions/search, metric bulk reads, multipart uploads, artifact
 * listing, the browser download routes), and MLflow 3.11's rules for traces and logged models.
 * Each rule says what it needs and where in the request the resource's id is; a picker that finds
 * nothing denies (auth/access.ts).
 */

export type Picker<T> = (input: AccessInput) => T | undefined;

export const text = (value: unknown) => (typeof value === "string" ? value : undefined);
export const field =
  (name: string): Picker<string> =>
  ({ message }) =>
    text(message?.[name]);
export const fieldList =
  (name: string): Picker<readonly string[]> =>
  ({ message }) => {
    const value = message?.[name];
    return Array.isArray(value) ? value.map(String) : message ? [] : undefined;
  };
export const runId: Picker<string> = ({ message }) =>
  message ? core.runIdOf(message as { run_id?: string; run_uuid?: string }) : undefined;
/** The decoded store path of a wildcard artifact route, decoded exactly as its handler decodes it. */
export const tailPath: Picker<string> = ({ tail }) => core.validateArtifactPath(tail, { encoded: true });
export const listPath: Picker<string> = ({ message }) => {
  if (!message) return undefined;
  const path = text(message.path);
  return path ? core.validateArtifactPath(path) : "";
};
// The browser download routes parse their query exactly as their handlers do (routes/artifacts.ts),
// so a repeated parameter cannot name one run to the check and another to the handler.
export const downloadRunId: Picker<string> = ({ url }) =>
  core.runIdOf(wire.GetRunArtifact.parseQuery(Object.fromEntries(url.searchParams)));
export const downloadModelName: Picker<string> = ({ url }) =>
  wire.GetModelVersionArtifact.parseQuery(Object.fromEntries(url.searchParams)).name;

/** No credentials at all; honoured only on the gate's PUBLIC_PATHS. */
export const PUBLIC: Access = { kind: "public" };
/** Any authenticated caller. */
export const USER: Access = { kind: "user" };
/** Any caller signed in with a password, not an API token (minting tokens). */
export const USER_BY_PASSWORD: Access = { kind: "user", password: true };
export const ADMIN: Access = { kind: "admin" };
/** The named user themselves, or an admin (MLflow's username_is_sender). */
export const SELF: Access = { kind: "self", username: field("username") };
export const SELF_BY_PASSWORD: Access = { ...SELF, password: true };
export const experiment = (
  need: Need,
  id: Picker<string | readonly string[]> = field("experiment_id"),
): Access => ({
  kind: "experiment",
  need,
  id,
});
export const run = (need: Need, id: Picker<string | readonly string[]> = runId): Access => ({
  kind: "run",
  need,
  id,
});
export const model = (need: Need, name: Picker<string> = field("name")): Access => ({
  kind: "model",
  need,
  name,
});
export const artifact = (need: Need, path: Picker<string> = tailPath): Access => ({
  kind: "artifact",
  need,
  path,
});
/** Traces named by id answer with their experiments' permission; batch reads skip unknown ids. */
export const traces = (need: Need, ids: Picker<string | readonly string[]> = field("trace_id")): Access => ({
  kind: "traces",
  need,
  ids,
});
export const traceBatch = (need: Need, ids: Picker<readonly string[]>): Access => ({
  kind: "traces",
  need,
  ids,
  batch: true,
});
/** OTLP names its experiment in a header; MLflow 3.11's auth plugin refuses a request without it. */
export const otlpExperiment: Picker<string> = ({ headers }) => {
  const id = headers?.get("x-mlflow-experiment-id");
  if (!id) throw wire.MlflowError.invalidParameter("Missing required header: X-Mlflow-Experiment-Id");
  return id;
};
export const traceStartExperiment: Picker<string> = ({ message }) => {
  const trace = message?.trace as {
    trace_info?: { trace_location?: { mlflow_experiment?: { experiment_id?: string } } };
  };
  return trace?.trace_info?.trace_location?.mlflow_experiment?.experiment_id ?? (message ? "" : undefined);
};
export const searchLocations: Picker<readonly string[]> = ({ message }) =>
  message
    ? ((message.locations as { mlflow_experiment?: { experiment_id?: string } }[] | undefined) ?? []).map(
        (location) => location.mlflow_experiment?.experiment_id ?? "",
      )
    : undefined;
export const loggedModel = (need: Need, id: Picker<string> = field("model_id")): Access => ({
  kind: "loggedModel",
  need,
  id,
});
/** The raw download route's model id, from its path as the router decodes it. */
export const pathModelId: Picker<string> = ({ url }) => {
  const segment = /\/logged-models\/([^/]+)\//.exec(url.pathname)?.[1];
  return segment === undefined ? undefined : decodeURIComponent(segment);
};

/** Runs inherit their experiment's permission; a run created without an experiment goes to "0". */
export const runCreate = experiment("update", ({ message }) =>
  message ? text(message.experiment_id) || "0" : undefined,
);
export const experimentByName: Access = {
  kind: "experimentName",
  need: "read",
  name: field("experiment_name"),
};
/**
 * Registering a version also reads its source: EDIT on a model must not expose another
 * experiment's artifacts through /model-versions/get-artifact.
 */
export const versionCreate: Access = {
  kind: "all",
  rules: [model("update"), { kind: "modelSource", source: field("source") }],
};
export const traceLinkToRun: Access = {
  kind: "all",
  rules: [traces("update", fieldList("trace_ids")), run("update")],
};

/** MLflow's after-request hooks: whoever creates an experiment or a model gets MANAGE on it. */
export const experimentCreator: Access = {
  kind: "user",
  after: (_message, result, principal, db) =>
    core.grantCreator(db, principal.id, {
      experimentId: String((result as { experiment_id: string }).experiment_id),
    }),
};
export const modelCreator: Access = {
  kind: "user",
  after: (message, _result, principal, db) =>
    core.grantCreator(db, principal.id, { modelName: String(message.name) }),
};

// --- MLflow 3.11's AI gateway (its validate_can_*_gateway_* and after-request hooks) ----------

export const gateway = (
  resource: core.GatewayResource,
  need: Need,
  id: Picker<string | readonly string[]>,
  name?: Picker<string>,
): Access => ({ kind: "gateway", resource, need, id, name });
export const gatewaySecret = (need: Need) => gateway("secret", need, field("secret_id"));
export const gatewayModelDefinition = (need: Need) =>
  gateway("modelDefinition", need, field("model_definition_id"));
/** An endpoint by `endpoint_id`, or by `name` where the request may give that instead (endpoints/get). */
export const gatewayEndpoint = (need: Need, byName = false) =>
  gateway("endpoint", need, field("endpoint_id"), byName ? field("name") : undefined);

/** A field that may be absent: absent names nothing (nothing to check), as MLflow skips it. */
const optionalField =
  (name: string): Picker<readonly string[]> =>
  ({ message }) => {
    if (!message) return undefined;
    const value = text(message[name]);
    return value ? [value] : [];
  };
/** The model definitions an endpoint's `model_configs` (or an attach's `model_config`) name. */
const configuredDefinitions: Picker<readonly string[]> = ({ message }) => {
  if (!message) return undefined;
  const configs = [
    ...(Array.isArray(message.model_configs) ? message.model_configs : []),
    ...(message.model_config ? [message.model_config] : []),
  ] as { model_definition_id?: unknown }[];
  return configs.flatMap((config) => text(config?.model_definition_id) ?? []);
};

/** Any signed-in user may store a secret, and gets MANAGE on it. */
export const gatewaySecretCreator: Access = {
  kind: "user",
  after: (_message, result, principal, db) =>
    core.grantCreator(db, principal.id, {
      gatewaySecretId: (result as { secret: { secret_id: string } }).secret.secret_id,
    }),
};
/** A model definition needs USE on its secret; its creator gets MANAGE on it. */
export const gatewayModelDefinitionCreator: Access = {
  kind: "all",
  rules: [gateway("secret", "use", field("secret_id"))],
  after: (_message, result, principal, db) =>
    core.grantCreator(db, principal.id, {
      gatewayModelDefinitionId: (result as { model_definition: { model_definition_id: string } })
        .model_definition.model_definition_id,
    }),
};
/** Changing a model definition needs EDIT on it and USE on a secret it moves to. */
export const gatewayModelDefinitionUpdate: Access = {
  kind: "all",
  rules: [gatewayModelDefinition("update"), gateway("secret", "use", optionalField("secret_id"))],
};
/** An endpoint needs USE on every model definition it routes to; its creator gets MANAGE on it. */
export const gatewayEndpointCreator: Access = {
  kind: "all",
  rules: [gateway("modelDefinition", "use", configuredDefinitions)],
  after: (_message, result, principal, db) =>
    core.grantCreator(db, principal.id, {
      gatewayEndpointId: (result as { endpoint: { endpoint_id: string } }).endpoint.endpoint_id,
    }),
};
/**
 * Changing an endpoint needs EDIT on it and USE on model definitions it adds: `model_configs`
 * (MLflow) and, for endpoints/models/attach, `model_config` (MLflow 3.11 checks only the former).
 */
export const gatewayEndpointUpdate: Access = {
  kind: "all",
  rules: [gatewayEndpoint("update"), gateway("modelDefinition", "use", configuredDefinitions)],
};
/**
 * endpoints/bindings/list: READ on the endpoint it names (MLflow 3.11's
 * validate_can_read_gateway_endpoint). Without an `endpoint_id` it passes and the handler keeps
 * the bindings of readable endpoints only (MLflow answers a non-admin 400 for the missing id).
 */
export const gatewayEndpointBindingList = gateway("endpoint", "read", optionalField("endpoint_id"));
/** Budget policies: changed by admins only (MLflow 3.11's sender_is_admin); read by any signed-in user. */
export const gatewayBudgetChange = ADMIN;
export const gatewayBudgetRead = USER;
/** Invoking: USE on the endpoint the handler names (`auth.authorize({endpoint})`). */
export const GATEWAY_INVOKE: Access = { kind: "gatewayInvoke", endpoint: field("endpoint") };
