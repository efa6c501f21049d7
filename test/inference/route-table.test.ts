import { env } from "cloudflare:test";
import { routeKey } from "@edgeflow/http";
import { beforeAll, describe, expect, it } from "vitest";
import { handleRequest } from "../../workers/inference/src/app";
import type { InferenceEnv } from "../../workers/inference/src/env";
import { routes } from "../../workers/inference/src/routes/index";
import { BASE, registerModel } from "./helpers";

/**
 * Every row of the inference worker declares its access (the Route type demands it): the
 * scoring server's health checks are public, everything that serves a model needs READ on it.
 * With auth on, each model row answers 401 to a caller without credentials, for a private model
 * that exists.
 */
const authOn: InferenceEnv = {
  ...(env as unknown as InferenceEnv),
  EDGEFLOW_AUTH: "on",
  EDGEFLOW_ADMIN_USERNAME: "root",
  EDGEFLOW_ADMIN_PASSWORD: "correct horse battery staple",
};

describe("the inference route table", () => {
  let model = "";
  beforeAll(async () => {
    model = await registerModel(["sst2"]);
  });

  it("makes public only the health checks", () => {
    const publicRows = routes.filter((route) => route.access.kind === "public").map(routeKey);
    expect(publicRows.sort()).toEqual(["GET /health", "GET /ping", "GET /version"]);
    expect(routes.every((route) => ["public", "model"].includes(route.access.kind))).toBe(true);
  });

  it("asks every model row for credentials", async () => {
    for (const route of routes.filter((row) => row.access.kind === "model")) {
      const path = route.path.replace("{ref+}", `${encodeURIComponent(model)}/1`);
      const response = await handleRequest(
        new Request(`${BASE}${path}`, {
          method: route.method,
          headers: { "Content-Type": "application/json" },
          body: route.method === "GET" ? undefined : JSON.stringify({ model: `${model}/1`, inputs: ["x"] }),
        }),
        authOn,
      );
      expect([routeKey(route), response.status]).toEqual([routeKey(route), 401]);
    }
  });
});
