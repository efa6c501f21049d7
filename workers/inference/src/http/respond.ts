import { AUTH_CHALLENGE } from "@edgeflow/core";
import { MlflowError } from "@edgeflow/schema";

const JSON_HEADERS = { "Content-Type": "application/json" };

/** Response.json: workerd serialises natively (a third of the cost of stringify + new Response). */
export function json(body: unknown, status = 200): Response {
  return Response.json(body, { status });
}

/** The one place errors become responses: `{"error_code","message"}`, never a stack trace. */
export function errorResponse(error: unknown): Response {
  if (error instanceof MlflowError) {
    const response = json(error, error.httpStatus);
    if (error.errorCode === "UNAUTHENTICATED") response.headers.set("WWW-Authenticate", AUTH_CHALLENGE);
    return response;
  }
  console.error("unhandled error", error);
  return json({ error_code: "INTERNAL_ERROR", message: "Internal error; see the worker's logs." }, 500);
}

export function endpointNotFound(request: Request): Response {
  const { pathname } = new URL(request.url);
  return json(
    { error_code: "ENDPOINT_NOT_FOUND", message: `No endpoint ${request.method} ${pathname} exists.` },
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

/** A server-sent events response fed by `produce`, which writes `data:` events until it returns. */
export function eventStream(produce: (send: (data: unknown) => void) => Promise<void>): Response {
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
  const writer = writable.getWriter();
  const encoder = new TextEncoder();
  const send = (data: unknown) => {
    void writer.write(encoder.encode(`data: ${typeof data === "string" ? data : JSON.stringify(data)}\n\n`));
  };
  void produce(send)
    .catch((error: unknown) => {
      const body =
        error instanceof MlflowError
          ? error.toJSON()
          : { error_code: "INTERNAL_ERROR", message: "Internal error." };
      if (!(error instanceof MlflowError)) console.error("stream failed", error);
      send({ error: body });
    })
    .finally(() => {
      send("[DONE]");
      void writer.close();
    });
  return new Response(readable, {
    headers: { "Content-Type": "text/event-stream", "Cache-Control": "no-cache", Connection: "keep-alive" },
  });
}
