import { env } from "cloudflare:test";
import { handleRequest } from "../../workers/tracking/src/app";
import type { TrackingEnv } from "../../workers/tracking/src/env";
import { uniqueName } from "../helpers/api";

/**
 * The tests run with EDGEFLOW_AUTH=off (vitest.config.ts). These helpers call the worker's
 * request handler inside workerd, on the same D1 database, with auth turned on in the bindings
 * of each request: the deployed configuration, minus the network.
 */

export const ADMIN = { username: "admin", password: "correct horse battery staple" };
export const BASE = "http://127.0.0.1:5000";

export function authEnv(extra: Partial<TrackingEnv> = {}): TrackingEnv {
  return {
    ...env,
    EDGEFLOW_AUTH: "on",
    EDGEFLOW_DEFAULT_PERMISSION: "NO_PERMISSIONS",
    EDGEFLOW_ADMIN_USERNAME: ADMIN.username,
    EDGEFLOW_ADMIN_PASSWORD: ADMIN.password,
    ...extra,
  };
}

export type Who = { username: string; password: string } | { token: string } | undefined;

export function authorization(who: Who): Record<string, string> {
  if (!who) return {};
  if ("token" in who) return { Authorization: `Bearer ${who.token}` };
  return { Authorization: `Basic ${btoa(`${who.username}:${who.password}`)}` };
}

export interface Reply<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Headers;
}

export interface CallOptions {
  as?: Who;
  body?: unknown;
  query?: Record<string, string | string[]>;
  headers?: Record<string, string>;
  env?: TrackingEnv;
  /** Raw request body (artifact uploads). */
  raw?: BodyInit;
}

/** `path` is relative to /api/2.0/ ("mlflow/runs/get"), or absolute ("/get-artifact"). */
export async function call<T = Record<string, unknown>>(
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<Reply<T>> {
  const url = new URL(path.startsWith("/") ? `${BASE}${path}` : `${BASE}/api/2.0/${path}`);
  for (const [key, value] of Object.entries(options.query ?? {})) {
    for (const item of Array.isArray(value) ? value : [value]) url.searchParams.append(key, item);
  }
  const headers: Record<string, string> = { ...authorization(options.as), ...options.headers };
  let body: BodyInit | undefined = options.raw;
  if (options.body !== undefined) {
    headers["Content-Type"] ??= "application/json";
    body = JSON.stringify(options.body);
  }
  const response = await handleRequest(new Request(url, { method, headers, body }), options.env ?? authEnv());
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Not JSON (a downloaded file, "OK"): the text itself.
  }
  return { status: response.status, body: parsed as T, headers: response.headers };
}

export const asAdmin = { as: ADMIN };

function expectOk<T>(reply: Reply<T>, what: string): T {
  if (reply.status !== 200) throw new Error(`${what} failed: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body;
}

/** A new non-admin user (created by the admin), with a password. */
export async function newUser(prefix = "user"): Promise<{ username: string; password: string }> {
  const user = { username: uniqueName(prefix), password: `pw-${crypto.randomUUID()}` };
  expectOk(await call("POST", "mlflow/users/create", { ...asAdmin, body: user }), "users/create");
  return user;
}

export async function newExperiment(as: Who = ADMIN): Promise<string> {
  const body = expectOk(
    await call<{ experiment_id: string }>("POST", "mlflow/experiments/create", {
      as,
      body: { name: uniqueName("exp") },
    }),
    "experiments/create",
  );
  return body.experiment_id;
}

export async function newRun(experimentId: string, as: Who = ADMIN): Promise<string> {
  const body = expectOk(
    await call<{ run: { info: { run_id: string } } }>("POST", "mlflow/runs/create", {
      as,
      body: { experiment_id: experimentId, start_time: Date.now() },
    }),
    "runs/create",
  );
  return body.run.info.run_id;
}

export async function newModel(as: Who = ADMIN): Promise<string> {
  const name = uniqueName("model");
  expectOk(
    await call("POST", "mlflow/registered-models/create", { as, body: { name } }),
    "registered-models/create",
  );
  return name;
}

export async function grantExperiment(
  experimentId: string,
  username: string,
  permission: string,
): Promise<void> {
  expectOk(
    await call("POST", "mlflow/experiments/permissions/create", {
      ...asAdmin,
      body: { experiment_id: experimentId, username, permission },
    }),
    "experiments/permissions/create",
  );
}

export async function grantModel(name: string, username: string, permission: string): Promise<void> {
  expectOk(
    await call("POST", "mlflow/registered-models/permissions/create", {
      ...asAdmin,
      body: { name, username, permission },
    }),
    "registered-models/permissions/create",
  );
}

export async function newToken(
  who: { username: string; password: string },
  body: unknown = {},
): Promise<string> {
  const reply = expectOk(
    await call<{ token: string }>("POST", "edgeflow/tokens/create", { as: who, body }),
    "tokens/create",
  );
  return reply.token;
}
