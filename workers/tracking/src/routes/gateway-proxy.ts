import { json, readMlflowJson } from "@edgeflow/http";
import { MlflowError } from "@edgeflow/schema";
import * as rule from "../auth/rules";
import type { RequestContext } from "../request-context";
import { type Route, rawRoute } from "./route";

/**
 * MLflow 2.x's `/ajax-api/2.0/mlflow/gateway-proxy` (mlflow/server/handlers.py
 * gateway_proxy_handler): the web UI's prompt lab lists and calls deployments endpoints through
 * the tracking server, naming the deployments server's path in `gateway_path` (a query parameter
 * on GET, a JSON field with `json_data` on POST). MLflow forwards to MLFLOW_DEPLOYMENTS_TARGET;
 * Edgeflow's gateway lives in this worker, so the path is served here, as a new request through
 * the same gate with the caller's credentials: the proxy can reach nothing the caller could not
 * call directly, and only the gateway's own paths.
 */
const GATEWAY_PATHS = [
  /^api\/2\.0\/endpoints\/[^/]*$/,
  /^(endpoints|gateway)\/[^/]+\/invocations$/,
  /^gateway\/[^/]+\/mlflow\/invocations$/,
  /^gateway\/mlflow\/v1\/chat\/completions$/,
  /^v1\/(chat\/completions|completions|embeddings)$/,
];
/** Characters that would let a path mean another one (encodings, traversal, a query of its own). */
const UNSAFE = /[%?#\\\0]|(^|\/)\.\.?(\/|$)/;

function gatewayPathOf(value: unknown): string {
  if (value === undefined || value === null || value === "") {
    throw MlflowError.invalidParameter("Deployments proxy request must specify a gateway_path.");
  }
  const path = typeof value === "string" ? value : "";
  if (UNSAFE.test(path) || !GATEWAY_PATHS.some((pattern) => pattern.test(path))) {
    throw MlflowError.invalidParameter(
      `Deployments proxy request gateway_path '${String(value)}' is not a gateway path this server serves.`,
    );
  }
  return path;
}

async function proxy(request: Request, ctx: RequestContext): Promise<Response> {
  const args =
    request.method === "GET"
      ? Object.fromEntries(ctx.url.searchParams)
      : ((await readMlflowJson(request)) as Record<string, unknown>);
  const path = gatewayPathOf(args.gateway_path);
  const headers = new Headers({ Accept: "application/json" });
  const credentials = request.headers.get("Authorization");
  if (credentials) headers.set("Authorization", credentials);
  const body = request.method === "GET" ? undefined : JSON.stringify(args.json_data ?? {});
  if (body !== undefined) headers.set("Content-Type", "application/json");
  const answer = await ctx.subrequest(
    new Request(new URL(`/${path}`, ctx.url), { method: request.method, headers, body }),
  );
  // A success, or a refusal of the caller's own credentials (401, 403), as the gateway answered it.
  if (answer.ok || answer.status === 401 || answer.status === 403) return answer;
  // MLflow's words for a failed proxied call, with the gateway's status and its error code.
  const text = await answer.text();
  let errorCode = "INTERNAL_ERROR";
  try {
    errorCode = (JSON.parse(text) as { error_code?: string }).error_code ?? errorCode;
  } catch {
    // Not JSON: the status says enough.
  }
  return json(
    {
      error_code: errorCode,
      message: `Deployments proxy request failed with error code ${answer.status}. Error message: ${text}`,
    },
    answer.status,
  );
}

/** Signing in is enough to reach the proxy; the proxied call checks the endpoint's own permission. */
export const gatewayProxyRoutes: Route[] = [
  rawRoute("GET", "/mlflow/gateway-proxy", rule.USER, proxy),
  rawRoute("POST", "/mlflow/gateway-proxy", rule.USER, proxy),
];
