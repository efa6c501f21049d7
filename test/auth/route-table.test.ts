import { env } from "cloudflare:test";
import { routeKey } from "@edgeflow/http";
import { describe, expect, it } from "vitest";
import { handleRequest } from "../../workers/tracking/src/app";
import { PUBLIC_PATHS } from "../../workers/tracking/src/auth/gate";
import {
  API_PREFIXES,
  API_V3_PREFIXES,
  apiRoutes,
  apiRoutesV3,
  GRAPHQL_PREFIXES,
  gatewayInvocationRoutes,
  graphqlRoutes,
  otlpRoutes,
  ROOT_PREFIXES,
  ROUTE_GROUPS,
  rootRoutes,
  UI_PREFIXES,
  webUiRoutes,
} from "../../workers/tracking/src/routes/index";
import type { Route } from "../../workers/tracking/src/routes/route";
import { ADMIN, authEnv, BASE, call } from "./helpers";

/**
 * CVE-2026-0545 is an MLflow route left without auth. Here every route row of the worker is
 * walked: each must declare its access, and with auth on each must answer 401 without
 * credentials, unless it is on the explicit public list.
 */

const rows: { route: Route; prefix: string }[] = ROUTE_GROUPS.flatMap(({ routes, prefixes }) =>
  routes.flatMap((route) => prefixes.map((prefix) => ({ route, prefix }))),
);
const allRoutes = ROUTE_GROUPS.flatMap(({ routes }) => routes);

function urlOf(route: Route, prefix: string): string {
  return `${prefix}${route.path.replace(/\/\*$/, "/1/some/file.txt")}`;
}

function requestFor(route: Route, prefix: string, headers: Record<string, string>): Request {
  const hasBody = route.method !== "GET";
  return new Request(`${BASE}${urlOf(route, prefix)}`, {
    method: route.method,
    headers: hasBody ? { "Content-Type": "application/json", ...headers } : headers,
    body: hasBody ? "{}" : undefined,
  });
}

async function send(route: Route, prefix: string, headers: Record<string, string>, bindings = authEnv()) {
  return handleRequest(requestFor(route, prefix, headers), bindings);
}

describe("the route table", () => {
  it("has rows to walk (every API endpoint under both prefixes)", () => {
    expect(apiRoutes.length).toBeGreaterThan(70);
    expect(rows.length).toBe(
      apiRoutes.length * API_PREFIXES.length +
        rootRoutes.length * ROOT_PREFIXES.length +
        apiRoutesV3.length * API_V3_PREFIXES.length +
        otlpRoutes.length +
        gatewayInvocationRoutes.length +
        webUiRoutes.length * UI_PREFIXES.length +
        graphqlRoutes.length * GRAPHQL_PREFIXES.length,
    );
  });

  it("gives every row an access rule of a known kind (the Route type demands one; this catches casts)", () => {
    const kinds = new Set([
      "public",
      "user",
      "admin",
      "self",
      "experiment",
      "experimentName",
      "run",
      "model",
    ]);
    for (const kind of ["loggedModel", "traces", "artifact", "modelSource", "all"]) kinds.add(kind);
    for (const kind of ["gateway", "gatewayInvoke"]) kinds.add(kind);
    const unruled = allRoutes.filter((route) => !kinds.has(route.access?.kind));
    expect(unruled.map(routeKey)).toEqual([]);
  });

  it("declares each method and path once per prefix group", () => {
    for (const group of [apiRoutes, rootRoutes, apiRoutesV3, otlpRoutes]) {
      const keys = group.map(routeKey);
      expect(keys.filter((key, i) => keys.indexOf(key) !== i)).toEqual([]);
    }
  });

  it("marks public only the paths on the public list", () => {
    const publicRows = allRoutes.filter((route) => route.access.kind === "public");
    expect(publicRows.filter((route) => !PUBLIC_PATHS.includes(route.path)).map(routeKey)).toEqual([]);
  });

  it.each(
    rows.map(({ route, prefix }) => [`${route.method} ${urlOf(route, prefix)}`, route, prefix] as const),
  )("%s answers 401 without credentials", async (_name, route, prefix) => {
    const response = await send(route, prefix, {});
    expect(response.status).toBe(401);
    expect(response.headers.get("WWW-Authenticate")).toBe('Basic realm="mlflow"');
    expect(((await response.json()) as { error_code: string }).error_code).toBe("UNAUTHENTICATED");
  });

  it("answers 401 to a wrong password, an unknown user, a bogus token and a malformed header, on every row", async () => {
    const bad = [
      { Authorization: `Basic ${btoa(`${ADMIN.username}:wrong password!!`)}` },
      { Authorization: `Basic ${btoa("nobody-at-all:some password 123")}` },
      { Authorization: "Bearer efp_not-a-real-token" },
      { Authorization: "Basic !!!not-base64" },
      { Authorization: `Digest username="${ADMIN.username}"` },
    ];
    for (const { route, prefix } of rows) {
      for (const headers of bad) {
        const response = await send(route, prefix, headers);
        expect([route.method, urlOf(route, prefix), headers.Authorization, response.status]).toEqual([
          route.method,
          urlOf(route, prefix),
          headers.Authorization,
          401,
        ]);
      }
    }
    // Thousands of requests, one password check each for the wrong password: seconds of CPU alone,
    // more on a loaded 2-core machine beside the other files; the default 30 s is too tight.
  }, 180_000);

  it("serves /health and /version without credentials", async () => {
    expect((await call("GET", "/health", {})).body).toBe("OK");
    expect((await call("GET", "/version", {})).body).toBe(env.EDGEFLOW_VERSION);
  });
});

describe("JSON-only bodies", () => {
  // MLflow's defence against cross-site text/plain posts, on every route with a JSON body. Auth is
  // off here so the content-type check itself is what answers.
  // OTLP's /v1/traces takes protobuf only, answering in FastAPI's {"detail"} form (test/traces).
  const withBodies = rows.filter(
    ({ route }) =>
      !otlpRoutes.includes(route) &&
      // The UI's upload-artifact takes the file itself as its body, of any type, as MLflow does.
      route.path !== "/mlflow/upload-artifact" &&
      (["POST", "PATCH"].includes(route.method) ||
        (route.method === "DELETE" && route.request !== undefined)),
  );

  it.each(
    withBodies.map(
      ({ route, prefix }) => [`${route.method} ${urlOf(route, prefix)}`, route, prefix] as const,
    ),
  )("%s refuses a text/plain body", async (_name, route, prefix) => {
    const response = await handleRequest(
      new Request(`${BASE}${urlOf(route, prefix)}`, {
        method: route.method,
        headers: { "Content-Type": "text/plain" },
        body: '{"name": "x"}',
      }),
      env,
    );
    expect(response.status).toBe(400);
    expect(((await response.json()) as { message: string }).message).toMatch(/Content-Type/);
  });
});
