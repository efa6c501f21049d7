import type { Database, Need, Principal } from "@edgeflow/core";
import * as core from "@edgeflow/core";
import type { MlflowError } from "@edgeflow/schema";

/**
 * What a route demands of its caller, declared on its row (routes/*.ts, in auth/rules.ts's
 * words). Resource ids are picked from the request: the parsed message for message routes,
 * the URL and wildcard tail for raw routes. A picker that finds nothing denies (fail closed).
 */
export interface AccessInput {
  /** The parsed request message; absent for raw routes, which are checked before their handler. */
  message?: Record<string, unknown>;
  url: URL;
  /** For wildcard routes: the rest of the path, still percent-encoded. */
  tail: string;
  /** The request's headers (OTLP names its experiment in x-mlflow-experiment-id). */
  headers?: Headers;
}

type Picker<T> = (input: AccessInput) => T | undefined;

/** Runs after the handler succeeded (MLflow's after-request hooks). */
export type After = (
  message: Record<string, unknown>,
  result: unknown,
  principal: Principal,
  db: Database,
) => Promise<void>;

export type Access =
  /** No credentials at all; honoured only on PUBLIC_PATHS (auth/gate.ts). */
  | { kind: "public" }
  /**
   * Any authenticated caller; `password` refuses API tokens (minting tokens, changing passwords);
   * `after` grants the creator of a resource its permission.
   */
  | { kind: "user"; password?: boolean; after?: After }
  | { kind: "admin" }
  /** The named user themselves, or an admin (MLflow's username_is_sender). */
  | { kind: "self"; username: Picker<string>; password?: boolean }
  | { kind: "experiment"; need: Need; id: Picker<string | readonly string[]> }
  | { kind: "experimentName"; need: Need; name: Picker<string> }
  /** Runs answer with their experiment's permission. */
  | { kind: "run"; need: Need; id: Picker<string | readonly string[]> }
  | { kind: "model"; need: Need; name: Picker<string> }
  /** MLflow 3's logged models answer with their experiment's permission. */
  | { kind: "loggedModel"; need: Need; id: Picker<string> }
  /** MLflow 3's traces answer with their experiment's permission; `batch` reads skip unknown ids. */
  | { kind: "traces"; need: Need; ids: Picker<string | readonly string[]>; batch?: boolean }
  /** A path in the proxied artifact store: its first segment is an experiment id. */
  | { kind: "artifact"; need: Need; path: Picker<string> }
  /** A model version source must be readable by whoever registers it. */
  | { kind: "modelSource"; source: Picker<string> }
  /**
   * MLflow 3.11's AI gateway: a secret, model definition or endpoint by id (each listed id must
   * allow `need`; none listed passes), or an endpoint by `name` when no id is given.
   */
  | {
      kind: "gateway";
      resource: core.GatewayResource;
      need: Need;
      id: Picker<string | readonly string[]>;
      name?: Picker<string>;
    }
  /**
   * Invoking an endpoint needs USE on it. The invocation routes are raw and may name the endpoint
   * in their body (`model`), so the handler checks, through `auth.authorize({endpoint})`, once it
   * has read it (routes/gateway-invocations.ts), rather than the gate before it.
   */
  | { kind: "gatewayInvoke"; endpoint: Picker<string> }
  /** Every rule must pass; `after` as on "user". */
  | { kind: "all"; rules: readonly Access[]; after?: After };

function cannotTell(): MlflowError {
  return core.permissionDenied("Permission denied: the request does not say which resource it is for.");
}

function list(value: string | readonly string[] | undefined): readonly string[] | undefined {
  return typeof value === "string" ? [value] : value;
}

const EXPERIMENT_FOLDER = /^\d{1,15}$/;

/** The experiment whose folder holds a store path ("1/<run>/artifacts/x" → "1"). */
export function experimentOfArtifactPath(path: string): string | undefined {
  const first = path.split("/")[0] ?? "";
  return EXPERIMENT_FOLDER.test(first) ? first : undefined;
}

async function checkArtifact(db: Database, caller: core.Caller, path: string | undefined, need: Need) {
  if (path === undefined) throw cannotTell();
  if (caller.principal.isAdmin) return;
  const experimentId = experimentOfArtifactPath(path);
  // MLflow falls back to the default permission here; outside every experiment's folder only an
  // admin may go, so no default can open the whole store.
  if (experimentId === undefined) {
    throw core.permissionDenied(
      "Permission denied: only an admin may use artifacts outside an experiment's folder.",
    );
  }
  await core.requireExperiments(db, caller, [experimentId], need);
}

async function checkModelSource(db: Database, caller: core.Caller, source: string | undefined) {
  if (source === undefined) throw cannotTell();
  const run = /^runs:\/([^/]+)/.exec(source);
  if (run) return core.requireRuns(db, caller, [run[1] as string], "read");
  if (source.startsWith("mlflow-artifacts:"))
    return checkArtifact(db, caller, core.proxiedArtifactPath(source), "read");
  const loggedModel = /^models:\/(m-[0-9a-f]{32})$/.exec(source);
  if (loggedModel) return core.requireLoggedModels(db, caller, [loggedModel[1] as string], "read");
  // A copy (models:/<name>/<version>) takes the source version's artifacts: READ on its model.
  const version = /^models:\/([^/]+)\/\d+$/.exec(source);
  if (version) return core.requireRegisteredModel(db, caller, version[1] as string, "read");
  // Any other source is refused by the handler (packages/core/src/registry/source.ts).
}

/** Throws PERMISSION_DENIED (or the 404 of a missing run/experiment name) unless `caller` may. */
export async function checkAccess(
  rule: Access,
  input: AccessInput,
  caller: core.Caller,
  db: Database,
): Promise<void> {
  const { principal } = caller;
  switch (rule.kind) {
    case "public":
      return;
    case "user":
    case "self":
      if (rule.password && principal.via !== "password") {
        throw core.permissionDenied(
          "Permission denied: this needs your username and password (HTTP Basic), not an API token.",
        );
      }
      if (rule.kind === "user" || principal.isAdmin) return;
      if (rule.username(input) !== principal.username) throw core.permissionDenied();
      return;
    case "admin":
      return core.requireAdmin(caller);
    case "experiment": {
      const ids = list(rule.id(input));
      if (!ids) throw cannotTell();
      return core.requireExperiments(db, caller, ids, rule.need);
    }
    case "experimentName": {
      const name = rule.name(input);
      if (name === undefined) throw cannotTell();
      return core.requireExperimentByName(db, caller, name, rule.need);
    }
    case "run": {
      const ids = list(rule.id(input));
      if (!ids) throw cannotTell();
      return core.requireRuns(db, caller, ids, rule.need);
    }
    case "model": {
      const name = rule.name(input);
      if (name === undefined) throw cannotTell();
      return core.requireRegisteredModel(db, caller, name, rule.need);
    }
    case "loggedModel": {
      const id = rule.id(input);
      if (id === undefined) throw cannotTell();
      return core.requireLoggedModels(db, caller, [id], rule.need);
    }
    case "traces": {
      const ids = list(rule.ids(input));
      if (!ids) throw cannotTell();
      return core.requireTraces(db, caller, ids, rule.need, rule.batch);
    }
    case "artifact":
      return checkArtifact(db, caller, rule.path(input), rule.need);
    case "modelSource":
      return checkModelSource(db, caller, rule.source(input));
    case "gateway": {
      const ids = list(rule.id(input));
      if (ids) return core.requireGateway(db, caller, rule.resource, ids, rule.need);
      const name = rule.name?.(input);
      if (name === undefined) throw cannotTell();
      return core.requireGatewayEndpointByName(db, caller, name, rule.need);
    }
    case "gatewayInvoke": {
      const name = rule.endpoint(input);
      if (name === undefined) throw cannotTell();
      return core.requireGatewayEndpointByName(db, caller, name, "use");
    }
    case "all":
      for (const inner of rule.rules) await checkAccess(inner, input, caller, db);
      return;
  }
}
