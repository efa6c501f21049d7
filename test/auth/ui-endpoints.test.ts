import { describe, expect, it } from "vitest";
import {
  ADMIN,
  call,
  grantExperiment,
  grantModel,
  newExperiment,
  newModel,
  newRun,
  newUser,
} from "./helpers";

/**
 * MLflow 2.12.2's auth plugin checks nothing on its UI-only endpoints and /graphql beyond signing
 * in; here each checks the permission on what it reads or writes (default NO_PERMISSIONS).
 */

const promptlab = (experimentId: string) => ({
  experiment_id: experimentId,
  prompt_template: "t",
  prompt_parameters: [{ key: "k", value: "v" }],
  model_route: "r",
  model_input: "i",
  mlflow_version: "2.12.2",
});

describe("UI-only endpoints and /graphql with auth on", () => {
  it("upload-artifact needs EDIT on the run's experiment", async () => {
    const user = await newUser();
    const experimentId = await newExperiment();
    const runId = await newRun(experimentId);
    const send = (as: typeof user) =>
      call("POST", "/ajax-api/2.0/mlflow/upload-artifact", {
        as,
        query: { run_uuid: runId, path: "a.txt" },
        raw: "data",
      });
    expect((await send(user)).status).toBe(403);
    await grantExperiment(experimentId, user.username, "READ");
    expect((await send(user)).status).toBe(403);
    await grantExperiment(experimentId, user.username, "EDIT").catch(async () => {
      await call("PATCH", "mlflow/experiments/permissions/update", {
        as: ADMIN,
        body: { experiment_id: experimentId, username: user.username, permission: "EDIT" },
      });
    });
    expect((await send(user)).status).toBe(200);
    // A missing run id is still the handler's 400, not a permission refusal.
    const missing = await call("POST", "/ajax-api/2.0/mlflow/upload-artifact", { as: user, raw: "x" });
    expect(missing.status).toBe(400);
  });

  it("create-promptlab-run needs EDIT on the experiment; search-datasets needs READ", async () => {
    const user = await newUser();
    const experimentId = await newExperiment();
    const create = await call("POST", "/ajax-api/2.0/mlflow/runs/create-promptlab-run", {
      as: user,
      body: promptlab(experimentId),
    });
    expect(create.status).toBe(403);
    const incomplete = await call("POST", "/ajax-api/2.0/mlflow/runs/create-promptlab-run", {
      as: user,
      body: {},
    });
    expect(incomplete.status).toBe(400);
    const search = () =>
      call<{ dataset_summaries: unknown[] }>("POST", "/ajax-api/2.0/mlflow/experiments/search-datasets", {
        as: user,
        body: { experiment_ids: [experimentId] },
      });
    expect((await search()).status).toBe(403);
    await grantExperiment(experimentId, user.username, "EDIT");
    expect((await search()).status).toBe(200);
    const created = await call("POST", "/ajax-api/2.0/mlflow/runs/create-promptlab-run", {
      as: user,
      body: promptlab(experimentId),
    });
    expect(created.status).toBe(200);
  });

  it("/graphql needs a signed-in user, and each resolver checks READ on what it reads", async () => {
    const user = await newUser();
    const experimentId = await newExperiment();
    const runId = await newRun(experimentId);
    const model = await newModel();
    const ask = (query: string, as: typeof user | null = user) =>
      call<{ data: Record<string, unknown> | null; errors: string[] | null }>("POST", "/graphql", {
        as: as ?? undefined,
        body: { query },
      });
    expect((await ask("{ test { output } }", null)).status).toBe(401);
    const experiment = `{ mlflowGetExperiment(input: {experimentId: "${experimentId}"}) { experiment { name } } }`;
    const run = `{ mlflowGetRun(input: {runId: "${runId}"}) { run { info { runId } } } }`;
    const versions = `{ mlflowSearchModelVersions(input: {filter: "name='${model}'"}) { modelVersions { name } } }`;
    for (const query of [experiment, run]) {
      const denied = await ask(query);
      expect(denied.status).toBe(200);
      expect(denied.body.errors?.[0]).toMatch(/Permission denied/);
      expect(Object.values(denied.body.data ?? {})).toEqual([null]);
    }
    await call("POST", "mlflow/model-versions/create", {
      as: ADMIN,
      body: { name: model, source: `runs:/${runId}/m`, run_id: runId },
    });
    const hidden = await ask(versions);
    expect(hidden.body.data).toEqual({ mlflowSearchModelVersions: { modelVersions: [] } });
    await grantExperiment(experimentId, user.username, "READ");
    await grantModel(model, user.username, "READ");
    expect((await ask(experiment)).body.errors).toBeNull();
    expect((await ask(run)).body.data).toEqual({ mlflowGetRun: { run: { info: { runId } } } });
    expect((await ask(versions)).body.data).toEqual({
      mlflowSearchModelVersions: { modelVersions: [{ name: model }] },
    });
  });
});
