import type { Route } from "./routes/route";

export type Match = { route: Route; ref?: string } | { allowed: string[] } | undefined;

const MODELS = "/models/";

/**
 * Path → method → route, built once per isolate from the route table. Fixed paths are a map
 * lookup; "/models/{ref}/<endpoint>" rows match any path between /models/ and their endpoint, the
 * longest endpoint first (a model name may itself end in "/v1").
 */
export class Router {
  private readonly exact = new Map<string, Map<string, Route>>();
  private readonly byModel: { suffix: string; byMethod: Map<string, Route> }[] = [];

  constructor(routes: readonly Route[]) {
    for (const route of routes) {
      if (route.path.startsWith(`${MODELS}{ref}/`)) {
        const suffix = route.path.slice(`${MODELS}{ref}`.length);
        let entry = this.byModel.find((candidate) => candidate.suffix === suffix);
        if (!entry) {
          entry = { suffix, byMethod: new Map() };
          this.byModel.push(entry);
        }
        entry.byMethod.set(route.method, route);
      } else {
        const byMethod = this.exact.get(route.path) ?? new Map<string, Route>();
        byMethod.set(route.method, route);
        this.exact.set(route.path, byMethod);
      }
    }
    this.byModel.sort((a, b) => b.suffix.length - a.suffix.length);
  }

  match(method: string, path: string): Match {
    const exact = this.exact.get(path);
    if (exact) {
      const route = exact.get(method);
      return route ? { route } : { allowed: [...exact.keys()] };
    }
    if (!path.startsWith(MODELS)) return undefined;
    for (const { suffix, byMethod } of this.byModel) {
      if (!path.endsWith(suffix) || path.length <= MODELS.length + suffix.length) continue;
      const route = byMethod.get(method);
      const ref = path.slice(MODELS.length, path.length - suffix.length);
      return route ? { route, ref } : { allowed: [...byMethod.keys()] };
    }
    return undefined;
  }
}
