import { createExecutionContext, env, SELF, waitOnExecutionContext } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { handleRequest } from "../../workers/inference/src/app";
import type { InferenceEnv } from "../../workers/inference/src/env";
import { BASE, clearAliasCache, registerModel, setAlias, setModelTag } from "./helpers";

const IRIS = { inputs: [[5.1, 3.5, 1.4, 0.2]] };

async function score(name: string, alias: string, requestId?: string) {
  const response = await SELF.fetch(`${BASE}/models/${name}@${alias}/invocations`, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...(requestId ? { "X-Request-Id": requestId } : {}) },
    body: JSON.stringify(IRIS),
  });
  const body = (await response.json()) as Record<string, unknown>;
  return {
    status: response.status,
    body,
    version: response.headers.get("X-Edgeflow-Model-Version"),
    shadow: response.headers.get("X-Edgeflow-Shadow-Version"),
    requestId: response.headers.get("X-Request-Id"),
  };
}

// Versions 1 and 2 are the same iris model (same answers); 3 is a pickle, refused when loaded.
let name: string;
beforeAll(async () => {
  // A fixed name: the split hashes "<name>@<alias>" with the request id, so the counts below are fixed too.
  name = await registerModel(["iris-onnx", "iris-onnx", "iris-sklearn-pickle"], "traffic-split");
  await setAlias(name, "champion", 1);
  await setModelTag(name, "edgeflow.traffic.champion", JSON.stringify({ v1: 90, v2: 10 }));
  clearAliasCache();
});

describe("traffic split", () => {
  it("names the answering version and echoes the request id", async () => {
    const plain = await registerModel(["iris-onnx"]);
    await setAlias(plain, "prod", 1);
    const answer = await score(plain, "prod", "req-1");
    expect(answer.status).toBe(200);
    expect(answer.version).toBe("1");
    expect(answer.requestId).toBe("req-1");
    expect(answer.shadow).toBeNull();
    // No usable id given: one is minted and returned.
    expect((await score(plain, "prod")).requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("sends the same request id to the same version, and splits ids by weight", async () => {
    const seen: Record<string, number> = {};
    for (let i = 0; i < 200; i += 1) {
      const { status, version } = await score(name, "champion", `split-${i}`);
      expect(status).toBe(200);
      seen[version ?? "none"] = (seen[version ?? "none"] ?? 0) + 1;
    }
    expect(Object.keys(seen).sort()).toEqual(["1", "2"]);
    expect(seen["1"]).toBeGreaterThan(160);
    expect(seen["2"]).toBeGreaterThan(5);
    for (const id of ["split-3", "split-77", "split-150"]) {
      const first = await score(name, "champion", id);
      expect((await score(name, "champion", id)).version).toBe(first.version);
    }
  });

  it("never picks a version of weight 0, and shows the split in the metadata", async () => {
    await setModelTag(name, "edgeflow.traffic.canary", JSON.stringify({ "1": 0, "2": 1 }));
    await setAlias(name, "canary", 1);
    clearAliasCache(); // tags reach a warm isolate within the alias TTL; clearing stands in for the wait
    for (let i = 0; i < 20; i += 1) expect((await score(name, "canary", `c-${i}`)).version).toBe("2");
    const metadata = await SELF.fetch(`${BASE}/models/${name}@canary/metadata`);
    expect(await metadata.json()).toMatchObject({ version: "2", traffic_split: { "1": 0, "2": 1 } });
  });

  it("refuses a malformed routing tag when it is set", async () => {
    for (const value of ["90/10", "[1,2]", '{"three": 1}', '{"1": -5}', '{"1": 0}', "{}"]) {
      await expect(setModelTag(name, "edgeflow.traffic.champion", value)).rejects.toMatchObject({
        errorCode: "INVALID_PARAMETER_VALUE",
      });
    }
    await expect(setModelTag(name, "edgeflow.shadow.champion", "latest")).rejects.toMatchObject({
      errorCode: "INVALID_PARAMETER_VALUE",
    });
  });

  it("answers 404 when the split names a version that does not exist", async () => {
    await setAlias(name, "ghost", 1);
    await setModelTag(name, "edgeflow.traffic.ghost", JSON.stringify({ "9": 1 }));
    clearAliasCache();
    const answer = await score(name, "ghost", "g-1");
    expect(answer.status).toBe(404);
    expect(answer.body).toMatchObject({ error_code: "RESOURCE_DOES_NOT_EXIST" });
  });
});

describe("shadow version", () => {
  it("hands the shadow a copy without changing the answer, even when the shadow fails", async () => {
    await setAlias(name, "shadowed", 2);
    await setModelTag(name, "edgeflow.shadow.shadowed", "v3");
    clearAliasCache();
    // Called in directly with an execution context, so the test can wait for the shadow's run.
    const ctx = createExecutionContext();
    const response = await handleRequest(
      new Request(`${BASE}/models/${name}@shadowed/invocations`, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-Request-Id": "s-1" },
        body: JSON.stringify(IRIS),
      }),
      env as unknown as InferenceEnv,
      ctx,
    );
    expect(response.status).toBe(200);
    expect(response.headers.get("X-Edgeflow-Model-Version")).toBe("2");
    expect(response.headers.get("X-Edgeflow-Shadow-Version")).toBe("3");
    const body = (await response.json()) as { predictions: { label: number[] } };
    expect(body.predictions.label).toEqual([0]);
    await waitOnExecutionContext(ctx);
    // The next request is served as well (the shadow's refusal cached nothing broken).
    const next = createExecutionContext();
    const again = await handleRequest(
      new Request(`${BASE}/models/${name}@shadowed/invocations`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(IRIS),
      }),
      env as unknown as InferenceEnv,
      next,
    );
    expect(again.status).toBe(200);
    await waitOnExecutionContext(next);
  });
});
