import { startRun } from "@edgeflow/sdk";
import { describe, expect, it } from "vitest";
import { isLogBatch, sdkClient } from "./helpers";

async function historyLength(client: ReturnType<typeof sdkClient>["client"], runId: string, key: string) {
  let count = 0;
  let page_token: string | undefined;
  do {
    const page = await client.getMetricHistory({
      run_id: runId,
      metric_key: key,
      max_results: 25_000,
      page_token,
    });
    count += page.metrics?.length ?? 0;
    page_token = page.next_page_token || undefined;
  } while (page_token);
  return count;
}

describe("fluent tracking", () => {
  it("lands every one of 100,000 points of a training loop, in log-batches of at most 1000", async () => {
    const { client, wire } = sdkClient();
    const run = await startRun(client, {
      experimentName: `sdk-loop-${crypto.randomUUID()}`,
      flushIntervalMs: 0,
    });
    run.logParams({ lr: 0.001, epochs: 10, optimizer: "adam" });
    run.setTag("framework", "js");
    for (let step = 0; step < 50_000; step++)
      run.logMetrics(
        { loss: 1 / (step + 1), acc: step / 50_000 },
        { step, timestamp: 1_700_000_000_000 + step },
      );
    await run.end();
    expect(await historyLength(client, run.id, "loss")).toBe(50_000);
    expect(await historyLength(client, run.id, "acc")).toBe(50_000);
    const batches = wire.requests.filter(isLogBatch);
    expect(batches.length).toBe(101); // 100 full batches of metrics, and the params, tags and first points
    for (const request of batches) {
      const body = (await request.json()) as { metrics?: unknown[] };
      expect(body.metrics?.length ?? 0).toBeLessThanOrEqual(1000);
    }
    const { run: ended } = await client.getRun({ run_id: run.id });
    expect(ended?.info?.status).toBe("FINISHED");
    expect(ended?.data?.params?.map((p) => p.key).sort()).toEqual(["epochs", "lr", "optimizer"]);
    expect(ended?.data?.tags?.find((t) => t.key === "framework")?.value).toBe("js");
  });

  it("does not duplicate points when an answer is lost after the server logged them", async () => {
    const { client, wire } = sdkClient();
    const run = await startRun(client, { flushIntervalMs: 0 });
    let lost = 0;
    wire.after = (request) => {
      if (isLogBatch(request) && lost < 2) {
        lost++;
        throw new TypeError("connection reset after the request was handled");
      }
    };
    for (let step = 0; step < 2500; step++) run.logMetric("loss", step, { step, timestamp: 1000 + step });
    await run.end();
    expect(lost).toBe(2);
    expect(await historyLength(client, run.id, "loss")).toBe(2500);
  });

  it("keeps points through an outage longer than its retries and sends them once it is over", async () => {
    const { client, wire } = sdkClient({ retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 1 } });
    const run = await startRun(client, { flushIntervalMs: 0 });
    let down = true;
    wire.before = (request) =>
      down && isLogBatch(request) ? new Response("down", { status: 502 }) : undefined;
    for (let step = 0; step < 1500; step++) run.logMetric("m", step, { step, timestamp: 1 });
    await expect(run.flush()).rejects.toMatchObject({ errorCode: expect.any(String) });
    down = false;
    await run.end();
    expect(await historyLength(client, run.id, "m")).toBe(1500);
  });

  it("flushes in the background on its interval", async () => {
    const { client } = sdkClient();
    const run = await startRun(client, { flushIntervalMs: 20 });
    run.logMetric("bg", 1, { step: 0 });
    for (let i = 0; i < 100 && (await historyLength(client, run.id, "bg")) === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(await historyLength(client, run.id, "bg")).toBe(1);
    await run.end("KILLED");
    const { run: ended } = await client.getRun({ run_id: run.id });
    expect(ended?.info?.status).toBe("KILLED");
  });

  it("uploads artifacts (bytes, text, a stream) and lists and downloads them", async () => {
    const { client } = sdkClient();
    const run = await startRun(client, { flushIntervalMs: 0 });
    const bytes = new Uint8Array(300_000);
    for (let at = 0; at < bytes.length; at += 65_536) crypto.getRandomValues(bytes.subarray(at, at + 65_536));
    await run.logArtifacts({ "model/weights.bin": bytes, "model/config.json": '{"a":1}' });
    const stream = new Blob([bytes]).stream();
    await run.logArtifact("streamed/copy.bin", stream);
    const { downloadArtifact, listArtifacts, artifactPath } = await import("@edgeflow/sdk");
    const listed = await listArtifacts(client, artifactPath(run.info.artifact_uri, "model"));
    expect(listed.map((f) => f.path).sort()).toEqual(["config.json", "weights.bin"]);
    for (const path of ["model/weights.bin", "streamed/copy.bin"]) {
      const body = await downloadArtifact(client.transport, artifactPath(run.info.artifact_uri, path));
      expect(new Uint8Array(await new Response(body).arrayBuffer())).toEqual(bytes);
    }
    await expect(run.logArtifact("../escape.txt", "x")).rejects.toMatchObject({
      errorCode: "INVALID_PARAMETER_VALUE",
    });
    await run.end();
  });
});
