import type { Route } from "./routes/route";

/** `params`: the `{name}` segments of a templated path, each percent-decoded once. */
export type Match =
  | { route: Route; tail: string; params: Record<string, string> }
  | { allowed: string[] }
  | undefined;

interface Template {
  /** Literal segments as strings, `{name}` segments as { param: name }. */
  segments: (string | { param: string })[];
  byMethod: Map<string, Route>;
}

/**
 * Path → method → route, built once per isolate. Exact paths are a map lookup; templated paths
 * ("/mlflow/logged-models/{model_id}", as MLflow's protos write them) match segment by segment;
 * wildcard routes ("/prefix/*") are tried longest prefix first. A path that exists for other
 * methods yields the methods allowed, for a 405.
 */
export class Router {
  private readonly exact = new Map<string, Map<string, Route>>();
  private readonly templates: Template[] = [];
  private readonly wildcards: { prefix: string; byMethod: Map<string, Route> }[] = [];

  constructor(routes: readonly Route[], prefixes: readonly string[]) {
    for (const route of routes) {
      for (const prefix of prefixes) this.add(prefix + route.path, route);
    }
    this.wildcards.sort((a, b) => b.prefix.length - a.prefix.length);
    // More literal segments first, so ".../search" wins over ".../{model_id}".
    const literals = (t: Template) => t.segments.filter((s) => typeof s === "string").length;
    this.templates.sort((a, b) => literals(b) - literals(a));
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
    if (path.includes("{")) {
      const segments = path.split("/").map((s) => (/^\{\w+\}$/.test(s) ? { param: s.slice(1, -1) } : s));
      const key = path.replace(/\{\w+\}/g, "{}");
      let entry = this.templates.find((t) => templateKey(t) === key);
      if (!entry) {
        entry = { segments, byMethod: new Map() };
        this.templates.push(entry);
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
      return route ? { route, tail: "", params: {} } : { allowed: [...byMethod.keys()] };
    }
    const parts = rawPath.split("/");
    let allowed: string[] | undefined;
    for (const template of this.templates) {
      const params = bindTemplate(template, parts);
      if (!params) continue;
      const route = template.byMethod.get(method);
      if (route) return { route, tail: "", params };
      allowed ??= [...template.byMethod.keys()];
    }
    if (allowed) return { allowed };
    for (const { prefix, byMethod: candidates } of this.wildcards) {
      if (!rawPath.startsWith(prefix)) continue;
      const route = candidates.get(method);
      return route
        ? { route, tail: rawPath.slice(prefix.length), params: {} }
        : { allowed: [...candidates.keys()] };
    }
    return undefined;
  }
}

function templateKey(template: Template): string {
  return template.segments.map((s) => (typeof s === "string" ? s : "{}")).join("/");
}

/**
 * A template's params for a split path, or undefined when it does not fit. A segment that does
 * not decode, decodes to nothing, or hides a "/" or NUL behind percent-encoding does not fit:
 * ids never contain either, and refusing them here keeps encoded traversal out of every handler.
 */
function bindTemplate(template: Template, parts: string[]): Record<string, string> | undefined {
  if (parts.length !== template.segments.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    const segment = template.segments[i] as Template["segments"][number];
    const part = parts[i] as string;
    if (typeof segment === "string") {
      if (segment !== part) return undefined;
      continue;
    }
    let value: string;
    try {
      value = decodeURIComponent(part);
    } catch {
      return undefined;
    }
    if (value === "" || value.includes("/") || value.includes("\0")) return undefined;
    params[segment.param] = value;
  }
  return params;
}
