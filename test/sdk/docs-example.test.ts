import { artifactPath, listArtifacts } from "@edgeflow/sdk";
import { describe, expect, it } from "vitest";
import { trainAndLog } from "../../docs/examples/sdk-quickstart";
import { BASE, sdkClient, workerFetch } from "./helpers";

describe("docs/sdk.md's quick start", () => {
  it("logs its run, metrics and artifact", async () => {
    const { client } = sdkClient();
    const { runId, weight } = await trainAndLog({ trackingUri: BASE, fetch: workerFetch });
    expect(weight).toBeCloseTo(3, 1);
    const { run } = await client.getRun({ run_id: runId });
    expect(run?.info?.status).toBe("FINISHED");
    expect(run?.data?.params?.map((p) => p.key).sort()).toEqual(["epochs", "learning_rate"]);
    const { metrics } = await client.getMetricHistory({ run_id: runId, metric_key: "loss" });
    expect(metrics?.length).toBe(20);
    const files = await listArtifacts(client, artifactPath(run?.info?.artifact_uri, "model"));
    expect(files.map((f) => f.path)).toEqual(["weights.json"]);
  });
});
