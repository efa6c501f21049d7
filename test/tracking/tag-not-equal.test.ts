import { beforeAll, describe, expect, it } from "vitest";
import { createExperiment, createRun, post, uniqueName } from "../helpers/api";
import { createLoggedModel } from "../logged-models/helpers";

// `tags.x != 'v'` as MLflow's SQL store defines it for runs, experiments and logged models: a join
// on the tag rows, so an entity without the tag does not match (sqlalchemy_store.py). The one
// exception, the prompt tag in registry searches, is test/registry/prompts-apart.test.ts.
describe("!= on tags, in each search vocabulary", () => {
  let experimentId: string;
  const prefix = uniqueName("ne").replaceAll("-", "_");
  const runIds: Record<string, string> = {};

  beforeAll(async () => {
    experimentId = await createExperiment(`${prefix}_main`);
    for (const [name, team] of [
      ["red", "red"],
      ["blue", "blue"],
      ["none", undefined],
    ] as const) {
      const run = await createRun(experimentId, {
        run_name: name,
        ...(team ? { tags: [{ key: "team", value: team }] } : {}),
      });
      runIds[name] = run.info.run_id;
      const experiment = await createExperiment(`${prefix}_${name}`);
      if (team)
        await post("experiments/set-experiment-tag", { experiment_id: experiment, key: "team", value: team });
      await createLoggedModel(experimentId, {
        name,
        ...(team ? { tags: [{ key: "team", value: team }] } : {}),
      });
    }
  });

  it("runs", async () => {
    const { body } = await post<{ runs?: { info: { run_name: string } }[] }>("runs/search", {
      experiment_ids: [experimentId],
      filter: "tags.team != 'red'",
    });
    expect((body.runs ?? []).map((r) => r.info.run_name)).toEqual(["blue"]);
  });

  it("experiments", async () => {
    const { body } = await post<{ experiments?: { name: string }[] }>("experiments/search", {
      filter: `name LIKE '${prefix}%' AND tags.team != 'red'`,
      max_results: 100,
    });
    expect((body.experiments ?? []).map((e) => e.name)).toEqual([`${prefix}_blue`]);
  });

  it("logged models", async () => {
    const { body } = await post<{ models?: { info: { name: string } }[] }>("logged-models/search", {
      experiment_ids: [experimentId],
      filter: "tags.team != 'red'",
    });
    expect((body.models ?? []).map((m) => m.info.name)).toEqual(["blue"]);
  });
});
