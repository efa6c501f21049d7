/** What the router needs of a row. */
export interface Routable {
  method: string;
  path: string;
}

/**
 * `params`: the `{name}` segments of a templated path, each percent-decoded once, and a `{name+}`
 * run of segments as sent (still percent-encoded: its handler decides how to read it).
 */
export type Match<R> =
  | { route: R; tail: string; params: Record<string, string> }
  | { allowed: string[] }
  | undefined;

type Segment = string | { param: string; rest?: true };

interface Template<R> {
  /** Literal segments as strings, `{name}` segments as { param: name }, `{name+}` with `rest`. */
  segments: Segment[];
  byMethod: Map<string, R>;
}

/**
 * Path → method → route, built once per isolate, for every row under each of its prefixes (MLflow
 * serves each endpoint under /api/2.0 and /ajax-api/2.0). Exact paths are a map lookup; templated
 * paths ("/mlflow/logged-models/{model_id}", as MLflow's protos write them) match segment by
 * segment, more literal segments first; wildcard routes ("/prefix/*") are tried longest prefix
 * first. A path that exists for other methods yields the methods allowed, for a 405.
 * docs/architecture.md compares it with itty-router on the real route table.
 */
export class Router<R extends Routable> {
  private readonly exact = new Map<string, Map<string, R>>();
  private readonly templates: Template<R>[] = [];
  private readonly wildcards: { prefix: string; byMethod: Map<string, R> }[] = [];

  constructor(routes: readonly R[], prefixes: readonly string[] = [""]) {
    for (const route of routes) {
      for (const prefix of prefixes) this.add(prefix + route.path, route);
    }
    this.wildcards.sort((a, b) => b.prefix.length - a.prefix.length);
    // More literal segments first, so ".../search" wins over ".../{model_id}".
    const literals = (t: Template<R>) => t.segments.filter((s) => typeof s === "string").length;
    this.templates.sort((a, b) => literals(b) - literals(a));
  }

  private add(path: string, route: R): void {
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
      const segments = path.split("/").map(segmentOf);
      if (segments.filter((s) => typeof s !== "string" && s.rest).length > 1) {
        throw new Error(`${path}: at most one {name+} segment`);
      }
      const key = path.replace(/\{\w+\+?\}/g, (param) => (param.endsWith("+}") ? "{+}" : "{}"));
      let entry = this.templates.find((t) => templateKey(t) === key);
      if (!entry) {
        entry = { segments, byMethod: new Map() };
        this.templates.push(entry);
      }
      entry.byMethod.set(route.method, route);
      return;
    }
    const byMethod = this.exact.get(path) ?? new Map<string, R>();
    byMethod.set(route.method, route);
    this.exact.set(path, byMethod);
  }

  /** `rawPath` is the request path exactly as sent (percent-encoding intact). */
  match(method: string, rawPath: string): Match<R> {
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

function segmentOf(segment: string): Segment {
  const param = /^\{(\w+)(\+?)\}$/.exec(segment);
  if (!param) return segment;
  return param[2] ? { param: param[1] as string, rest: true } : { param: param[1] as string };
}

function templateKey<R>(template: Template<R>): string {
  return template.segments.map((s) => (typeof s === "string" ? s : s.rest ? "{+}" : "{}")).join("/");
}

/** A template's params for a split path, or undefined when it does not fit. */
function bindTemplate<R>(template: Template<R>, parts: string[]): Record<string, string> | undefined {
  const { segments } = template;
  const restAt = segments.findIndex((s) => typeof s !== "string" && s.rest === true);
  if (restAt < 0 ? parts.length !== segments.length : parts.length < segments.length) return undefined;
  const params: Record<string, string> = {};
  // Segments after a {name+} run line up with the path's last parts.
  const extra = parts.length - segments.length;
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i] as Segment;
    const at = restAt >= 0 && i > restAt ? i + extra : i;
    const part = parts[at] as string;
    if (typeof segment === "string") {
      if (segment !== part) return undefined;
      continue;
    }
    if (segment.rest) {
      const run = parts.slice(i, i + extra + 1).join("/");
      if (run === "") return undefined;
      params[segment.param] = run;
      continue;
    }
    const value = decodeSegment(part);
    if (value === undefined) return undefined;
    params[segment.param] = value;
  }
  return params;
}

/**
 * A segment decoded, or undefined when it does not decode, decodes to nothing, or hides a "/" or
 * NUL behind percent-encoding: ids never contain either, and refusing them here keeps encoded
 * traversal out of every handler.
 */
function decodeSegment(part: string): string | undefined {
  let value: string;
  try {
    value = decodeURIComponent(part);
  } catch {
    return undefined;
  }
  return value === "" || value.includes("/") || value.includes("\0") ? undefined : value;
}
