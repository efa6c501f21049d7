import { MlflowError } from "@edgeflow/schema";

const JSON_HEADERS = { "Content-Type": "application/json" };

export function jsonResponse(body: string, status = 200): Response {
  return new Response(body, { status, headers: JSON_HEADERS });
}

/** The one place errors become responses: MLflow's `{"error_code","message"}`, never a stack trace. */
export function errorResponse(error: unknown): Response {
  if (error instanceof MlflowError) return jsonResponse(JSON.stringify(error), error.httpStatus);
  console.error("unhandled error", error);
  return jsonResponse(
    JSON.stringify({ error_code: "INTERNAL_ERROR", message: "Internal error; see the worker's logs." }),
    500,
  );
}

export function endpointNotFound(request: Request): Response {
  const { pathname } = new URL(request.url);
  return jsonResponse(
    JSON.stringify({
      error_code: "ENDPOINT_NOT_FOUND",
      message: `No endpoint ${request.method} ${pathname} exists.`,
    }),
    404,
  );
}

export function methodNotAllowed(request: Request, allowed: string[]): Response {
  return new Response(
    JSON.stringify({
      error_code: "BAD_REQUEST",
      message: `Method ${request.method} is not allowed for ${new URL(request.url).pathname}; use ${allowed.join(" or ")}.`,
    }),
    { status: 405, headers: { ...JSON_HEADERS, Allow: allowed.join(", ") } },
  );
}
