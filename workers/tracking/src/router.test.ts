import { describe, expect, it } from "vitest";
import { Router } from "./router";
import type { Route } from "./routes/route";

const row = (method: Route["method"], path: string): Route => ({
  method,
  path,
  handle: async () => new Response(path),
});

const routes = [
  row("POST", "/mlflow/logged-models/search"),
  row("GET", "/mlflow/logged-models/{model_id}"),
  row("DELETE", "/mlflow/logged-models/{model_id}"),
  row("DELETE", "/mlflow/logged-models/{model_id}/tags/{tag_key}"),
  row("GET", "/mlflow-artifacts/artifacts/*"),
];
const router = new Router(routes, ["/api/2.0"]);

describe("router", () => {
  it("prefers literal segments over parameters", () => {
    const match = router.match("POST", "/api/2.0/mlflow/logged-models/search");
    expect(match && "route" in match && match.route.path).toBe("/mlflow/logged-models/search");
  });

  it("binds decoded path parameters", () => {
    const match = router.match("DELETE", "/api/2.0/mlflow/logged-models/m-1/tags/a%20b");
    expect(match && "params" in match && match.params).toEqual({ model_id: "m-1", tag_key: "a b" });
  });

  it("answers the allowed methods of a templated path", () => {
    expect(router.match("PATCH", "/api/2.0/mlflow/logged-models/m-1")).toEqual({
      allowed: ["GET", "DELETE"],
    });
  });

  it("refuses encoded slashes, NUL and bad escapes in a parameter", () => {
    for (const bad of ["a%2Fb", "%00", "%E0%A4%A", ""]) {
      expect(router.match("GET", `/api/2.0/mlflow/logged-models/${bad}`)).toBeUndefined();
    }
  });

  it("still matches exact and wildcard paths", () => {
    const match = router.match("GET", "/api/2.0/mlflow-artifacts/artifacts/1/a/b");
    expect(match && "tail" in match && match.tail).toBe("1/a/b");
  });
});
