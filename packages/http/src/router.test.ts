import { describe, expect, it } from "vitest";
import type { Method } from "./route";
import { Router } from "./router";

const row = (method: Method, path: string) => ({ method, path });

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

  it("binds a {name+} run of segments as sent, longest literal suffix first", () => {
    const models = new Router([
      row("POST", "/models/{ref+}/invocations"),
      row("POST", "/models/{ref+}/v1/chat/completions"),
      row("GET", "/models/{ref+}/metadata"),
    ]);
    const chat = models.match("POST", "/models/my%20model/7/v1/chat/completions");
    expect(chat && "params" in chat && [chat.route.path, chat.params]).toEqual([
      "/models/{ref+}/v1/chat/completions",
      { ref: "my%20model/7" },
    ]);
    const invocations = models.match("POST", "/models/ends/in/v1/invocations");
    expect(invocations && "params" in invocations && invocations.params).toEqual({ ref: "ends/in/v1" });
    expect(models.match("GET", "/models/a/invocations")).toEqual({ allowed: ["POST"] });
    expect(models.match("POST", "/models//invocations")).toBeUndefined();
    expect(models.match("POST", "/models/invocations")).toBeUndefined();
  });
});
