import type { TrackingContext } from "@edgeflow/core";
import * as schema from "@edgeflow/schema";
import { drizzle } from "drizzle-orm/d1";
import { artifactStoreOf } from "./artifact-store";
import type { TrackingEnv } from "./env";
import { endpointNotFound, errorResponse, methodNotAllowed } from "./http/respond";
import { Router } from "./router";
import { API_PREFIXES, apiRoutes, ROOT_PREFIXES, rootRoutes } from "./routes/index";

const router = new Router(apiRoutes, API_PREFIXES);
const rootRouter = new Router(rootRoutes, ROOT_PREFIXES);

function contextOf(env: TrackingEnv): TrackingContext {
  return {
    db: drizzle(env.DB, { schema }),
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
  try {
    if (url.pathname === "/health") return new Response("OK", { headers: { "Content-Type": "text/plain" } });
    if (url.pathname === "/version") {
      return new Response(env.EDGEFLOW_VERSION, { headers: { "Content-Type": "text/plain" } });
    }
    const match =
      router.match(request.method, url.pathname) ?? rootRouter.match(request.method, url.pathname);
    if (!match) return endpointNotFound(request);
    if ("allowed" in match) return methodNotAllowed(request, match.allowed);
    return await match.route.handle(request, { tracking: contextOf(env), url, tail: match.tail });
  } catch (error) {
    return errorResponse(error);
  }
}
