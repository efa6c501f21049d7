import type { TrackingContext } from "@edgeflow/core";
import type { Infer, MessageField, Spec } from "@edgeflow/schema";
import { readJsonBody, readQuery } from "../http/read-input";
import { jsonResponse } from "../http/respond";

export type Method = "GET" | "POST" | "PATCH" | "DELETE" | "PUT";

export interface RequestContext {
  tracking: TrackingContext;
  url: URL;
  /** For a wildcard route ("/prefix/*"): the rest of the path, still percent-encoded. */
  tail: string;
}

/**
 * One REST endpoint: method, MLflow path as in the protos (e.g. "/mlflow/runs/create"; a trailing
 * "/*" matches any sub-path) and the handler. Most rows are message routes built by `route`.
 */
export interface Route {
  method: Method;
  path: string;
  handle(request: Request, ctx: RequestContext): Promise<Response>;
}

/** GET carries its message in the query string; DELETE in a JSON body or, without one, the query. */
async function readInput(
  request: Request,
  url: URL,
  maxBodyBytes?: number,
): Promise<{ query?: Record<string, unknown>; body?: unknown }> {
  if (request.method === "GET") return { query: readQuery(url) };
  if (request.method === "DELETE") {
    const body = request.headers.get("Content-Type") ? await readJsonBody(request, maxBodyBytes) : {};
    return Object.keys(body as object).length > 0 ? { body } : { query: readQuery(url) };
  }
  return { body: await readJsonBody(request, maxBodyBytes) };
}

/** A message endpoint: the request message parses the input, the response message encodes the result. */
export function route<Req extends Spec, Res extends Spec>(
  method: Method,
  path: string,
  request: MessageField<Req, boolean>,
  response: MessageField<Res, boolean>,
  handler: (input: Infer<Req>, ctx: TrackingContext) => Promise<Infer<Res>>,
  options: { maxBodyBytes?: number } = {},
): Route {
  return {
    method,
    path,
    async handle(httpRequest, ctx) {
      const input = await readInput(httpRequest, ctx.url, options.maxBodyBytes);
      const parsed = input.query ? request.parseQuery(input.query) : request.parse(input.body);
      const body = await handler(parsed, ctx.tracking);
      return jsonResponse(JSON.stringify(response.encode(body)));
    },
  };
}

/** An endpoint that handles the HTTP exchange itself (artifact bytes, streamed either way). */
export function rawRoute(method: Method, path: string, handle: Route["handle"]): Route {
  return { method, path, handle };
}
