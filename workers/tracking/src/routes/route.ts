import type { TrackingContext } from "@edgeflow/core";
import { type Route as KitRoute, type Method, messageRoute } from "@edgeflow/http";
import type { Endpoint, Infer, Spec } from "@edgeflow/schema";
import type { Access } from "../auth/access";
import type { RequestContext } from "../request-context";

/** A tracking endpoint: one row of packages/http's kind, its access in auth/rules.ts's words. */
export type Route = KitRoute<RequestContext, Access>;

/**
 * A message endpoint (most of MLflow's API): its declaration in packages/schema (method, path,
 * messages), what the caller needs, and the handler, which gets the parsed input and the
 * operations' context (core takes it as is).
 */
export function route<Req extends Spec, Res extends Spec>(
  api: Endpoint<Req, Res>,
  access: Access,
  handler: (input: Infer<Req>, ctx: TrackingContext, requestContext: RequestContext) => Promise<Infer<Res>>,
  options: { maxBodyBytes?: number } = {},
): Route {
  return messageRoute(
    api.method,
    api.path,
    access,
    api.request,
    api.response,
    (input, ctx) => handler(input, ctx.tracking, ctx),
    options,
  );
}

/** An endpoint that handles the HTTP exchange itself (artifact bytes, streamed either way). */
export function rawRoute(method: Method, path: string, access: Access, handle: Route["handle"]): Route {
  return { method, path, access, handle };
}
