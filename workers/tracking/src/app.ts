import type { TrackingContext } from "@edgeflow/core";
import * as schema from "@edgeflow/schema";
import { drizzle } from "drizzle-orm/d1";
import type { TrackingEnv } from "./env";
import { readJsonBody, readQuery } from "./http/read-input";
import { endpointNotFound, errorResponse, jsonResponse, methodNotAllowed } from "./http/respond";
import { API_PREFIXES, apiRoutes } from "./routes/index";
import type { Route } from "./routes/route";

/** Exact-path dispatch table, built once per isolate: path → method → route. */
const table = new Map<string, Map<string, Route>>();
for (const route of apiRoutes) {
  for (const prefix of API_PREFIXES) {
    const path = prefix + route.path;
    const byMethod = table.get(path) ?? new Map<string, Route>();
    byMethod.set(route.method, route);
    table.set(path, byMethod);
  }
}

function contextOf(env: TrackingEnv): TrackingContext {
  return {
    db: drizzle(env.DB, { schema }),
    now: () => Date.now(),
    artifactRoot: env.DEFAULT_ARTIFACT_ROOT || "mlflow-artifacts:/",
  };
}

async function callRoute(route: Route, request: Request, url: URL, env: TrackingEnv): Promise<Response> {
  const input = route.method === "GET" ? readQuery(url) : await readJsonBody(request, route.maxBodyBytes);
  return jsonResponse(await route.handle(input, contextOf(env)));
}

export async function handleRequest(request: Request, env: TrackingEnv): Promise<Response> {
  const url = new URL(request.url);
  try {
    if (url.pathname === "/health") return new Response("OK", { headers: { "Content-Type": "text/plain" } });
    if (url.pathname === "/version") {
      return new Response(env.EDGEFLOW_VERSION, { headers: { "Content-Type": "text/plain" } });
    }
    const byMethod = table.get(url.pathname);
    if (!byMethod) return endpointNotFound(request);
    const route = byMethod.get(request.method);
    if (!route) return methodNotAllowed(request, [...byMethod.keys()]);
    return await callRoute(route, request, url, env);
  } catch (error) {
    return errorResponse(error);
  }
}
