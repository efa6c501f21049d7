import { uniqueName } from "../helpers/api";
import { asAdmin, call } from "./helpers";
import { artifacts, type Case, get, send } from "./matrix-fixture";

/** The matrix's tracking and artifact endpoints, each with the permission MLflow's rule asks for. */
export const trackingCases: Case[] = [
  // Experiments
  [
    "experiments/create",
    "user",
    send("POST", "mlflow/experiments/create", () => ({ name: uniqueName("e") })),
  ],
  ["experiments/search", "user", send("POST", "mlflow/experiments/search", () => ({}))],
  ["experiments/search (GET)", "user", get("mlflow/experiments/search", () => ({}))],
  ["experiments/get", "read", get("mlflow/experiments/get", (f) => ({ experiment_id: f.experimentId }))],
  [
    "experiments/get-by-name",
    "read",
    get("mlflow/experiments/get-by-name", (f) => ({ experiment_name: f.experimentName })),
  ],
  [
    "experiments/update",
    "update",
    send("POST", "mlflow/experiments/update", (f) => ({
      experiment_id: f.experimentId,
      new_name: uniqueName("r"),
    })),
  ],
  [
    "experiments/set-experiment-tag",
    "update",
    send("POST", "mlflow/experiments/set-experiment-tag", (f) => ({
      experiment_id: f.experimentId,
      key: "k",
      value: "v",
    })),
  ],
  [
    "experiments/delete-experiment-tag",
    "update",
    send("POST", "mlflow/experiments/delete-experiment-tag", (f) => ({
      experiment_id: f.experimentId,
      key: "t",
    })),
  ],
  [
    "experiments/delete",
    "delete",
    send("POST", "mlflow/experiments/delete", (f) => ({ experiment_id: f.experimentId })),
  ],
  [
    "experiments/restore",
    "delete",
    async (as, f) => {
      await call("POST", "mlflow/experiments/delete", {
        ...asAdmin,
        body: { experiment_id: f.experimentId },
      });
      return call("POST", "mlflow/experiments/restore", { as, body: { experiment_id: f.experimentId } });
    },
  ],
  // Runs: their experiment's permission
  ["runs/create", "update", send("POST", "mlflow/runs/create", (f) => ({ experiment_id: f.experimentId }))],
  ["runs/get", "read", get("mlflow/runs/get", (f) => ({ run_id: f.runId }))],
  ["runs/get (run_uuid)", "read", get("mlflow/runs/get", (f) => ({ run_uuid: f.runId }))],
  ["runs/search", "read", send("POST", "mlflow/runs/search", (f) => ({ experiment_ids: [f.experimentId] }))],
  [
    "runs/update",
    "update",
    send("POST", "mlflow/runs/update", (f) => ({ run_id: f.runId, status: "FINISHED" })),
  ],
  [
    "runs/log-metric",
    "update",
    send("POST", "mlflow/runs/log-metric", (f) => ({ run_id: f.runId, key: "m", value: 2, timestamp: 1 })),
  ],
  [
    "runs/log-parameter",
    "update",
    send("POST", "mlflow/runs/log-parameter", (f) => ({ run_id: f.runId, key: "p", value: "1" })),
  ],
  [
    "runs/set-tag",
    "update",
    send("POST", "mlflow/runs/set-tag", (f) => ({ run_id: f.runId, key: "k", value: "v" })),
  ],
  [
    "runs/delete-tag",
    "update",
    send("POST", "mlflow/runs/delete-tag", (f) => ({ run_id: f.runId, key: "t" })),
  ],
  [
    "runs/log-batch",
    "update",
    send("POST", "mlflow/runs/log-batch", (f) => ({ run_id: f.runId, params: [{ key: "b", value: "1" }] })),
  ],
  [
    "runs/log-model",
    "update",
    send("POST", "mlflow/runs/log-model", (f) => ({
      run_id: f.runId,
      model_json: JSON.stringify({
        artifact_path: "model",
        flavors: { onnx: {} },
        utc_time_created: "2026-01-01",
        run_id: f.runId,
      }),
    })),
  ],
  [
    "runs/log-inputs",
    "update",
    send("POST", "mlflow/runs/log-inputs", (f) => ({
      run_id: f.runId,
      datasets: [{ dataset: { name: "d", digest: "x", source_type: "local", source: "s" } }],
    })),
  ],
  ["runs/delete", "delete", send("POST", "mlflow/runs/delete", (f) => ({ run_id: f.runId }))],
  [
    "runs/restore",
    "delete",
    async (as, f) => {
      await call("POST", "mlflow/runs/delete", { ...asAdmin, body: { run_id: f.runId } });
      return call("POST", "mlflow/runs/restore", { as, body: { run_id: f.runId } });
    },
  ],
  [
    "metrics/get-history",
    "read",
    get("mlflow/metrics/get-history", (f) => ({ run_id: f.runId, metric_key: "m" })),
  ],
  [
    "metrics/get-history-bulk-interval",
    "read",
    get("mlflow/metrics/get-history-bulk-interval", (f) => ({ run_ids: [f.runId], metric_key: "m" })),
  ],
  [
    "metrics/get-history-bulk",
    "read",
    get("mlflow/metrics/get-history-bulk", (f) => ({ run_id: [f.runId], metric_key: "m" })),
  ],
  // Artifacts: the proxied store (first path segment = experiment) and the run routes
  ["artifacts/list", "read", get("mlflow/artifacts/list", (f) => ({ run_id: f.runId }))],
  ["GET mlflow-artifacts file", "read", (as, f) => call("GET", `${artifacts(f)}/a.txt`, { as })],
  [
    "GET mlflow-artifacts listing",
    "read",
    get("mlflow-artifacts/artifacts", (f) => ({ path: `${f.experimentId}/${f.runId}/artifacts` })),
  ],
  ["GET /get-artifact", "read", get("/get-artifact", (f) => ({ run_uuid: f.runId, path: "a.txt" }))],
  [
    "GET /ajax-api/2.0/mlflow/get-artifact",
    "read",
    get("/ajax-api/2.0/mlflow/get-artifact", (f) => ({ run_id: f.runId, path: "a.txt" })),
  ],
  [
    "PUT mlflow-artifacts file",
    "update",
    (as, f) => call("PUT", `${artifacts(f)}/new.txt`, { as, raw: "x" }),
  ],
  [
    "mpu/create",
    "update",
    (as, f) =>
      call("POST", `mlflow-artifacts/mpu/create/${f.experimentId}/${f.runId}/artifacts`, {
        as,
        body: { path: "big.bin", num_parts: 1 },
      }),
  ],
  [
    "mpu/abort",
    "update",
    async (as, f) => {
      const dir = `${f.experimentId}/${f.runId}/artifacts`;
      const created = await call<{ upload_id: string }>("POST", `mlflow-artifacts/mpu/create/${dir}`, {
        ...asAdmin,
        body: { path: "big.bin", num_parts: 1 },
      });
      return call("POST", `mlflow-artifacts/mpu/abort/${dir}`, {
        as,
        body: { path: "big.bin", upload_id: created.body.upload_id },
      });
    },
  ],
  [
    "DELETE mlflow-artifacts file (CVE-2024-4263: MANAGE)",
    "manage",
    (as, f) => call("DELETE", `${artifacts(f)}/a.txt`, { as }),
  ],
];
