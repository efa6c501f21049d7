import type { TrackingContext } from "@edgeflow/core";
import * as schema from "@edgeflow/schema";
import { drizzle } from "drizzle-orm/d1";
import { artifactStoreOf } from "./artifact-store";
import { openGate, type RequestAuth } from "./auth/gate";
import type { TrackingEnv } from "./env";
import { endpointNotFound, methodNotAllowed } from "./http/respond";
import { Router } from "./router";
import {
  API_PREFIXES,
  API_V3_PREFIXES,
  apiRoutes,
  apiRoutesV3,
  otlpRoutes,
  ROOT_PREFIXES,
  rootRoutes,
} from "./routes/index";

const router = new Router(apiRoutes, API_PREFIXES);
const rootRouter = new Router(rootRoutes, ROOT_PREFIXES);
const v3Router = new Router(apiRoutesV3, API_V3_PREFIXES);
const otlpRouter = new Router(otlpRoutes, [""]);

function contextOf(env: TrackingEnv, auth: RequestAuth): TrackingContext {
  return {
    db: drizzle(env.DB, { schema }),
    readScope: auth.readScope,
    now: () => Date.now(),
    artifactRoot: env.DEFAULT_ARTIFACT_ROOT || "mlflow-artifacts:/",
    // Built on first use: most requests never touch the bucket.
    get artifacts() {
      return artifactStoreOf(env);
    },
  };
}

export async function handleRequest(request: Request, env: TrackingEnv): Promise<Response> {
  const url = new URL(request.url);
  // Host check and CORS come first, for every path; credentials are checked per route below.
  const gate = openGate(request, url, env);
  if (gate.early) return gate.early;
  try {
    // Public by design (auth/gate.ts PUBLIC_PATHS): no credentials, no database.
    if (url.pathname === "/health")
      return gate.finish(new Response("OK", { headers: { "Content-Type": "text/plain" } }));
    if (url.pathname === "/version") {
      return gate.finish(new Response(env.EDGEFLOW_VERSION, { headers: { "Content-Type": "text/plain" } }));
    }
    const match =
      router.match(request.method, url.pathname) ??
      v3Router.match(request.method, url.pathname) ??
      otlpRouter.match(request.method, url.pathname) ??
      rootRouter.match(request.method, url.pathname);
    if (!match) return gate.finish(endpointNotFound(request));
    if ("allowed" in match) return gate.finish(methodNotAllowed(request, match.allowed));
    const auth = await gate.admit(match.route, request, url, match.tail);
    const ctx = { tracking: contextOf(env, auth), url, tail: match.tail, params: match.params, auth };
    return gate.finish(await match.route.handle(request, ctx));
  } catch (error) {
    return gate.fail(error);
  }
}
