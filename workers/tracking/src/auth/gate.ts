import type { AuthConfig, CorsDecision, Principal, ReadScope } from "@edgeflow/core";
import * as core from "@edgeflow/core";
import * as schema from "@edgeflow/schema";
import { drizzle } from "drizzle-orm/d1";
import type { TrackingEnv } from "../env";
import { errorResponse } from "../http/respond";
import type { Route } from "../routes/route";
import { checkAccess } from "./access";
import { allowedHostsOf, isHostAllowed } from "./hosts";
import { accessOf, afterOf } from "./policy";

/**
 * Where auth sits in a request's path (app.ts): the host check and CORS before routing, then,
 * once the route is known, `admit` authenticates the caller (every route but the public ones)
 * and checks the route's rule: raw routes at once, message routes from `route()` as soon as
 * their message is parsed (the rule needs its ids). Errors leave through `fail`, which adds the
 * 401's WWW-Authenticate challenge.
 */

/** The only paths served without credentials (the inference worker adds /ping). */
export const PUBLIC_PATHS: readonly string[] = ["/health", "/version", "/ping"];

/** What a route's handler learns about auth. */
export interface RequestAuth {
  /** False when EDGEFLOW_AUTH is off: then nobody is authenticated and everything is allowed. */
  enabled: boolean;
  /** The authenticated caller (undefined when auth is off or the route is public). */
  principal?: Principal;
  /** For non-admin callers: what searches may show them. */
  readScope?: ReadScope;
  /** Checks the route's rule against its parsed message; `route()` calls it before the handler. */
  authorize(message: Record<string, unknown>): Promise<void>;
  /** The route's after-success hook (the creator of an experiment or model gets MANAGE). */
  succeeded(message: Record<string, unknown>, result: unknown): Promise<void>;
}

const OPEN: RequestAuth = {
  enabled: false,
  authorize: async () => {},
  succeeded: async () => {},
};

export interface Gate {
  /** Set when the request is answered before routing: a refused host, a CORS preflight or refusal. */
  early?: Response;
  admit(route: Route, request: Request, url: URL, tail: string): Promise<RequestAuth>;
  finish(response: Response): Response;
  fail(error: unknown): Response;
}

function refusedHost(hostname: string): Response {
  const body = JSON.stringify({
    error_code: "PERMISSION_DENIED",
    message: `Host '${hostname}' is not allowed (a DNS rebinding defence): list it in EDGEFLOW_ALLOWED_HOSTS.`,
  });
  return new Response(body, { status: 403, headers: { "Content-Type": "application/json" } });
}

export function openGate(request: Request, url: URL, env: TrackingEnv): Gate {
  let cors: CorsDecision = { kind: "none" };
  const finish = (response: Response) => core.withCors(response, cors);
  const gate: Gate = {
    admit: (route, req, u, tail) => admit(route, req, u, tail, env),
    finish,
    fail(error) {
      const response = errorResponse(error);
      // The web UI marks its calls (X-Requested-With, as jQuery-era apps do): it has a sign-in page,
      // and a challenge would make the browser pop its own Basic-auth prompt over it.
      const fromUi = request.headers.get("X-Requested-With") === "XMLHttpRequest";
      if (response.status === 401 && !fromUi) response.headers.set("WWW-Authenticate", core.AUTH_CHALLENGE);
      return finish(response);
    },
  };
  if (!isHostAllowed(url.hostname, allowedHostsOf(env.EDGEFLOW_ALLOWED_HOSTS))) {
    return { ...gate, early: refusedHost(url.hostname) };
  }
  cors = core.corsDecision(request, url, core.allowedOriginsOf(env.EDGEFLOW_CORS_ORIGINS));
  return cors.kind === "respond" ? { ...gate, early: cors.response } : gate;
}

async function admit(
  route: Route,
  request: Request,
  url: URL,
  tail: string,
  env: TrackingEnv,
): Promise<RequestAuth> {
  const config: AuthConfig = core.authConfigOf(env);
  const rule = accessOf(route);
  if (!config.enabled) return OPEN;
  // A public rule counts only on a listed path: a mistaken declaration cannot open a route.
  if (rule.kind === "public" && PUBLIC_PATHS.includes(route.path)) return { ...OPEN, enabled: true };
  const db = drizzle(env.DB, { schema });
  const principal = await core.authenticate(db, config, request.headers.get("Authorization"), Date.now());
  const caller = { principal, defaultPermission: config.defaultPermission };
  const after = afterOf(route);
  const auth: RequestAuth = {
    enabled: true,
    principal,
    readScope: principal.isAdmin ? undefined : core.readScopeOf(principal.id, config.defaultPermission),
    authorize: (message) => checkAccess(rule, { message, url, tail, headers: request.headers }, caller, db),
    succeeded: async (message, result) => {
      if (after) await after(message, result, principal, db);
    },
  };
  if (!route.parsesMessage) await checkAccess(rule, { url, tail, headers: request.headers }, caller, db);
  return auth;
}
