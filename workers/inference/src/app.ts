import type { InferenceEnv } from "./env";
import { endpointNotFound, errorResponse, methodNotAllowed } from "./http/respond";
import { Router } from "./router";
import { routes } from "./routes/index";

const router = new Router(routes);

export async function handleRequest(request: Request, env: InferenceEnv): Promise<Response> {
  const url = new URL(request.url);
  try {
    const match = router.match(request.method, url.pathname);
    if (!match) return endpointNotFound(request);
    if ("allowed" in match) return methodNotAllowed(request, match.allowed);
    return await match.route.handle(request, { env, url, ref: match.ref });
  } catch (error) {
    return errorResponse(error);
  }
}
