import type { Infer, MessageField, Spec } from "@edgeflow/schema";
import { readQuery } from "./body";
import { JSON_DIALECTS, readJsonObject } from "./json-body";
import { jsonText } from "./respond";
import type { Landing, Method, Route } from "./route";

/** MLflow's request bodies are small JSON documents; routes that take more say so (log-batch). */
export const DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;

/** What a message route asks of the worker's auth, around its handler. */
export interface Guard {
  /** Checks the row's access rule against the parsed message (the rule needs its ids). */
  authorize(message: Record<string, unknown>): Promise<void>;
  /** The rule's after-success hook (the creator of an experiment gets MANAGE on it). */
  succeeded(message: Record<string, unknown>, result: unknown): Promise<void>;
}

export interface MessageContext extends Landing {
  auth: Guard;
}

/** A JSON body in MLflow's REST dialect (JSON only, empty means `{}`). */
export function readMlflowJson(request: Request, maxBytes = DEFAULT_MAX_BODY_BYTES) {
  return readJsonObject(request, maxBytes, JSON_DIALECTS.mlflowApi);
}

/** GET carries its message in the query string; DELETE in a JSON body or, without one, the query. */
async function readInput(
  request: Request,
  url: URL,
  maxBodyBytes?: number,
): Promise<{ query?: Record<string, unknown>; body?: unknown }> {
  if (request.method === "GET") return { query: readQuery(url) };
  if (request.method === "DELETE") {
    const body = request.headers.get("Content-Type") ? await readMlflowJson(request, maxBodyBytes) : {};
    return Object.keys(body).length > 0 ? { body } : { query: readQuery(url) };
  }
  return { body: await readMlflowJson(request, maxBodyBytes) };
}

function withPathParams(body: unknown, params: Record<string, string>): unknown {
  if (Object.keys(params).length === 0) return body;
  return body !== null && typeof body === "object" && !Array.isArray(body) ? { ...body, ...params } : body;
}

/**
 * A message endpoint, MLflow's common case: the request message parses the input (query string,
 * JSON body and path parameters, the path winning, as MLflow's protos bind them), the access rule
 * is checked on the parsed message, the handler runs, the response message encodes its result.
 */
export function messageRoute<Ctx extends MessageContext, Rule, Req extends Spec, Res extends Spec>(
  method: Method,
  path: string,
  access: Rule,
  request: MessageField<Req, boolean>,
  response: MessageField<Res, boolean>,
  handler: (input: Infer<Req>, ctx: Ctx) => Promise<Infer<Res>>,
  options: { maxBodyBytes?: number } = {},
): Route<Ctx, Rule> {
  return {
    method,
    path,
    access,
    request: request as unknown as MessageField<Spec, boolean>,
    response: response as unknown as MessageField<Spec, boolean>,
    maxBodyBytes: options.maxBodyBytes,
    async handle(httpRequest, ctx) {
      const input = await readInput(httpRequest, ctx.url, options.maxBodyBytes);
      const parsed = input.query
        ? request.parseQuery({ ...input.query, ...ctx.params })
        : request.parse(withPathParams(input.body, ctx.params));
      await ctx.auth.authorize(parsed as Record<string, unknown>);
      const body = await handler(parsed, ctx);
      await ctx.auth.succeeded(parsed as Record<string, unknown>, body);
      return jsonText(JSON.stringify(response.encode(body)));
    },
  };
}
