import { describe, expect, it } from "vitest";
import { uniqueName } from "../helpers/api";
import { asAdmin, call, grantExperiment, newExperiment, newModel, newUser } from "./helpers";

describe("experiments/permissions/*", () => {
  it("lets the creator (MANAGE) grant, read, change and revoke, with MLflow's shapes", async () => {
    const owner = await newUser("owner");
    const bob = await newUser("bob");
    const experimentId = await newExperiment(owner);
    const ref = { experiment_id: experimentId, username: bob.username };

    const created = await call<{ experiment_permission: { user_id: number } }>(
      "POST",
      "mlflow/experiments/permissions/create",
      { as: owner, body: { ...ref, permission: "READ" } },
    );
    expect(created.status).toBe(200);
    expect(created.body).toEqual({
      experiment_permission: { experiment_id: experimentId, user_id: expect.any(Number), permission: "READ" },
    });
    const got = await call("GET", "mlflow/experiments/permissions/get", { as: owner, query: ref });
    expect(got.body).toEqual(created.body);

    const updated = await call("PATCH", "mlflow/experiments/permissions/update", {
      as: owner,
      body: { ...ref, permission: "EDIT" },
    });
    expect(updated).toMatchObject({ status: 200, body: {} });
    const after = await call<{ experiment_permission: { permission: string } }>(
      "GET",
      "mlflow/experiments/permissions/get",
      { as: owner, query: ref },
    );
    expect(after.body.experiment_permission.permission).toBe("EDIT");

    const deleted = await call("DELETE", "mlflow/experiments/permissions/delete", { as: owner, body: ref });
    expect(deleted).toMatchObject({ status: 200, body: {} });
    const gone = await call("GET", "mlflow/experiments/permissions/get", { as: owner, query: ref });
    expect(gone.status).toBe(404);
    expect(gone.body.message).toBe(
      `Experiment permission with experiment_id=${experimentId} and username=${bob.username} not found`,
    );
  });

  it("gives the creator of an experiment MANAGE (users/get lists it)", async () => {
    const owner = await newUser();
    const experimentId = await newExperiment(owner);
    const user = await call<{ user: { experiment_permissions: unknown[] } }>("GET", "mlflow/users/get", {
      as: owner,
      query: { username: owner.username },
    });
    expect(user.body.user.experiment_permissions).toEqual([
      { experiment_id: experimentId, user_id: expect.any(Number), permission: "MANAGE" },
    ]);
  });

  it("needs MANAGE: READ and EDIT holders cannot grant themselves more", async () => {
    const bob = await newUser();
    const experimentId = await newExperiment();
    for (const permission of ["READ", "EDIT", "NO_PERMISSIONS"]) {
      const carol = await newUser();
      await grantExperiment(experimentId, carol.username, permission);
      const ref = { experiment_id: experimentId, username: carol.username };
      const attempts = [
        await call("POST", "mlflow/experiments/permissions/create", {
          as: carol,
          body: { experiment_id: experimentId, username: bob.username, permission: "MANAGE" },
        }),
        await call("GET", "mlflow/experiments/permissions/get", { as: carol, query: ref }),
        await call("PATCH", "mlflow/experiments/permissions/update", {
          as: carol,
          body: { ...ref, permission: "MANAGE" },
        }),
        await call("DELETE", "mlflow/experiments/permissions/delete", { as: carol, body: ref }),
      ];
      expect(attempts.map((reply) => reply.status)).toEqual([403, 403, 403, 403]);
    }
  });

  it("answers MLflow's errors: invalid permission, duplicate, unknown user; and an unknown experiment", async () => {
    const bob = await newUser();
    const experimentId = await newExperiment();
    const invalid = await call("POST", "mlflow/experiments/permissions/create", {
      ...asAdmin,
      body: { experiment_id: experimentId, username: bob.username, permission: "OWNER" },
    });
    expect(invalid.body).toEqual({
      error_code: "INVALID_PARAMETER_VALUE",
      message:
        "Invalid permission 'OWNER'. Valid permissions are: ('READ', 'EDIT', 'MANAGE', 'NO_PERMISSIONS')",
    });
    await grantExperiment(experimentId, bob.username, "READ");
    const duplicate = await call("POST", "mlflow/experiments/permissions/create", {
      ...asAdmin,
      body: { experiment_id: experimentId, username: bob.username, permission: "READ" },
    });
    expect(duplicate.status).toBe(400);
    expect(duplicate.body.error_code).toBe("RESOURCE_ALREADY_EXISTS");
    const nobody = await call("POST", "mlflow/experiments/permissions/create", {
      ...asAdmin,
      body: { experiment_id: experimentId, username: "nobody-here", permission: "READ" },
    });
    expect(nobody.body).toEqual({
      error_code: "RESOURCE_DOES_NOT_EXIST",
      message: "User with username=nobody-here not found",
    });
    const noExperiment = await call("POST", "mlflow/experiments/permissions/create", {
      ...asAdmin,
      body: { experiment_id: "987654321", username: bob.username, permission: "READ" },
    });
    expect(noExperiment.status).toBe(404);
    const badUpdate = await call("PATCH", "mlflow/experiments/permissions/update", {
      ...asAdmin,
      body: { experiment_id: experimentId, username: bob.username, permission: "read" },
    });
    expect(badUpdate.status).toBe(400);
  });
});

describe("registered-models/permissions/*", () => {
  it("lets the creator (MANAGE) grant, read, change and revoke, with MLflow's shapes", async () => {
    const owner = await newUser("owner");
    const bob = await newUser("bob");
    const name = await newModel(owner);
    const ref = { name, username: bob.username };
    const created = await call("POST", "mlflow/registered-models/permissions/create", {
      as: owner,
      body: { ...ref, permission: "EDIT" },
    });
    expect(created.body).toEqual({
      registered_model_permission: { name, user_id: expect.any(Number), permission: "EDIT" },
    });
    expect(
      (await call("GET", "mlflow/registered-models/permissions/get", { as: owner, query: ref })).body,
    ).toEqual(created.body);
    const updated = await call("PATCH", "mlflow/registered-models/permissions/update", {
      as: owner,
      body: { ...ref, permission: "READ" },
    });
    expect(updated).toMatchObject({ status: 200, body: {} });
    expect(
      (await call("DELETE", "mlflow/registered-models/permissions/delete", { as: owner, body: ref })).status,
    ).toBe(200);
    const gone = await call("GET", "mlflow/registered-models/permissions/get", { as: owner, query: ref });
    expect(gone.body).toEqual({
      error_code: "RESOURCE_DOES_NOT_EXIST",
      message: `Registered model permission with name=${name} and username=${bob.username} not found`,
    });
  });

  it("needs MANAGE on the model", async () => {
    const bob = await newUser();
    const name = await newModel();
    await call("POST", "mlflow/registered-models/permissions/create", {
      ...asAdmin,
      body: { name, username: bob.username, permission: "EDIT" },
    });
    const attempt = await call("PATCH", "mlflow/registered-models/permissions/update", {
      as: bob,
      body: { name, username: bob.username, permission: "MANAGE" },
    });
    expect(attempt.status).toBe(403);
  });

  it("follows a rename, and goes away with the model (a new model of that name starts clean)", async () => {
    const owner = await newUser();
    const bob = await newUser();
    const name = await newModel(owner);
    await call("POST", "mlflow/registered-models/permissions/create", {
      as: owner,
      body: { name, username: bob.username, permission: "READ" },
    });
    const renamed = uniqueName("renamed");
    expect(
      (
        await call("POST", "mlflow/registered-models/rename", {
          as: owner,
          body: { name, new_name: renamed },
        })
      ).status,
    ).toBe(200);
    expect(
      (await call("GET", "mlflow/registered-models/get", { as: bob, query: { name: renamed } })).status,
    ).toBe(200);

    expect(
      (await call("DELETE", "mlflow/registered-models/delete", { as: owner, body: { name: renamed } }))
        .status,
    ).toBe(200);
    await call("POST", "mlflow/registered-models/create", { ...asAdmin, body: { name: renamed } });
    expect(
      (await call("GET", "mlflow/registered-models/get", { as: bob, query: { name: renamed } })).status,
    ).toBe(403);
    expect(
      (await call("GET", "mlflow/registered-models/get", { as: owner, query: { name: renamed } })).status,
    ).toBe(403);
  });
});
