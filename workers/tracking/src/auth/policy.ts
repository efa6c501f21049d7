import type { Database, Need, Principal } from "@edgeflow/core";
import * as core from "@edgeflow/core";
import * as wire from "@edgeflow/schema";
import type { Route } from "../routes/route";
import type { Access, AccessInput } from "./access";

/**
 * What each MLflow endpoint demands, keyed "METHOD path" as the route rows declare them: MLflow's
 * BEFORE_REQUEST_HANDLERS (mlflow/server/auth/__init__.py, 2.12.2) plus the endpoints it leaves
 * open (runs/search, model-versions/search, metric bulk reads, multipart uploads, artifact
 * listing, the browser download routes). Edgeflow's own rows (routes/auth.ts) declare
 * `access` inline. A row with neither is admin-only, and test/auth/route-table.test.ts
 * fails on it.
 */

type Picker<T> = (input: AccessInput) => T | undefined;

const text = (value: unknown) => (typeof value === "string" ? value : undefined);
const field =
  (name: string): Picker<string> =>
  ({ message }) =>
    text(message?.[name]);
const fieldList =
  (name: string): Picker<readonly string[]> =>
  ({ message }) => {
    const value = message?.[name];
    return Array.isArray(value) ? value.map(String) : message ? [] : undefined;
  };
const runId: Picker<string> = ({ message }) =>
  message ? core.runIdOf(message as { run_id?: string; run_uuid?: string }) : undefined;
/** The decoded store path of a wildcard artifact route, decoded exactly as its handler decodes it. */
const tailPath: Picker<string> = ({ tail }) => core.validateArtifactPath(tail, { encoded: true });
const listPath: Picker<string> = ({ message }) => {
  if (!message) return undefined;
  const path = text(message.path);
  return path ? core.validateArtifactPath(path) : "";
};
// The browser download routes parse their query exactly as their handlers do (routes/artifacts.ts),
// so a repeated parameter cannot name one run to the check and another to the handler.
const downloadRunId: Picker<string> = ({ url }) =>
  core.runIdOf(wire.GetRunArtifact.parseQuery(Object.fromEntries(url.searchParams)));
const downloadModelName: Picker<string> = ({ url }) =>
  wire.GetModelVersionArtifact.parseQuery(Object.fromEntries(url.searchParams)).name;

const USER: Access = { kind: "user" };
const experiment = (need: Need, id: Picker<string | readonly string[]> = field("experiment_id")): Access => ({
  kind: "experiment",
  need,
  id,
});
const run = (need: Need, id: Picker<string | readonly string[]> = runId): Access => ({
  kind: "run",
  need,
  id,
});
const model = (need: Need, name: Picker<string> = field("name")): Access => ({ kind: "model", need, name });
const artifact = (need: Need, path: Picker<string> = tailPath): Access => ({ kind: "artifact", need, path });
/** Traces named by id answer with their experiments' permission; batch reads skip unknown ids. */
const traces = (need: Need, ids: Picker<string | readonly string[]> = field("trace_id")): Access => ({
  kind: "traces",
  need,
  ids,
});
const traceBatch = (need: Need, ids: Picker<readonly string[]>): Access => ({
  kind: "traces",
  need,
  ids,
  batch: true,
});
/** OTLP names its experiment in a header; MLflow 3.11's auth plugin refuses a request without it. */
const otlpExperiment: Picker<string> = ({ headers }) => {
  const id = headers?.get("x-mlflow-experiment-id");
  if (!id) throw wire.MlflowError.invalidParameter("Missing required header: X-Mlflow-Experiment-Id");
  return id;
};
const traceStartExperiment: Picker<string> = ({ message }) => {
  const trace = message?.trace as {
    trace_info?: { trace_location?: { mlflow_experiment?: { experiment_id?: string } } };
  };
  return trace?.trace_info?.trace_location?.mlflow_experiment?.experiment_id ?? (message ? "" : undefined);
};
const searchLocations: Picker<readonly string[]> = ({ message }) =>
  message
    ? ((message.locations as { mlflow_experiment?: { experiment_id?: string } }[] | undefined) ?? []).map(
        (location) => location.mlflow_experiment?.experiment_id ?? "",
      )
    : undefined;
const loggedModel = (need: Need, id: Picker<string> = field("model_id")): Access => ({
  kind: "loggedModel",
  need,
  id,
});
/** The raw download route's model id, from its path as the router decodes it. */
const pathModelId: Picker<string> = ({ url }) => {
  const segment = /\/logged-models\/([^/]+)\//.exec(url.pathname)?.[1];
  return segment === undefined ? undefined : decodeURIComponent(segment);
};

export const POLICY: Readonly<Record<string, Access>> = {
  // Experiments. Anyone signed in may create one (and gets MANAGE on it, below).
  "POST /mlflow/experiments/create": USER,
  "GET /mlflow/experiments/get": experiment("read"),
  "GET /mlflow/experiments/get-by-name": {
    kind: "experimentName",
    need: "read",
    name: field("experiment_name"),
  },
  // Searches are filtered in SQL to what the caller may read (ReadScope).
  "POST /mlflow/experiments/search": USER,
  "GET /mlflow/experiments/search": USER,
  "POST /mlflow/experiments/update": experiment("update"),
  "POST /mlflow/experiments/delete": experiment("delete"),
  "POST /mlflow/experiments/restore": experiment("delete"),
  "POST /mlflow/experiments/set-experiment-tag": experiment("update"),
  "POST /mlflow/experiments/delete-experiment-tag": experiment("update"),
  // Runs inherit their experiment's permission. A run created without an experiment goes to "0".
  "POST /mlflow/runs/create": experiment("update", ({ message }) =>
    message ? text(message.experiment_id) || "0" : undefined,
  ),
  "GET /mlflow/runs/get": run("read"),
  "POST /mlflow/runs/update": run("update"),
  "POST /mlflow/runs/delete": run("delete"),
  "POST /mlflow/runs/restore": run("delete"),
  // MLflow 2.12.2 leaves runs/search open; here every experiment searched must be readable.
  "POST /mlflow/runs/search": experiment("read", fieldList("experiment_ids")),
  "POST /mlflow/runs/log-metric": run("update"),
  "POST /mlflow/runs/log-parameter": run("update"),
  "POST /mlflow/runs/set-tag": run("update"),
  "POST /mlflow/runs/delete-tag": run("update"),
  "POST /mlflow/runs/log-batch": run("update"),
  "POST /mlflow/runs/log-model": run("update"),
  "POST /mlflow/runs/log-inputs": run("update"),
  "GET /mlflow/metrics/get-history": run("read"),
  "GET /mlflow/metrics/get-history-bulk-interval": run("read", fieldList("run_ids")),
  "GET /mlflow/metrics/get-history-bulk": run("read", fieldList("run_id")),
  // The proxied store: a path's first segment is its experiment. Deleting needs MANAGE (MLflow's
  // fix for CVE-2024-4263); multipart uploads need EDIT like plain ones (CVE-2026-2651).
  "GET /mlflow-artifacts/artifacts/*": artifact("read"),
  "PUT /mlflow-artifacts/artifacts/*": artifact("update"),
  "DELETE /mlflow-artifacts/artifacts/*": artifact("manage"),
  "GET /mlflow-artifacts/artifacts": artifact("read", listPath),
  "POST /mlflow-artifacts/mpu/create/*": artifact("update"),
  "POST /mlflow-artifacts/mpu/complete/*": artifact("update"),
  "POST /mlflow-artifacts/mpu/abort/*": artifact("update"),
  "GET /mlflow/artifacts/list": run("read"),
  "GET /get-artifact": run("read", downloadRunId),
  "GET /model-versions/get-artifact": model("read", downloadModelName),
  // The model registry, as MLflow maps it (including DeleteModelVersionTag needing MANAGE).
  "POST /mlflow/registered-models/create": USER,
  "POST /mlflow/registered-models/rename": model("update"),
  "PATCH /mlflow/registered-models/update": model("update"),
  "DELETE /mlflow/registered-models/delete": model("delete"),
  "GET /mlflow/registered-models/get": model("read"),
  "GET /mlflow/registered-models/search": USER,
  "POST /mlflow/registered-models/get-latest-versions": model("read"),
  "GET /mlflow/registered-models/get-latest-versions": model("read"),
  "POST /mlflow/registered-models/set-tag": model("update"),
  "DELETE /mlflow/registered-models/delete-tag": model("update"),
  "POST /mlflow/registered-models/alias": model("update"),
  "DELETE /mlflow/registered-models/alias": model("delete"),
  "GET /mlflow/registered-models/alias": model("read"),
  // Registering a version also reads its source: EDIT on a model must not expose another
  // experiment's artifacts through /model-versions/get-artifact.
  "POST /mlflow/model-versions/create": {
    kind: "all",
    rules: [model("update"), { kind: "modelSource", source: field("source") }],
  },
  "PATCH /mlflow/model-versions/update": model("update"),
  "POST /mlflow/model-versions/transition-stage": model("update"),
  "DELETE /mlflow/model-versions/delete": model("delete"),
  "GET /mlflow/model-versions/get": model("read"),
  "GET /mlflow/model-versions/search": USER,
  "GET /mlflow/model-versions/get-download-uri": model("read"),
  "POST /mlflow/model-versions/set-tag": model("update"),
  "DELETE /mlflow/model-versions/delete-tag": model("delete"),
  // MLflow 3's traces, by their experiment's permission. MLflow 3.11's auth plugin checks only
  // OTLP ingestion (EDIT) and trace artifacts (READ); the rest follow its run rules: READ to read
  // and search, EDIT to start, log spans, tag, assess or link, MANAGE to delete (as DeleteRun).
  "POST /mlflow/traces": experiment("update", traceStartExperiment),
  "POST /mlflow/traces/search": experiment("read", searchLocations),
  "POST /mlflow/traces/delete-traces": experiment("delete"),
  "GET /mlflow/traces/get": traces("read"),
  "GET /mlflow/traces/batchGet": traceBatch("read", fieldList("trace_ids")),
  "POST /mlflow/traces/batchGetInfos": traceBatch("read", fieldList("trace_ids")),
  "GET /mlflow/traces/{trace_id}": traces("read"),
  "PATCH /mlflow/traces/{trace_id}/tags": traces("update"),
  "DELETE /mlflow/traces/{trace_id}/tags": traces("update"),
  "PATCH /mlflow/traces/{request_id}/tags": traces("update", field("request_id")),
  "DELETE /mlflow/traces/{request_id}/tags": traces("update", field("request_id")),
  "POST /mlflow/traces/link-to-run": {
    kind: "all",
    rules: [traces("update", fieldList("trace_ids")), run("update")],
  },
  "POST /mlflow/traces/{trace_id}/assessments": traces("update"),
  "GET /mlflow/traces/{trace_id}/assessments/{assessment_id}": traces("read"),
  "PATCH /mlflow/traces/{trace_id}/assessments/{assessment_id}": traces("update"),
  "DELETE /mlflow/traces/{trace_id}/assessments/{assessment_id}": traces("update"),
  "POST /v1/traces": experiment("update", otlpExperiment),
  // MLflow 3's logged models, by their experiment's permission (as its auth plugin checks them).
  "POST /mlflow/logged-models": experiment("update"),
  "GET /mlflow/logged-models/{model_id}": loggedModel("read"),
  "PATCH /mlflow/logged-models/{model_id}": loggedModel("update"),
  "DELETE /mlflow/logged-models/{model_id}": loggedModel("delete"),
  "POST /mlflow/logged-models/search": experiment("read", fieldList("experiment_ids")),
  "PATCH /mlflow/logged-models/{model_id}/tags": loggedModel("update"),
  "DELETE /mlflow/logged-models/{model_id}/tags/{tag_key}": loggedModel("delete"),
  "POST /mlflow/logged-models/{model_id}/params": loggedModel("update"),
  "GET /mlflow/logged-models/{model_id}/artifacts/directories": loggedModel("read"),
  "GET /mlflow/logged-models/{model_id}/artifacts/files": loggedModel("read", pathModelId),
  "POST /mlflow/runs/outputs": run("update"),
};

type After = (
  message: Record<string, unknown>,
  result: unknown,
  principal: Principal,
  db: Database,
) => Promise<void>;

/** MLflow's after-request hooks: whoever creates an experiment or a model gets MANAGE on it. */
const AFTER: Readonly<Record<string, After>> = {
  "POST /mlflow/experiments/create": (_message, result, principal, db) =>
    core.grantCreator(db, principal.id, {
      experimentId: String((result as { experiment_id: string }).experiment_id),
    }),
  "POST /mlflow/registered-models/create": (message, _result, principal, db) =>
    core.grantCreator(db, principal.id, { modelName: String(message.name) }),
};

export const routeKey = (route: { method: string; path: string }) => `${route.method} ${route.path}`;

const ADMIN_ONLY: Access = { kind: "admin" };

/** The row's rule: its own, else the table's, else admin-only (fail closed). */
export function accessOf(route: Route): Access {
  return route.access ?? POLICY[routeKey(route)] ?? ADMIN_ONLY;
}

export function afterOf(route: Route): After | undefined {
  return AFTER[routeKey(route)];
}
