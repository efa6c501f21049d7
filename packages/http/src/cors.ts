/**
 * The CORS policy of both workers (the tracking API and the inference URLs). Browsers may call
 * them cross-origin only from the exact origins in EDGEFLOW_CORS_ORIGINS (comma-separated; none by default). Credentials are allowed for those,
 * so a wildcard is never honoured. Requests from any other origin are refused outright (403)
 * rather than served without CORS headers: a simple cross-site GET or form POST then has no
 * effect at all. Requests without an Origin header (the MLflow client, curl) are untouched.
 */
export type CorsDecision =
  | { kind: "none" }
  | { kind: "allowed"; origin: string }
  | { kind: "respond"; response: Response };

export function allowedOriginsOf(value: string | undefined): Set<string> {
  return new Set(
    (value ?? "")
      .split(",")
      .map((origin) => origin.trim().replace(/\/$/, ""))
      .filter((origin) => origin !== "" && origin !== "*" && origin !== "null"),
  );
}

const ALLOWED_METHODS = "GET, POST, PATCH, PUT, DELETE";
const ALLOWED_HEADERS = "Authorization, Content-Type, Range";

export function corsDecision(request: Request, url: URL, allowed: Set<string>): CorsDecision {
  const origin = request.headers.get("Origin");
  if (origin === null || origin === url.origin) return { kind: "none" };
  if (!allowed.has(origin)) {
    const body = JSON.stringify({
      error_code: "PERMISSION_DENIED",
      message: `Cross-origin requests from ${origin} are not allowed: list the origin in EDGEFLOW_CORS_ORIGINS.`,
    });
    return {
      kind: "respond",
      response: new Response(body, { status: 403, headers: { "Content-Type": "application/json" } }),
    };
  }
  if (request.method === "OPTIONS" && request.headers.has("Access-Control-Request-Method")) {
    const headers = new Headers(corsHeaders(origin));
    headers.set("Access-Control-Allow-Methods", ALLOWED_METHODS);
    headers.set("Access-Control-Allow-Headers", ALLOWED_HEADERS);
    headers.set("Access-Control-Max-Age", "600");
    return { kind: "respond", response: new Response(null, { status: 204, headers }) };
  }
  return { kind: "allowed", origin };
}

function corsHeaders(origin: string): Record<string, string> {
  return {
    "Access-Control-Allow-Origin": origin,
    "Access-Control-Allow-Credentials": "true",
    "Access-Control-Expose-Headers": "Content-Length, Content-Range, Content-Disposition",
    Vary: "Origin",
  };
}

/** The response with CORS headers for an allowed origin (copied: fetched responses are immutable). */
export function withCors(response: Response, decision: CorsDecision): Response {
  if (decision.kind !== "allowed") return response;
  const copy = new Response(response.body, response);
  for (const [name, value] of Object.entries(corsHeaders(decision.origin))) copy.headers.set(name, value);
  return copy;
}
