import { describe, expect, it } from "vitest";
import {
  asAdmin,
  call,
  grantExperiment,
  grantModel,
  newExperiment,
  newModel,
  newRun,
  newUser,
  type Who,
} from "./helpers";

/**
 * MLflow 3's logged models answer with their experiment's permission (auth/rules.ts): reads need
 * READ, changes EDIT, deletions MANAGE, and registering one as a model version needs READ on it.
 */

type Level = "MANAGE" | "EDIT" | "READ" | "none";
type Need = "read" | "update" | "delete";

const ALLOWED: Record<Level, Need[]> = {
  MANAGE: ["read", "update", "delete"],
  EDIT: ["read", "update"],
  READ: ["read"],
  none: [],
};

interface Fixture {
  experimentId: string;
  modelId: string;
}

async function fixture(): Promise<Fixture> {
  const experimentId = await newExperiment();
  const runId = await newRun(experimentId);
  const created = await call<{ model: { info: { model_id: string } } }>("POST", "mlflow/logged-models", {
    ...asAdmin,
    body: { experiment_id: experimentId, source_run_id: runId, tags: [{ key: "t", value: "v" }] },
  });
  expect(created.status).toBe(200);
  return { experimentId, modelId: created.body.model.info.model_id };
}

type Case = [name: string, need: Need, run: (as: Who, f: Fixture) => ReturnType<typeof call>];

const cases: Case[] = [
  ["get", "read", (as, f) => call("GET", `mlflow/logged-models/${f.modelId}`, { as })],
  [
    "search",
    "read",
    (as, f) =>
      call("POST", "mlflow/logged-models/search", { as, body: { experiment_ids: [f.experimentId] } }),
  ],
  [
    "list artifacts",
    "read",
    (as, f) => call("GET", `mlflow/logged-models/${f.modelId}/artifacts/directories`, { as }),
  ],
  [
    "create",
    "update",
    (as, f) => call("POST", "mlflow/logged-models", { as, body: { experiment_id: f.experimentId } }),
  ],
  [
    "finalize",
    "update",
    (as, f) =>
      call("PATCH", `mlflow/logged-models/${f.modelId}`, {
        as,
        body: { model_id: f.modelId, status: "LOGGED_MODEL_READY" },
      }),
  ],
  [
    "set tags",
    "update",
    (as, f) =>
      call("PATCH", `mlflow/logged-models/${f.modelId}/tags`, {
        as,
        body: { tags: [{ key: "k", value: "v" }] },
      }),
  ],
  [
    "log params",
    "update",
    (as, f) =>
      call("POST", `mlflow/logged-models/${f.modelId}/params`, {
        as,
        body: { params: [{ key: "p", value: "1" }] },
      }),
  ],
  ["delete tag", "delete", (as, f) => call("DELETE", `mlflow/logged-models/${f.modelId}/tags/t`, { as })],
  ["delete", "delete", (as, f) => call("DELETE", `mlflow/logged-models/${f.modelId}`, { as })],
];

const levels: Level[] = ["MANAGE", "EDIT", "READ", "none"];

describe.each(levels)("logged models, a user with %s on the experiment", (level) => {
  it.each(cases)("%s (needs %s)", async (_name, need, run) => {
    const user = await newUser(level.toLowerCase());
    const f = await fixture();
    if (level !== "none") await grantExperiment(f.experimentId, user.username, level);
    const reply = await run(user, f);
    if (ALLOWED[level].includes(need)) {
      expect([reply.status, reply.body]).toEqual([200, expect.anything()]);
    } else {
      expect([reply.status, (reply.body as { error_code?: string }).error_code]).toEqual([
        403,
        "PERMISSION_DENIED",
      ]);
    }
  });
});

describe("registering a logged model", () => {
  it("needs READ on the logged model's experiment, besides EDIT on the registered model", async () => {
    const f = await fixture();
    const user = await newUser("registrar");
    const name = await newModel();
    await grantModel(name, user.username, "EDIT");
    const register = () =>
      call("POST", "mlflow/model-versions/create", {
        as: user,
        body: { name, source: `models:/${f.modelId}`, model_id: f.modelId },
      });
    const refused = await register();
    expect([refused.status, (refused.body as { error_code?: string }).error_code]).toEqual([
      403,
      "PERMISSION_DENIED",
    ]);
    await grantExperiment(f.experimentId, user.username, "READ");
    expect((await register()).status).toBe(200);
  });

  it("answers 401 without credentials", async () => {
    const f = await fixture();
    expect((await call("GET", `mlflow/logged-models/${f.modelId}`)).status).toBe(401);
  });
});
