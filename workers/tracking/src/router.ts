import type { Route } from "./routes/route";

export type Match = { route: Route; tail: string } | { allowed: string[] } | undefined;

/**
 * Path → method → route, built once per isolate. Exact paths are a map lookup; wildcard routes
 * ("/prefix/*") are tried longest prefix first. A path that exists for other methods yields the
 * methods allowed, for a 405.
 */
export class Router {
  private readonly exact = new Map<string, Map<string, Route>>();
  private readonly wildcards: { prefix: string; byMethod: Map<string, Route> }[] = [];

  constructor(routes: readonly Route[], prefixes: readonly string[]) {
    for (const route of routes) {
      for (const prefix of prefixes) this.add(prefix + route.path, route);
    }
    this.wildcards.sort((a, b) => b.prefix.length - a.prefix.length);
  }

  private add(path: string, route: Route): void {
    if (path.endsWith("/*")) {
      const prefix = path.slice(0, -1);
      let entry = this.wildcards.find((w) => w.prefix === prefix);
      if (!entry) {
        entry = { prefix, byMethod: new Map() };
        this.wildcards.push(entry);
      }
      entry.byMethod.set(route.method, route);
      return;
    }
    const byMethod = this.exact.get(path) ?? new Map<string, Route>();
    byMethod.set(route.method, route);
    this.exact.set(path, byMethod);
  }

  /** `rawPath` is the request path exactly as sent (percent-encoding intact). */
  match(method: string, rawPath: string): Match {
    const byMethod = this.exact.get(rawPath);
    if (byMethod) {
      const route = byMethod.get(method);
      return route ? { route, tail: "" } : { allowed: [...byMethod.keys()] };
    }
    for (const { prefix, byMethod: candidates } of this.wildcards) {
      if (!rawPath.startsWith(prefix)) continue;
      const route = candidates.get(method);
      return route ? { route, tail: rawPath.slice(prefix.length) } : { allowed: [...candidates.keys()] };
    }
    return undefined;
  }
}
