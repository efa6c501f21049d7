import type { AuthConfig, Database } from "@edgeflow/core";
import * as core from "@edgeflow/core";
import {
  allowedOriginsOf,
  type CorsDecision,
  corsDecision,
  errorResponse,
  json,
  withCors,
} from "@edgeflow/http";
import type { TrackingEnv } from "../env";
import type { RequestAuth } from "../request-context";
import type { Route } from "../routes/route";
import { checkAccess } from "./access";
import { allowedHostsOf, isHostAllowed } from "./hosts";

/**
 * Where auth sits in a request's path (app.ts): the host check and CORS before routing, then,
 * once the route is known, `admit` authenticates the caller (every route but the public ones)
 * and checks the route's rule: raw routes at once, message routes from `route()` as soon as
 * their message is parsed (the rule needs its ids). Errors leave through `fail`, which adds the
 * 401's WWW-Authenticate challenge.
 */

/** The only paths served without credentials (the inference worker adds /ping). */
export const PUBLIC_PATHS: readonly string[] = ["/health", "/version", "/ping", "/edgeflow/info"];

const OPEN: RequestAuth = {
  enabled: false,
  authorize: async () => {},
  succeeded: async () => {},
};

export interface Gate {
  /** Set when the request is answered before routing: a refused host, a CORS preflight or refusal. */
  early?: Response;
  admit(route: Route, request: Request, url: URL, tail: string, db: Database): Promise<RequestAuth>;
  finish(response: Response): Response;
  fail(error: unknown): Response;
}

function refusedHost(hostname: string): Response {
  const message = `Host '${hostname}' is not allowed (a DNS rebinding defence): list it in EDGEFLOW_ALLOWED_HOSTS.`;
  return json({ error_code: "PERMISSION_DENIED", message }, 403);
}

export function openGate(request: Request, url: URL, env: TrackingEnv): Gate {
  let cors: CorsDecision = { kind: "none" };
  const finish = (response: Response) => withCors(response, cors);
  const gate: Gate = {
    admit: (route, req, u, tail, db) => admit(route, req, u, tail, env, db),
    finish,
    // 401s carry the Basic challenge, but to the web UI's own calls (packages/http respond.ts).
    fail: (error) => finish(errorResponse(error, request)),
  };
  if (!isHostAllowed(url.hostname, allowedHostsOf(env.EDGEFLOW_ALLOWED_HOSTS))) {
    return { ...gate, early: refusedHost(url.hostname) };
  }
  cors = corsDecision(request, url, allowedOriginsOf(env.EDGEFLOW_CORS_ORIGINS));
  return cors.kind === "respond" ? { ...gate, early: cors.response } : gate;
}

async function admit(
  route: Route,
  request: Request,
  url: URL,
  tail: string,
  env: TrackingEnv,
  db: Database,
): Promise<RequestAuth> {
  const config: AuthConfig = core.authConfigOf(env);
  const rule = route.access;
  if (!config.enabled) return OPEN;
  // A public rule counts only on a listed path: a mistaken declaration cannot open a route.
  if (rule.kind === "public" && PUBLIC_PATHS.includes(route.path)) return { ...OPEN, enabled: true };
  const principal = await core.authenticate(db, config, request.headers.get("Authorization"), Date.now());
  const caller = { principal, defaultPermission: config.defaultPermission };
  const after = rule.kind === "user" || rule.kind === "all" ? rule.after : undefined;
  const auth: RequestAuth = {
    enabled: true,
    principal,
    caller,
    readScope: principal.isAdmin ? undefined : core.readScopeOf(principal.id, config.defaultPermission),
    authorize: (message) => checkAccess(rule, { message, url, tail, headers: request.headers }, caller, db),
    succeeded: async (message, result) => {
      if (after) await after(message, result, principal, db);
    },
  };
  // Message routes check once their message is parsed (packages/http messageRoute), invocations
  // once their handler knows the endpoint (access.ts "gatewayInvoke"); the rest now.
  if (!route.request && rule.kind !== "gatewayInvoke")
    await checkAccess(rule, { url, tail, headers: request.headers }, caller, db);
  return auth;
}
