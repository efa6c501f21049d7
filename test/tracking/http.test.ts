import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";

const BASE = "http://127.0.0.1:5000";

async function send(path: string, init: RequestInit = {}) {
  const response = await SELF.fetch(`${BASE}${path}`, init);
  const text = await response.text();
  return { status: response.status, contentType: response.headers.get("Content-Type"), text };
}

describe("HTTP behaviour", () => {
  it("answers /health and /version", async () => {
    expect(await send("/health")).toMatchObject({ status: 200, text: "OK" });
    const version = await send("/version");
    expect(version.status).toBe(200);
    expect(version.text).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it("tells clients where the inference worker is on /edgeflow/info (null when not configured)", async () => {
    const info = await send("/edgeflow/info");
    expect(info.status).toBe(200);
    const posted = await send("/edgeflow/info", { method: "POST", body: "{}" });
    expect(posted.status).toBe(404);
    expect(JSON.parse(posted.text)).toMatchObject({ error_code: "ENDPOINT_NOT_FOUND" });
    for (const hostile of ["/edgeflow/info/../version", "/edgeflow/%2e%2e/info", "/edgeflow/info%00"]) {
      const answer = await send(hostile);
      expect(answer.status, hostile).toBeGreaterThanOrEqual(400);
      expect(answer.status, hostile).toBeLessThan(500);
    }
    expect(JSON.parse(info.text)).toEqual({
      version: expect.stringMatching(/^\d+\.\d+\.\d+$/),
      inference_url: null,
    });
  });

  it("serves the API under /api/2.0 and /ajax-api/2.0", async () => {
    for (const prefix of ["/api/2.0", "/ajax-api/2.0"]) {
      const response = await send(`${prefix}/mlflow/experiments/get?experiment_id=0`);
      expect(response.status).toBe(200);
      expect(response.contentType).toBe("application/json");
    }
  });

  it("refuses POSTs that are not JSON (cross-site text/plain posts)", async () => {
    const body = JSON.stringify({ name: "x" });
    for (const contentType of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data"]) {
      const response = await send("/api/2.0/mlflow/experiments/create", {
        method: "POST",
        headers: { "Content-Type": contentType },
        body,
      });
      expect(response.status).toBe(400);
      expect(JSON.parse(response.text)).toEqual({
        error_code: "INVALID_PARAMETER_VALUE",
        message: "Bad Request. Content-Type must be one of ['application/json'].",
      });
    }
    const noType = await SELF.fetch(`${BASE}/api/2.0/mlflow/experiments/create`, {
      method: "POST",
      body: new Uint8Array([123, 125]),
    });
    expect(noType.status).toBe(400);
  });

  it("answers malformed JSON with a 400 and no stack trace", async () => {
    for (const body of ["{", "[1,2]", "null", '{"name": }', "\u0000"]) {
      const response = await send("/api/2.0/mlflow/experiments/create", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body,
      });
      expect(response.status, body).toBe(400);
      const parsed = JSON.parse(response.text);
      expect(parsed.error_code).toBe("INVALID_PARAMETER_VALUE");
      expect(response.text).not.toMatch(/at .*\.ts|Error:/);
    }
  });

  it("accepts double-encoded JSON from old clients", async () => {
    const response = await send("/api/2.0/mlflow/experiments/search", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(JSON.stringify({ max_results: 1 })),
    });
    expect(response.status).toBe(200);
  });

  it("answers unknown routes with ENDPOINT_NOT_FOUND and wrong methods with 405", async () => {
    const unknown = await send("/api/2.0/mlflow/unknown");
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.text).error_code).toBe("ENDPOINT_NOT_FOUND");
    const traversal = await send("/api/2.0/mlflow/../../etc/passwd");
    expect(traversal.status).toBe(404);
    const wrongMethod = await send("/api/2.0/mlflow/experiments/create");
    expect(wrongMethod.status).toBe(405);
  });

  it("reads repeated and bracketed query parameters as lists", async () => {
    const response = await send("/api/2.0/mlflow/experiments/get?experiment_id=0&experiment_id=0");
    expect(response.status).toBe(400);
    const search = await send("/api/2.0/mlflow/experiments/search?max_results=1&order_by[]=name");
    expect(search.status).toBe(200);
  });

  it("caps log-batch bodies at MLflow's 1 MB", async () => {
    const body = JSON.stringify({ run_id: "x", tags: [{ key: "k", value: "v".repeat(1_100_000) }] });
    const response = await send("/api/2.0/mlflow/runs/log-batch", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body,
    });
    expect(response.status).toBe(400);
    expect(JSON.parse(response.text).error_code).toBe("INVALID_PARAMETER_VALUE");
  });
});
