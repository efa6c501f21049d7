import type { TrackingContext } from "@edgeflow/core";
import type { Infer, MessageField, Spec } from "@edgeflow/schema";
import type { Access } from "../auth/access";
import type { RequestAuth } from "../auth/gate";
import { readJsonBody, readQuery } from "../http/read-input";
import { jsonResponse } from "../http/respond";

export type Method = "GET" | "POST" | "PATCH" | "DELETE" | "PUT";

export interface RequestContext {
  tracking: TrackingContext;
  url: URL;
  /** For a wildcard route ("/prefix/*"): the rest of the path, still percent-encoded. */
  tail: string;
  /** For a templated route ("/mlflow/logged-models/{model_id}"): its path parameters, decoded. */
  params: Record<string, string>;
  /** The caller and the route's permission check (auth/gate.ts). */
  auth: RequestAuth;
}

/**
 * One REST endpoint: method, MLflow path as in the protos (e.g. "/mlflow/runs/create"; a trailing
 * "/*" matches any sub-path) and the handler. Most rows are message routes built by `route`.
 */
export interface Route {
  method: Method;
  path: string;
  handle(request: Request, ctx: RequestContext): Promise<Response>;
  /** What the caller needs; rows without one take theirs from auth/policy.ts. */
  access?: Access;
  /** Set by `route`: the permission check runs once the message is parsed, not before the handler. */
  parsesMessage?: boolean;
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

function withPathParams(body: unknown, params: Record<string, string>): unknown {
  if (Object.keys(params).length === 0) return body;
  return body !== null && typeof body === "object" && !Array.isArray(body) ? { ...body, ...params } : body;
}

/** A message endpoint: the request message parses the input, the response message encodes the result. */
export function route<Req extends Spec, Res extends Spec>(
  method: Method,
  path: string,
  request: MessageField<Req, boolean>,
  response: MessageField<Res, boolean>,
  handler: (input: Infer<Req>, ctx: TrackingContext, requestContext: RequestContext) => Promise<Infer<Res>>,
  options: { maxBodyBytes?: number; access?: Access } = {},
): Route {
  return {
    method,
    path,
    access: options.access,
    parsesMessage: true,
    async handle(httpRequest, ctx) {
      const input = await readInput(httpRequest, ctx.url, options.maxBodyBytes);
      // Path parameters are fields of the request message, as in MLflow; the path wins.
      const parsed = input.query
        ? request.parseQuery({ ...input.query, ...ctx.params })
        : request.parse(withPathParams(input.body, ctx.params));
      await ctx.auth.authorize(parsed as Record<string, unknown>);
      const body = await handler(parsed, ctx.tracking, ctx);
      await ctx.auth.succeeded(parsed as Record<string, unknown>, body);
      return jsonResponse(JSON.stringify(response.encode(body)));
    },
  };
}

/** An endpoint that handles the HTTP exchange itself (artifact bytes, streamed either way). */
export function rawRoute(method: Method, path: string, handle: Route["handle"], access?: Access): Route {
  return { method, path, handle, access };
}
