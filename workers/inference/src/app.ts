import { allowedOriginsOf, corsDecision, withCors } from "@edgeflow/core";
import type { InferenceEnv } from "./env";
import { endpointNotFound, errorResponse, methodNotAllowed } from "./http/respond";
import { Router } from "./router";
import { routes } from "./routes/index";

const router = new Router(routes);

export async function handleRequest(request: Request, env: InferenceEnv): Promise<Response> {
  const url = new URL(request.url);
  // The tracking worker's policy: browsers only from EDGEFLOW_CORS_ORIGINS (the web UI's try-it panel).
  const cors = corsDecision(request, url, allowedOriginsOf(env.EDGEFLOW_CORS_ORIGINS));
  if (cors.kind === "respond") return cors.response;
  return withCors(await route(request, url, env), cors);
}

async function route(request: Request, url: URL, env: InferenceEnv): Promise<Response> {
  try {
    const match = router.match(request.method, url.pathname);
    if (!match) return endpointNotFound(request);
    if ("allowed" in match) return methodNotAllowed(request, match.allowed);
    return await match.route.handle(request, { env, url, ref: match.ref });
  } catch (error) {
    return errorResponse(error);
  }
}
