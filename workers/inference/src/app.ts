import { allowedOriginsOf, corsDecision, errorResponse, findRoute, Router, withCors } from "@edgeflow/http";
import type { InferenceEnv } from "./env";
import { routes } from "./routes/index";

const routers = [new Router(routes)];

/** What the runtime lends a request beyond its response (the Workers ExecutionContext's part we use). */
export interface AfterResponse {
  waitUntil(work: Promise<unknown>): void;
}

/** Outside a Worker (tests calling in directly) later work just runs; failures are its own to log. */
const runDetached: AfterResponse = { waitUntil: (work) => void work.catch(() => undefined) };

export async function handleRequest(
  request: Request,
  env: InferenceEnv,
  after: AfterResponse = runDetached,
): Promise<Response> {
  const url = new URL(request.url);
  // The tracking worker's policy: browsers only from EDGEFLOW_CORS_ORIGINS (the web UI's try-it panel).
  const cors = corsDecision(request, url, allowedOriginsOf(env.EDGEFLOW_CORS_ORIGINS));
  if (cors.kind === "respond") return cors.response;
  const requestId = requestIdOf(request);
  const answered = withCors(await respond(request, url, env, requestId, after), cors);
  // A fresh Response: the one answered may carry immutable headers.
  const response = new Response(answered.body, answered);
  response.headers.set("X-Request-Id", requestId);
  return response;
}

/** A caller's id is kept when it is a plain token (it is echoed in a header and hashed for splits). */
function requestIdOf(request: Request): string {
  const given = request.headers.get("X-Request-Id");
  return given && /^[\w.:-]{1,128}$/.test(given) ? given : crypto.randomUUID();
}

async function respond(
  request: Request,
  url: URL,
  env: InferenceEnv,
  requestId: string,
  after: AfterResponse,
): Promise<Response> {
  try {
    const found = findRoute(routers, request, url);
    if (found instanceof Response) return found;
    const { route, landing } = found;
    // Credentials reach only the rows that check them (routes/route.ts).
    const authorization = route.access.kind === "model" ? request.headers.get("Authorization") : null;
    const waitUntil = (work: Promise<unknown>) => after.waitUntil(work);
    return await route.handle(request, { ...landing, env, authorization, requestId, waitUntil });
  } catch (error) {
    return errorResponse(error, request);
  }
}
