import type { TrackingContext } from "@edgeflow/core";
import type { Infer, MessageField, Spec } from "@edgeflow/schema";

export type Method = "GET" | "POST" | "PATCH" | "DELETE" | "PUT";

/**
 * One REST endpoint: method, MLflow path (as in the protos, e.g. "/mlflow/runs/create"), the
 * request and response messages, and a handler that only sees parsed input.
 */
export interface Route {
  method: Method;
  path: string;
  /** Largest body accepted, in bytes (defaults to the reader's). */
  maxBodyBytes?: number;
  /** `input` is a JSON body, or for GET the query parameters. */
  handle(input: unknown, ctx: TrackingContext): Promise<string>;
}

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
    ...options,
    async handle(input, ctx) {
      const parsed =
        method === "GET" ? request.parseQuery(input as Record<string, unknown>) : request.parse(input);
      const body = await handler(parsed, ctx);
      return JSON.stringify(response.encode(body));
    },
  };
}
