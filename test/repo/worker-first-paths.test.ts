import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ROUTE_GROUPS } from "../../workers/tracking/src/routes/index";
import { ROOT } from "./source-tree";

/**
 * The tracking worker serves the web UI as static assets with single-page-application fallback:
 * a path not in wrangler.toml's `run_worker_first` never reaches the worker when deployed (or under
 * `npm start`) — a POST gets the assets' 405, a GET the UI's index.html. Tests that call the
 * worker directly would not notice; this does.
 */
function workerFirstPatterns(): string[] {
  const toml = readFileSync(`${ROOT}/wrangler.toml`, "utf8");
  const block = toml.match(/run_worker_first\s*=\s*\[([^\]]*)\]/)?.[1] ?? "";
  return [...block.matchAll(/"([^"]+)"/g)].map((m) => m[1] as string);
}

const covers = (pattern: string, path: string) =>
  pattern.endsWith("/*") ? path.startsWith(pattern.slice(0, -1)) : path === pattern;

describe("wrangler.toml's run_worker_first", () => {
  it("covers every path the tracking worker routes", () => {
    const patterns = workerFirstPatterns();
    expect(patterns.length).toBeGreaterThan(0);
    const paths = ROUTE_GROUPS.flatMap(({ routes, prefixes }) =>
      routes.flatMap((route) =>
        prefixes.map((prefix) => `${prefix}${route.path.replace(/\{[^}]+\}/g, "x")}`),
      ),
    );
    const uncovered = paths.filter((path) => !patterns.some((pattern) => covers(pattern, path)));
    expect(uncovered).toEqual([]);
  });
});
