import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { handleRequest } from "../../workers/inference/src/app";
import type { InferenceEnv } from "../../workers/inference/src/env";
import { BASE, modelPath, registerModel } from "./helpers";

/** The inference URLs answer browsers with the tracking worker's CORS policy (the UI's try-it panel). */

const UI = "http://127.0.0.1:5000";
const withOrigins: InferenceEnv = { ...(env as unknown as InferenceEnv), EDGEFLOW_CORS_ORIGINS: UI };

const call = (path: string, init: RequestInit) =>
  handleRequest(new Request(`${BASE}${path}`, init), withOrigins);

describe("CORS on the inference worker", () => {
  it("answers a listed origin's preflight and call with credentialed CORS headers", async () => {
    const name = await registerModel(["sst2"]);
    const path = `${modelPath(name, 1)}/invocations`;
    const preflight = await call(path, {
      method: "OPTIONS",
      headers: {
        Origin: UI,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type",
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("Access-Control-Allow-Origin")).toBe(UI);
    expect(preflight.headers.get("Access-Control-Allow-Headers")).toMatch(/Content-Type/);
    const predicted = await call(path, {
      method: "POST",
      headers: { Origin: UI, "Content-Type": "application/json" },
      body: JSON.stringify({ inputs: ["I love this"] }),
    });
    expect(predicted.status).toBe(200);
    expect(predicted.headers.get("Access-Control-Allow-Origin")).toBe(UI);
    expect(predicted.headers.get("Vary")).toBe("Origin");
  });

  it("refuses any other origin outright, and leaves callers without an Origin alone", async () => {
    const refused = await call("/ping", { headers: { Origin: "https://evil.example" } });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error_code: string }).error_code).toBe("PERMISSION_DENIED");
    const plain = await call("/ping", {});
    expect(plain.status).toBe(200);
    expect(plain.headers.get("Access-Control-Allow-Origin")).toBeNull();
  });
});
