import { describe, expect, it } from "vitest";
import { createExperiment, createRun, post } from "../helpers/api";
import { ajax } from "./ui-endpoints-helpers";

const search = (body: unknown, options?: Parameters<typeof ajax>[2]) =>
  ajax<{ dataset_summaries?: unknown[]; error_code?: string; message?: string }>(
    "experiments/search-datasets",
    body,
    options,
  );

function dataset(name: string, digest: string) {
  return { name, digest, source_type: "local", source: `file:///${name}` };
}

describe("POST /ajax-api/2.0/mlflow/experiments/search-datasets", () => {
  it("refuses requests as MLflow's search_datasets_handler does", async () => {
    for (const body of [{}, { experiment_ids: [] }]) {
      const reply = await search(body);
      expect(reply.status).toBe(400);
      expect(reply.body).toEqual({
        error_code: "INVALID_PARAMETER_VALUE",
        message: "SearchDatasets request must specify at least one experiment_id.",
      });
    }
    const tooMany = await search({ experiment_ids: Array.from({ length: 1000 }, (_, i) => `id_${i}`) });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error_code).toBe("INVALID_PARAMETER_VALUE");
    expect(tooMany.body.message).toBe(
      "SearchDatasets request cannot specify more than 20 experiment_ids. Received 1000 experiment_ids.",
    );
    const wrongType = await search({ experiment_ids: "1" });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.error_code).toBe("INVALID_PARAMETER_VALUE");
    const notJson = await search('{"experiment_ids": ["0"]}', { headers: { "Content-Type": "text/plain" } });
    expect(notJson.status).toBe(400);
    expect(notJson.body.message).toMatch(/Content-Type/);
    const malformed = await search("{not json");
    expect(malformed.status).toBe(400);
    expect(malformed.body.error_code).toBe("INVALID_PARAMETER_VALUE");
  });

  it("answers each experiment's datasets with their context, as MLflow's test expects", async () => {
    const experimentId = await createExperiment();
    const run = await createRun(experimentId);
    const logged = await post("runs/log-inputs", {
      run_id: run.info.run_id,
      datasets: [
        { dataset: dataset("name1", "digest1"), tags: [{ key: "mlflow.data.context", value: "training" }] },
        { dataset: dataset("name2", "digest2") },
      ],
    });
    expect(logged.status).toBe(200);
    // The same dataset used by a second run with the same context appears once.
    const second = await createRun(experimentId);
    await post("runs/log-inputs", {
      run_id: second.info.run_id,
      datasets: [
        { dataset: dataset("name1", "digest1"), tags: [{ key: "mlflow.data.context", value: "training" }] },
      ],
    });
    const reply = await search({ experiment_ids: [experimentId] });
    expect(reply.status).toBe(200);
    const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
    expect((reply.body.dataset_summaries as { name: string }[]).sort(byName)).toEqual([
      { experiment_id: experimentId, name: "name1", digest: "digest1", context: "training" },
      { experiment_id: experimentId, name: "name2", digest: "digest2", context: null },
    ]);
  });

  it("answers an empty list for experiments without datasets or ids naming none", async () => {
    const experimentId = await createExperiment();
    expect((await search({ experiment_ids: [experimentId] })).body).toEqual({ dataset_summaries: [] });
    expect((await search({ experiment_ids: ["id_0", "999999999"] })).body).toEqual({ dataset_summaries: [] });
  });

  it("is served under /ajax-api only, as in MLflow", async () => {
    const reply = await search({ experiment_ids: ["0"] }, { prefix: "/api/2.0/mlflow" });
    expect(reply.status).toBe(404);
    expect(reply.body.error_code).toBe("ENDPOINT_NOT_FOUND");
  });
});
