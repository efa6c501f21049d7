import { endpointNotFound, methodNotAllowed } from "./respond";
import type { Landing } from "./route";
import type { Routable, Router } from "./router";

/**
 * The row a request is for, tried router by router in order; or the answer when there is none:
 * a 405 listing the methods a path has, else MLflow's ENDPOINT_NOT_FOUND 404.
 */
export function findRoute<R extends Routable>(
  routers: readonly Router<R>[],
  request: Request,
  url: URL,
): { route: R; landing: Landing } | Response {
  for (const router of routers) {
    const match = router.match(request.method, url.pathname);
    if (!match) continue;
    if ("allowed" in match) return methodNotAllowed(request, match.allowed, url);
    return { route: match.route, landing: { url, tail: match.tail, params: match.params } };
  }
  return endpointNotFound(request, url);
}
