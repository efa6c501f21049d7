import type { InferenceEnv } from "../env";

export type Method = "GET" | "POST";

export interface RequestContext {
  env: InferenceEnv;
  url: URL;
  /** For /models/{ref}/... rows: the reference as sent (still percent-encoded). */
  ref?: string;
}

/** One endpoint: method, path ("{ref}" stands for a model reference) and handler. */
export interface Route {
  method: Method;
  path: string;
  handle(request: Request, ctx: RequestContext): Promise<Response>;
}

export function route(method: Method, path: string, handle: Route["handle"]): Route {
  return { method, path, handle };
}
