import { chmodSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { artifactPath, createClient, downloadArtifact, startRun } from "@edgeflow/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStack, type StackWorld } from "./harness";

// The SDK in Node against the whole local stack: what only a real server process can show.

let world: StackWorld;
beforeAll(async () => {
  world = await openStack();
});
afterAll(async () => {
  await world?.close();
});

const MiB = 1024 * 1024;

describe("an upload across a server restart", () => {
  it("is retried when the tracking server dies mid-upload and completes byte-identical", async () => {
    const client = createClient({
      trackingUri: world.stack.tracking.url,
      retry: { attempts: 8, baseDelayMs: 250 },
    });
    const run = await startRun(client, { experimentName: "restart", flushIntervalMs: 0 });
    const bytes = new Uint8Array(24 * MiB).map((_, i) => (i * 13 + (i >> 16)) & 0xff);
    let opened = 0;
    let killed: Promise<void> | undefined;
    // A file opened again for each try, trickled out 1 MiB at a time; during the first try, after
    // 4 MiB have gone, the server is stopped and started again.
    const open = () => {
      opened++;
      let offset = 0;
      return new ReadableStream<Uint8Array>({
        pull: async (controller) => {
          if (offset >= bytes.length) return controller.close();
          if (opened === 1 && offset === 4 * MiB) killed ??= world.stack.tracking.restart();
          await new Promise((resolve) => setTimeout(resolve, 5));
          controller.enqueue(bytes.slice(offset, offset + MiB));
          offset += MiB;
        },
      });
    };
    await run.logArtifact("big/weights.bin", open);
    await killed;
    expect(opened).toBeGreaterThan(1);
    const body = await new Response(
      await downloadArtifact(client.transport, artifactPath(run.info.artifact_uri, "big/weights.bin")),
    ).arrayBuffer();
    expect(body.byteLength).toBe(bytes.length);
    expect(Buffer.from(body).equals(Buffer.from(bytes))).toBe(true);
  });
});

describe("system metrics", () => {
  it("logs CPU, memory and each GPU under MLflow's names, one step per sample", async () => {
    // A stand-in nvidia-smi that answers the query the way the real one does (CSV, no units).
    const nvidiaSmi = join(world.scratch, "nvidia-smi");
    writeFileSync(nvidiaSmi, '#!/bin/sh\necho "37, 1024, 4096, 55.5"\necho "0, 10, 4096, [N/A]"\n');
    chmodSync(nvidiaSmi, 0o755);
    const client = createClient({ trackingUri: world.stack.tracking.url });
    const run = await startRun(client, {
      experimentName: "system-metrics",
      flushIntervalMs: 0,
      logSystemMetrics: { intervalMs: 40, nvidiaSmi },
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await run.end();
    const { run: logged } = await client.getRun({ run_id: run.id });
    const keys = (logged?.data?.metrics ?? []).map((metric) => metric.key).sort();
    expect(keys).toEqual([
      "system/cpu_utilization_percentage",
      "system/gpu_0_memory_usage_megabytes",
      "system/gpu_0_memory_usage_percentage",
      "system/gpu_0_power_usage_watts",
      "system/gpu_0_utilization_percentage",
      "system/gpu_1_memory_usage_megabytes",
      "system/gpu_1_memory_usage_percentage",
      "system/gpu_1_utilization_percentage",
      "system/system_memory_usage_megabytes",
      "system/system_memory_usage_percentage",
    ]);
    const history = await client.getMetricHistory({
      run_id: run.id,
      metric_key: "system/gpu_0_memory_usage_percentage",
    });
    const points = history.metrics ?? [];
    expect(points.length).toBeGreaterThanOrEqual(3);
    expect(points.map((point) => Number(point.step))).toEqual(points.map((_, i) => i));
    expect(points.every((point) => point.value === 25)).toBe(true);
  });
});
