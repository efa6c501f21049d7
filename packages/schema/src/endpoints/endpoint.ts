import type { Infer, MessageField, Spec } from "../wire/fields";

export type HttpMethod = "GET" | "POST" | "PATCH" | "DELETE";

/** The API version an endpoint is served under: /api/<version> (and /ajax-api/<version>). */
export type ApiVersion = "2.0" | "3.0";

/**
 * One MLflow REST endpoint as a client and a server both see it: method, path as MLflow's protos
 * write it (`{name}` for a path parameter, filled from the request field of that name), the API
 * version, and the request and response messages. The tracking worker's route rows point at these
 * and add the access rule and the handler; the SDK builds its methods from the same table.
 */
export interface Endpoint<Req extends Spec = Spec, Res extends Spec = Spec> {
  readonly method: HttpMethod;
  readonly path: string;
  readonly version: ApiVersion;
  readonly request: MessageField<Req, boolean>;
  readonly response: MessageField<Res, boolean>;
}

export function endpoint<Req extends Spec, Res extends Spec>(
  method: HttpMethod,
  path: string,
  request: MessageField<Req, boolean>,
  response: MessageField<Res, boolean>,
  version: ApiVersion = "2.0",
): Endpoint<Req, Res> {
  return { method, path, version, request, response };
}

/** The request type of an endpoint (what a caller sends). */
export type RequestOf<E> = E extends Endpoint<infer Req, Spec> ? Infer<Req> : never;
/** The response type of an endpoint (what the server answers). */
export type ResponseOf<E> = E extends Endpoint<Spec, infer Res> ? Infer<Res> : never;
