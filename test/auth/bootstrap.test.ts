import { describe, expect, it } from "vitest";
import { ADMIN, authEnv, call } from "./helpers";

/**
 * No default admin password: the first admin comes from the EDGEFLOW_ADMIN_* secrets, and only
 * while no admin exists. Each test file has its own database, so this one starts with no users;
 * its tests run in order.
 */

const noSecrets = authEnv({ EDGEFLOW_ADMIN_USERNAME: undefined, EDGEFLOW_ADMIN_PASSWORD: undefined });

describe("bootstrapping the first admin", () => {
  it("answers every request 503 with instructions while no admin exists and no secret is set", async () => {
    for (const as of [undefined, ADMIN, { token: "efp_whatever" }]) {
      const reply = await call("POST", "mlflow/experiments/search", { as, body: {}, env: noSecrets });
      expect(reply.status).toBe(503);
      expect(reply.body.error_code).toBe("TEMPORARILY_UNAVAILABLE");
      expect(reply.body.message).toMatch(/wrangler secret put EDGEFLOW_ADMIN_USERNAME/);
      expect(reply.body.message).toMatch(/EDGEFLOW_AUTH=on EDGEFLOW_ADMIN_USERNAME=/);
    }
    expect((await call("GET", "/health", { env: noSecrets })).status).toBe(200);
  });

  it("refuses a short admin password from the secrets, with the reason", async () => {
    const weak = authEnv({ EDGEFLOW_ADMIN_PASSWORD: "password" });
    const reply = await call("POST", "mlflow/experiments/search", {
      as: { ...ADMIN, password: "password" },
      body: {},
      env: weak,
    });
    expect(reply.status).toBe(503);
    expect(reply.body.message).toMatch(/at least 12 characters/);
  });

  it("creates the admin from the secrets on first use", async () => {
    const anonymous = await call("POST", "mlflow/experiments/search", { body: {} });
    expect(anonymous.status).toBe(401);
    const reply = await call<{ user: { is_admin: boolean } }>("GET", "mlflow/users/get", {
      as: ADMIN,
      query: { username: ADMIN.username },
    });
    expect(reply.status).toBe(200);
    expect(reply.body.user.is_admin).toBe(true);
  });

  it("ignores the secrets once an admin exists: a changed password sticks", async () => {
    const changed = { ...ADMIN, password: "the admin's own new password" };
    expect((await call("PATCH", "mlflow/users/update-password", { as: ADMIN, body: changed })).status).toBe(
      200,
    );
    expect(
      (await call("GET", "mlflow/users/get", { as: ADMIN, query: { username: ADMIN.username } })).status,
    ).toBe(401);
    expect(
      (await call("GET", "mlflow/users/get", { as: changed, query: { username: ADMIN.username } })).status,
    ).toBe(200);
    // Without secrets, an existing admin keeps the server running.
    expect(
      (await call("POST", "mlflow/experiments/search", { as: changed, body: {}, env: noSecrets })).status,
    ).toBe(200);
    expect((await call("POST", "mlflow/experiments/search", { body: {}, env: noSecrets })).status).toBe(401);
  });

  it("brings the admin back from the secrets when no admin is left (lost-password recovery)", async () => {
    const changed = { ...ADMIN, password: "the admin's own new password" };
    const other = { username: "second", password: "second user's password" };
    expect((await call("POST", "mlflow/users/create", { as: changed, body: other })).status).toBe(200);
    expect(
      (
        await call("PATCH", "mlflow/users/update-admin", {
          as: changed,
          body: { username: ADMIN.username, is_admin: false },
        })
      ).status,
    ).toBe(200);
    // No admin now; the configured one is restored with the secret password and admin rights.
    const restored = await call<{ user: { is_admin: boolean } }>("GET", "mlflow/users/get", {
      as: ADMIN,
      query: { username: other.username },
    });
    expect(restored.status).toBe(200);
    expect(
      (await call("GET", "mlflow/users/get", { as: changed, query: { username: ADMIN.username } })).status,
    ).toBe(401);
  });
});
