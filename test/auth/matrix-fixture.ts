import { expect } from "vitest";
import {
  asAdmin,
  call,
  grantExperiment,
  newExperiment,
  newModel,
  newRun,
  newUser,
  type Reply,
  type Who,
} from "./helpers";

/** The permission matrix's resources and case shape (matrix.test.ts). */

export type Need = "user" | "read" | "update" | "delete" | "manage";

export interface Fixture {
  /** Another user (READ on the experiment, nothing on the model), for permission calls to name. */
  other: string;
  experimentId: string;
  experimentName: string;
  runId: string;
  model: string;
}

let otherUser: Promise<{ username: string }> | undefined;

/** An experiment with a run (a param, a metric, a tag, two artifacts) and a model with version 1 and an alias. */
export async function fixture(): Promise<Fixture> {
  const experimentId = await newExperiment();
  const experiment = await call<{ experiment: { name: string } }>("GET", "mlflow/experiments/get", {
    ...asAdmin,
    query: { experiment_id: experimentId },
  });
  const runId = await newRun(experimentId);
  await call("POST", "mlflow/runs/log-batch", {
    ...asAdmin,
    body: {
      run_id: runId,
      metrics: [{ key: "m", value: 1, timestamp: Date.now(), step: 0 }],
      tags: [{ key: "t", value: "v" }],
    },
  });
  await call("POST", "mlflow/experiments/set-experiment-tag", {
    ...asAdmin,
    body: { experiment_id: experimentId, key: "t", value: "v" },
  });
  for (const file of ["a.txt", "model/MLmodel"]) {
    const put = await call("PUT", `mlflow-artifacts/artifacts/${experimentId}/${runId}/artifacts/${file}`, {
      ...asAdmin,
      raw: "contents",
    });
    expect(put.status).toBe(200);
  }
  const model = await newModel();
  await call("POST", "mlflow/model-versions/create", {
    ...asAdmin,
    body: { name: model, source: `runs:/${runId}/model` },
  });
  await call("POST", "mlflow/registered-models/alias", {
    ...asAdmin,
    body: { name: model, alias: "champion", version: "1" },
  });
  await call("POST", "mlflow/model-versions/set-tag", {
    ...asAdmin,
    body: { name: model, version: "1", key: "t", value: "v" },
  });
  await call("POST", "mlflow/registered-models/set-tag", {
    ...asAdmin,
    body: { name: model, key: "t", value: "v" },
  });
  otherUser ??= newUser("other");
  const other = (await otherUser).username;
  await grantExperiment(experimentId, other, "READ");
  return { other, experimentId, experimentName: experiment.body.experiment.name, runId, model };
}

export type Case = [name: string, need: Need, run: (as: Who, f: Fixture) => Promise<Reply>];

export const get =
  (path: string, query: (f: Fixture) => Record<string, string | string[]>) => (as: Who, f: Fixture) =>
    call("GET", path, { as, query: query(f) });
export const send = (method: string, path: string, body: (f: Fixture) => unknown) => (as: Who, f: Fixture) =>
  call(method, path, { as, body: body(f) });
export const artifacts = (f: Fixture) => `mlflow-artifacts/artifacts/${f.experimentId}/${f.runId}/artifacts`;
