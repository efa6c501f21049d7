import type { MessageField, Spec } from "@edgeflow/schema";

export type Method = "GET" | "POST" | "PATCH" | "DELETE" | "PUT";

/** Where a request landed: its URL and what the router bound from the path. */
export interface Landing {
  url: URL;
  /** For a wildcard route ("/prefix/*"): the rest of the path, still percent-encoded. */
  tail: string;
  /** For a templated route ("/mlflow/logged-models/{model_id}"): its path parameters. */
  params: Record<string, string>;
}

/**
 * One endpoint, the one place it is declared: method, path, what the caller needs (`access`, a
 * worker's own rule type; required, so a row without a rule does not type-check), its messages
 * and body limit when it has them, and the handler. `Context` is what the worker hands each
 * handler.
 *
 * Paths are written as MLflow's protos write them: "/mlflow/runs/create", `{name}` for one
 * segment ("/mlflow/logged-models/{model_id}"), `{name+}` for one or more raw segments
 * ("/models/{ref+}/invocations"), and a trailing "/*" for any sub-path.
 */
export interface Route<Context, Rule> {
  method: Method;
  path: string;
  access: Rule;
  /** The request message, for routes that parse one: the access rule is checked once it is parsed. */
  request?: MessageField<Spec, boolean>;
  /** The response message it is encoded with. */
  response?: MessageField<Spec, boolean>;
  /** The largest body the route reads, when it differs from the worker's default. */
  maxBodyBytes?: number;
  handle(request: Request, ctx: Context): Promise<Response>;
}

/** "METHOD path": how rows are named in errors, tests and the route table. */
export const routeKey = (route: { method: string; path: string }): string => `${route.method} ${route.path}`;
