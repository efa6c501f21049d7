import { describe, expect, it } from "vitest";
import { uniqueName } from "../helpers/api";
import {
  ADMIN,
  asAdmin,
  authEnv,
  call,
  grantExperiment,
  grantModel,
  newRun,
  newUser,
  type Who,
} from "./helpers";

/** Search results hold only what the caller may read; filtering happens in SQL, so pages stay full. */

async function experimentsNamed(prefix: string, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const reply = await call<{ experiment_id: string }>("POST", "mlflow/experiments/create", {
      ...asAdmin,
      body: { name: `${prefix}-${i}` },
    });
    ids.push(reply.body.experiment_id);
  }
  return ids;
}

async function searchExperiments(as: Who, body: Record<string, unknown>, env = authEnv()) {
  const reply = await call<{ experiments?: { experiment_id: string }[]; next_page_token?: string }>(
    "POST",
    "mlflow/experiments/search",
    { as, body, env },
  );
  expect(reply.status).toBe(200);
  return {
    ids: (reply.body.experiments ?? []).map((e) => e.experiment_id),
    next: reply.body.next_page_token,
  };
}

describe("experiments/search", () => {
  it("shows a READ-only user only the experiments they may read", async () => {
    const prefix = uniqueName("scoped");
    const ids = await experimentsNamed(prefix, 5);
    const reader = await newUser();
    await grantExperiment(ids[1] as string, reader.username, "READ");
    await grantExperiment(ids[3] as string, reader.username, "EDIT");
    await grantExperiment(ids[4] as string, reader.username, "NO_PERMISSIONS");
    const filter = `name LIKE '${prefix}%'`;
    const { ids: seen } = await searchExperiments(reader, { filter, order_by: ["name ASC"] });
    expect(seen).toEqual([ids[1], ids[3]]);
    expect((await searchExperiments(ADMIN, { filter, order_by: ["name ASC"] })).ids).toEqual(ids);
    // Unfiltered, too: nothing comes back that the user may not read (not even experiment 0).
    expect((await searchExperiments(reader, {})).ids.sort()).toEqual([ids[1], ids[3]].sort());
    // GET answers the same.
    const viaGet = await call<{ experiments: { experiment_id: string }[] }>(
      "GET",
      "mlflow/experiments/search",
      {
        as: reader,
        query: { filter, max_results: "10" },
      },
    );
    expect(viaGet.body.experiments.map((e) => e.experiment_id).sort()).toEqual([ids[1], ids[3]].sort());
  });

  it("pages through the readable experiments with full pages and valid tokens", async () => {
    const prefix = uniqueName("paged");
    const ids = await experimentsNamed(prefix, 9);
    const reader = await newUser();
    const readable = [ids[0], ids[2], ids[5], ids[8]] as string[];
    for (const id of readable) await grantExperiment(id, reader.username, "READ");
    const body = { filter: `name LIKE '${prefix}%'`, order_by: ["name ASC"], max_results: 3 };
    const first = await searchExperiments(reader, body);
    expect(first.ids).toEqual(readable.slice(0, 3));
    expect(first.next).toBeDefined();
    const second = await searchExperiments(reader, { ...body, page_token: first.next });
    expect(second).toEqual({ ids: readable.slice(3), next: undefined });
  });

  it("with EDGEFLOW_DEFAULT_PERMISSION=READ (MLflow's default), hides only explicit NO_PERMISSIONS", async () => {
    const prefix = uniqueName("defread");
    const ids = await experimentsNamed(prefix, 3);
    const user = await newUser();
    await grantExperiment(ids[0] as string, user.username, "NO_PERMISSIONS");
    const env = authEnv({ EDGEFLOW_DEFAULT_PERMISSION: "READ" });
    const { ids: seen } = await searchExperiments(
      user,
      { filter: `name LIKE '${prefix}%'`, order_by: ["name ASC"] },
      env,
    );
    expect(seen).toEqual([ids[1], ids[2]]);
    const denied = await call("GET", "mlflow/experiments/get", {
      as: user,
      query: { experiment_id: ids[0] as string },
      env,
    });
    expect(denied.status).toBe(403);
    const write = await call("POST", "mlflow/experiments/update", {
      as: user,
      body: { experiment_id: ids[1], new_name: uniqueName("nope") },
      env,
    });
    expect(write.status).toBe(403);
  });

  it("shows a user the experiments they created", async () => {
    const owner = await newUser();
    const name = uniqueName("mine");
    const created = await call<{ experiment_id: string }>("POST", "mlflow/experiments/create", {
      as: owner,
      body: { name },
    });
    expect((await searchExperiments(owner, { filter: `name = '${name}'` })).ids).toEqual([
      created.body.experiment_id,
    ]);
  });
});

describe("runs/search", () => {
  it("needs READ on every experiment searched (MLflow 2.12.2 leaves it open)", async () => {
    const [readable, hidden] = (await experimentsNamed(uniqueName("runs"), 2)) as [string, string];
    const runId = await newRun(readable);
    await newRun(hidden);
    const reader = await newUser();
    await grantExperiment(readable, reader.username, "READ");
    const ok = await call<{ runs: { info: { run_id: string } }[] }>("POST", "mlflow/runs/search", {
      as: reader,
      body: { experiment_ids: [readable] },
    });
    expect(ok.body.runs.map((run) => run.info.run_id)).toEqual([runId]);
    const mixed = await call("POST", "mlflow/runs/search", {
      as: reader,
      body: { experiment_ids: [readable, hidden] },
    });
    expect(mixed.status).toBe(403);
  });
});

describe("registry searches", () => {
  it("show only readable models, and only readable models' versions", async () => {
    const prefix = uniqueName("reg");
    const [experimentId] = await experimentsNamed(uniqueName("src"), 1);
    const runId = await newRun(experimentId as string);
    const names = [`${prefix}-a`, `${prefix}-b`, `${prefix}-c`];
    for (const name of names) {
      await call("POST", "mlflow/registered-models/create", { ...asAdmin, body: { name } });
      await call("POST", "mlflow/model-versions/create", {
        ...asAdmin,
        body: { name, source: `runs:/${runId}/m` },
      });
    }
    const reader = await newUser();
    await grantModel(names[1] as string, reader.username, "READ");
    await grantModel(names[2] as string, reader.username, "NO_PERMISSIONS");
    const filter = `name LIKE '${prefix}%'`;
    const models = await call<{ registered_models?: { name: string }[] }>(
      "GET",
      "mlflow/registered-models/search",
      {
        as: reader,
        query: { filter },
      },
    );
    expect(models.body.registered_models?.map((m) => m.name)).toEqual([names[1]]);
    const versions = await call<{ model_versions?: { name: string }[] }>(
      "GET",
      "mlflow/model-versions/search",
      {
        as: reader,
        query: { filter },
      },
    );
    expect(versions.body.model_versions?.map((v) => v.name)).toEqual([names[1]]);
    const all = await call<{ registered_models: { name: string }[] }>(
      "GET",
      "mlflow/registered-models/search",
      {
        ...asAdmin,
        query: { filter },
      },
    );
    expect(all.body.registered_models.map((m) => m.name)).toEqual(names);
    // Paging over the filtered set: one model per page, and the token leads to nothing more.
    const page = await call<{ registered_models: unknown[]; next_page_token?: string }>(
      "GET",
      "mlflow/registered-models/search",
      { as: reader, query: { filter, max_results: "1" } },
    );
    expect(page.body.registered_models).toHaveLength(1);
    expect(page.body.next_page_token).toBeUndefined();
  });
});
