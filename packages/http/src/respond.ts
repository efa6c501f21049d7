import { MlflowError } from "@edgeflow/schema";

/** MLflow's Basic challenge, sent with every 401 but to the web UI (it has its own sign-in page). */
export const AUTH_CHALLENGE = 'Basic realm="mlflow"';

/** Response.json: workerd serialises natively (a third of the cost of stringify + new Response). */
export function json(body: unknown, status = 200): Response {
  return Response.json(body, { status });
}

/** A body already serialised (a message encoded to JSON text). */
export function jsonText(body: string, status = 200): Response {
  return new Response(body, { status, headers: { "Content-Type": "application/json" } });
}

export function text(body: string): Response {
  return new Response(body, { headers: { "Content-Type": "text/plain" } });
}

/**
 * The one place errors become responses: MLflow's `{"error_code","message"}`, never a stack
 * trace; anything not an MlflowError is logged and answered as a 500. A 401 carries the Basic
 * challenge unless the request comes from the web UI (it marks its calls X-Requested-With, as
 * jQuery-era apps do; a challenge would make the browser pop its own prompt over the sign-in page).
 */
export function errorResponse(error: unknown, request?: Request): Response {
  if (!(error instanceof MlflowError)) {
    console.error("unhandled error", error);
    return json({ error_code: "INTERNAL_ERROR", message: "Internal error; see the worker's logs." }, 500);
  }
  const response = jsonText(JSON.stringify(error), error.httpStatus);
  const fromUi = request?.headers.get("X-Requested-With") === "XMLHttpRequest";
  if (response.status === 401 && !fromUi) response.headers.set("WWW-Authenticate", AUTH_CHALLENGE);
  return response;
}

export function endpointNotFound(request: Request, url = new URL(request.url)): Response {
  return json(
    { error_code: "ENDPOINT_NOT_FOUND", message: `No endpoint ${request.method} ${url.pathname} exists.` },
    404,
  );
}

export function methodNotAllowed(request: Request, allowed: string[], url = new URL(request.url)): Response {
  const message = `Method ${request.method} is not allowed for ${url.pathname}; use ${allowed.join(" or ")}.`;
  const response = json({ error_code: "BAD_REQUEST", message }, 405);
  response.headers.set("Allow", allowed.join(", "));
  return response;
}
