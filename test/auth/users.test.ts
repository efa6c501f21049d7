import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { uniqueName } from "../helpers/api";
import { ADMIN, asAdmin, call, newToken, newUser } from "./helpers";

interface WireUser {
  id: number;
  username: string;
  is_admin: boolean;
  experiment_permissions: unknown[];
  registered_model_permissions: unknown[];
}

describe("users/create", () => {
  it("creates a user for an admin, with MLflow's response shape (empty lists and false kept)", async () => {
    const username = uniqueName("alice");
    const reply = await call<{ user: WireUser }>("POST", "mlflow/users/create", {
      ...asAdmin,
      body: { username, password: "a long enough password" },
    });
    expect(reply.status).toBe(200);
    expect(reply.body.user).toEqual({
      id: expect.any(Number),
      username,
      is_admin: false,
      experiment_permissions: [],
      registered_model_permissions: [],
    });
  });

  it("refuses unauthenticated user creation (CVE-2023-6014)", async () => {
    const body = { username: uniqueName("mallory"), password: "a long enough password" };
    const reply = await call("POST", "mlflow/users/create", { body });
    expect(reply.status).toBe(401);
    // Not even created behind the 401.
    expect(
      (await call("GET", "mlflow/users/get", { ...asAdmin, query: { username: body.username } })).status,
    ).toBe(404);
  });

  it("refuses user creation by a non-admin", async () => {
    const bob = await newUser();
    const reply = await call("POST", "mlflow/users/create", {
      as: bob,
      body: { username: uniqueName("eve"), password: "a long enough password" },
    });
    expect(reply.status).toBe(403);
    expect(reply.body.error_code).toBe("PERMISSION_DENIED");
  });

  it("refuses empty and short passwords (CVE-2025-11200)", async () => {
    for (const password of ["", "short", "elevenchars"]) {
      const reply = await call("POST", "mlflow/users/create", {
        ...asAdmin,
        body: { username: uniqueName("weak"), password },
      });
      expect(reply.status).toBe(400);
      expect(reply.body.error_code).toBe("INVALID_PARAMETER_VALUE");
    }
    const missing = await call("POST", "mlflow/users/create", {
      ...asAdmin,
      body: { username: uniqueName("x") },
    });
    expect(missing.body.message).toBe(
      "Missing value for required parameter 'password'. See the API docs for more information about request parameters.",
    );
  });

  it("refuses a taken username, an empty one and one with a colon", async () => {
    const bob = await newUser();
    const taken = await call("POST", "mlflow/users/create", { ...asAdmin, body: bob });
    expect(taken.status).toBe(400);
    expect(taken.body).toEqual({
      error_code: "RESOURCE_ALREADY_EXISTS",
      message: `User (username=${bob.username}) already exists.`,
    });
    const colon = await call("POST", "mlflow/users/create", {
      ...asAdmin,
      body: { username: "a:b", password: "a long enough password" },
    });
    expect(colon.status).toBe(400);
  });

  it("stores passwords as salted PBKDF2-SHA256, never in clear", async () => {
    const bob = await newUser();
    const row = await env.DB.prepare("SELECT password_hash FROM users WHERE username = ?")
      .bind(bob.username)
      .first<{
        password_hash: string;
      }>();
    expect(row?.password_hash).toMatch(/^pbkdf2-sha256\$100000\$[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}$/);
    expect(row?.password_hash).not.toContain(bob.password);
  });
});

describe("users/get", () => {
  it("lets users read themselves and admins read anyone, and nobody else", async () => {
    const bob = await newUser();
    const carol = await newUser();
    const self = await call<{ user: WireUser }>("GET", "mlflow/users/get", {
      as: bob,
      query: { username: bob.username },
    });
    expect(self.status).toBe(200);
    expect(self.body.user.username).toBe(bob.username);
    expect(
      (await call("GET", "mlflow/users/get", { ...asAdmin, query: { username: bob.username } })).status,
    ).toBe(200);
    const other = await call("GET", "mlflow/users/get", { as: carol, query: { username: bob.username } });
    expect(other.status).toBe(403);
  });

  it("answers MLflow's 404 for an unknown user", async () => {
    const reply = await call("GET", "mlflow/users/get", {
      ...asAdmin,
      query: { username: "no-such-user-here" },
    });
    expect(reply.status).toBe(404);
    expect(reply.body).toEqual({
      error_code: "RESOURCE_DOES_NOT_EXIST",
      message: "User with username=no-such-user-here not found",
    });
  });
});

describe("users/update-password", () => {
  it("lets a user change their own password (PATCH), after which only the new one works", async () => {
    const bob = await newUser();
    const next = { ...bob, password: "a brand new password" };
    const reply = await call("PATCH", "mlflow/users/update-password", { as: bob, body: next });
    expect(reply).toMatchObject({ status: 200, body: {} });
    expect(
      (await call("GET", "mlflow/users/get", { as: bob, query: { username: bob.username } })).status,
    ).toBe(401);
    expect(
      (await call("GET", "mlflow/users/get", { as: next, query: { username: bob.username } })).status,
    ).toBe(200);
  });

  it("refuses changing someone else's password, a short password, and doing it with a token", async () => {
    const bob = await newUser();
    const carol = await newUser();
    const other = await call("PATCH", "mlflow/users/update-password", {
      as: carol,
      body: { username: bob.username, password: "carol owns bob now" },
    });
    expect(other.status).toBe(403);
    const short = await call("PATCH", "mlflow/users/update-password", {
      as: bob,
      body: { username: bob.username, password: "tiny" },
    });
    expect(short.status).toBe(400);
    const token = await newToken(bob);
    const viaToken = await call("PATCH", "mlflow/users/update-password", {
      as: { token },
      body: { username: bob.username, password: "a stolen token's password" },
    });
    expect(viaToken.status).toBe(403);
    expect(viaToken.body.message).toMatch(/username and password/);
  });

  it("lets an admin reset anyone's password; only PATCH is accepted", async () => {
    const bob = await newUser();
    const reset = await call("PATCH", "mlflow/users/update-password", {
      ...asAdmin,
      body: { username: bob.username, password: "reset by the admin" },
    });
    expect(reset.status).toBe(200);
    const post = await call("POST", "mlflow/users/update-password", { ...asAdmin, body: bob });
    expect(post.status).toBe(405);
  });
});

describe("users/update-admin and users/delete", () => {
  it("are for admins only; a promoted user is an admin at once", async () => {
    const bob = await newUser();
    const carol = await newUser();
    const refused = await call("PATCH", "mlflow/users/update-admin", {
      as: bob,
      body: { username: bob.username, is_admin: true },
    });
    expect(refused.status).toBe(403);
    const promoted = await call("PATCH", "mlflow/users/update-admin", {
      ...asAdmin,
      body: { username: bob.username, is_admin: true },
    });
    expect(promoted.status).toBe(200);
    const user = await call<{ user: WireUser }>("GET", "mlflow/users/get", {
      as: bob,
      query: { username: carol.username },
    });
    expect(user.body.user.is_admin).toBe(false);
    expect(
      (await call("DELETE", "mlflow/users/delete", { as: carol, body: { username: bob.username } })).status,
    ).toBe(403);
  });

  it("deletes a user with their permissions and tokens; their credentials stop working", async () => {
    const bob = await newUser();
    const token = await newToken(bob);
    const deleted = await call("DELETE", "mlflow/users/delete", {
      ...asAdmin,
      body: { username: bob.username },
    });
    expect(deleted).toMatchObject({ status: 200, body: {} });
    expect(
      (await call("GET", "mlflow/users/get", { as: bob, query: { username: bob.username } })).status,
    ).toBe(401);
    expect((await call("GET", "edgeflow/tokens/list", { as: { token } })).status).toBe(401);
    const tokens = await env.DB.prepare(
      "SELECT count(*) AS n FROM api_tokens WHERE user_id NOT IN (SELECT id FROM users)",
    ).first<{ n: number }>();
    expect(tokens?.n).toBe(0);
    const again = await call("DELETE", "mlflow/users/delete", {
      ...asAdmin,
      body: { username: bob.username },
    });
    expect(again.status).toBe(404);
  });

  it("keeps the admin working throughout", async () => {
    expect(
      (await call("GET", "mlflow/users/get", { as: ADMIN, query: { username: ADMIN.username } })).status,
    ).toBe(200);
  });
});
