import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { handleRequest } from "../../workers/tracking/src/app";
import type { TrackingEnv } from "../../workers/tracking/src/env";
import { uniqueName } from "../helpers/api";
import { ADMIN, authEnv, authorization, call } from "./helpers";

function fetchAt(url: string, init: RequestInit = {}, bindings: TrackingEnv = authEnv()) {
  return handleRequest(new Request(url, init), bindings);
}

describe("allowed hosts (DNS rebinding)", () => {
  it("serves loopback and *.workers.dev by default, and refuses other hosts, even with auth off", async () => {
    for (const host of [
      "127.0.0.1:5000",
      "localhost:5000",
      "[::1]:5000",
      "edgeflow-tracking.someone.workers.dev",
    ]) {
      expect([host, (await fetchAt(`http://${host}/health`, {}, env)).status]).toEqual([host, 200]);
    }
    for (const host of [
      "evil.example",
      "127.0.0.1.evil.example",
      "workers.dev.evil.example",
      "workers.dev",
    ]) {
      const response = await fetchAt(
        `http://${host}/api/2.0/mlflow/experiments/search`,
        { method: "POST" },
        env,
      );
      expect([host, response.status]).toEqual([host, 403]);
      expect(((await response.json()) as { message: string }).message).toMatch(/EDGEFLOW_ALLOWED_HOSTS/);
    }
  });

  it("serves exactly the configured hosts when EDGEFLOW_ALLOWED_HOSTS is set", async () => {
    const bindings = { ...env, EDGEFLOW_ALLOWED_HOSTS: "mlflow.example.com, *.corp.example" };
    expect((await fetchAt("https://mlflow.example.com/health", {}, bindings)).status).toBe(200);
    expect((await fetchAt("https://MLflow.Example.com./health", {}, bindings)).status).toBe(200);
    expect((await fetchAt("https://a.b.corp.example/health", {}, bindings)).status).toBe(200);
    expect((await fetchAt("https://corp.example/health", {}, bindings)).status).toBe(403);
    expect((await fetchAt("http://127.0.0.1:5000/health", {}, bindings)).status).toBe(403);
  });
});

describe("CORS", () => {
  const url = "http://127.0.0.1:5000/api/2.0/mlflow/experiments/search";
  const headers = { ...authorization(ADMIN), "Content-Type": "application/json" };
  const withOrigins = authEnv({ EDGEFLOW_CORS_ORIGINS: "https://ui.example.com, *" });

  it("leaves requests without an Origin (the MLflow client) alone", async () => {
    const response = await fetchAt(url, { method: "POST", headers, body: "{}" });
    expect(response.status).toBe(200);
    expect(response.headers.get("Access-Control-Allow-Origin")).toBeNull();
  });

  it("refuses cross-origin requests by default, preflight included", async () => {
    const origin = { Origin: "https://evil.example" };
    const simple = await fetchAt(url, { method: "POST", headers: { ...headers, ...origin }, body: "{}" });
    expect(simple.status).toBe(403);
    expect(simple.headers.get("Access-Control-Allow-Origin")).toBeNull();
    const preflight = await fetchAt(url, {
      method: "OPTIONS",
      headers: { ...origin, "Access-Control-Request-Method": "POST" },
    });
    expect(preflight.status).toBe(403);
    const nullOrigin = await fetchAt(
      url,
      { method: "POST", headers: { ...headers, Origin: "null" }, body: "{}" },
      withOrigins,
    );
    expect(nullOrigin.status).toBe(403);
  });

  it("lets configured origins in with credentials, never with a wildcard", async () => {
    const origin = { Origin: "https://ui.example.com" };
    const preflight = await fetchAt(
      url,
      { method: "OPTIONS", headers: { ...origin, "Access-Control-Request-Method": "POST" } },
      withOrigins,
    );
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("Access-Control-Allow-Origin")).toBe("https://ui.example.com");
    expect(preflight.headers.get("Access-Control-Allow-Credentials")).toBe("true");
    expect(preflight.headers.get("Access-Control-Allow-Headers")).toContain("Authorization");
    const response = await fetchAt(
      url,
      { method: "POST", headers: { ...headers, ...origin }, body: "{}" },
      withOrigins,
    );
    expect(response.status).toBe(200);
    expect(response.headers.get("Access-Control-Allow-Origin")).toBe("https://ui.example.com");
    expect(response.headers.get("Vary")).toBe("Origin");
    // "*" in the list is ignored: another origin is still refused.
    const other = await fetchAt(
      url,
      { method: "POST", headers: { ...headers, Origin: "https://x.example" }, body: "{}" },
      withOrigins,
    );
    expect(other.status).toBe(403);
    // Errors carry the CORS headers too, so the page can read them.
    const denied = await fetchAt(
      url,
      { method: "POST", headers: { ...origin, "Content-Type": "application/json" }, body: "{}" },
      withOrigins,
    );
    expect(denied.status).toBe(401);
    expect(denied.headers.get("Access-Control-Allow-Origin")).toBe("https://ui.example.com");
  });
});

describe("auth off (npm start's default)", () => {
  it("serves everything without credentials and lets users be prepared for later", async () => {
    const username = uniqueName("prepared");
    const created = await call("POST", "mlflow/users/create", {
      body: { username, password: "prepared while auth is off" },
      env,
    });
    expect(created.status).toBe(200);
    expect(
      (await call("POST", "mlflow/experiments/create", { body: { name: uniqueName("open") }, env })).status,
    ).toBe(200);
    // Turned on, the prepared user signs in.
    const signedIn = await call("GET", "mlflow/users/get", {
      as: { username, password: "prepared while auth is off" },
      query: { username },
    });
    expect(signedIn.status).toBe(200);
  });
});

describe("request sizes", () => {
  it("caps auth request bodies at 64 KB", async () => {
    const reply = await call("POST", "mlflow/users/create", {
      as: ADMIN,
      body: { username: uniqueName("big"), password: "x".repeat(70_000) },
    });
    expect(reply.status).toBe(400);
    expect(reply.body.message).toMatch(/at most 65536 bytes/);
  });
});

describe("configuration errors", () => {
  it("refuses to guess a misspelt default permission", async () => {
    const reply = await call("POST", "mlflow/experiments/search", {
      as: ADMIN,
      body: {},
      env: authEnv({ EDGEFLOW_DEFAULT_PERMISSION: "READ_ONLY" }),
    });
    expect(reply.status).toBe(503);
    expect(reply.body.message).toMatch(/EDGEFLOW_DEFAULT_PERMISSION/);
  });
});
