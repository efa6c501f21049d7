import { allowedOriginsOf, corsDecision, errorResponse, findRoute, Router, withCors } from "@edgeflow/http";
import type { InferenceEnv } from "./env";
import { routes } from "./routes/index";

const routers = [new Router(routes)];

export async function handleRequest(request: Request, env: InferenceEnv): Promise<Response> {
  const url = new URL(request.url);
  // The tracking worker's policy: browsers only from EDGEFLOW_CORS_ORIGINS (the web UI's try-it panel).
  const cors = corsDecision(request, url, allowedOriginsOf(env.EDGEFLOW_CORS_ORIGINS));
  if (cors.kind === "respond") return cors.response;
  return withCors(await respond(request, url, env), cors);
}

async function respond(request: Request, url: URL, env: InferenceEnv): Promise<Response> {
  try {
    const found = findRoute(routers, request, url);
    if (found instanceof Response) return found;
    const { route, landing } = found;
    // Credentials reach only the rows that check them (routes/route.ts).
    const authorization = route.access.kind === "model" ? request.headers.get("Authorization") : null;
    return await route.handle(request, { ...landing, env, authorization });
  } catch (error) {
    return errorResponse(error, request);
  }
}
