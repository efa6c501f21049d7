import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { asAdmin, call, newToken, newUser } from "./helpers";

interface TokenInfo {
  id: string;
  name: string;
  username: string;
  creation_time: number;
  expiration_time: number;
}

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

describe("API tokens", () => {
  it("are created with the password, shown once, stored as their SHA-256, and work as Bearer", async () => {
    const bob = await newUser();
    const created = await call<{ token: string; token_info: TokenInfo }>("POST", "edgeflow/tokens/create", {
      as: bob,
      body: { name: "laptop" },
    });
    expect(created.status).toBe(200);
    const { token, token_info: info } = created.body;
    expect(token).toMatch(/^efp_[A-Za-z0-9_-]{43}$/);
    expect(info).toMatchObject({ name: "laptop", username: bob.username });
    expect(info.expiration_time - info.creation_time).toBe(90 * 24 * 3600 * 1000);
    const row = await env.DB.prepare("SELECT * FROM api_tokens WHERE id = ?")
      .bind(info.id)
      .first<Record<string, unknown>>();
    expect(row?.token_hash).toBe(await sha256Hex(token));
    expect(JSON.stringify(row)).not.toContain(token);

    const viaToken = await call("POST", "mlflow/experiments/create", {
      as: { token },
      body: { name: `t-${info.id}` },
    });
    expect(viaToken.status).toBe(200);
    const listed = await call<{ tokens: TokenInfo[] }>("GET", "edgeflow/tokens/list", { as: { token } });
    expect(listed.body.tokens).toEqual([info]);
    expect(JSON.stringify(listed.body)).not.toContain(token);
  });

  it("cannot mint more tokens or change the password", async () => {
    const bob = await newUser();
    const token = await newToken(bob);
    const mint = await call("POST", "edgeflow/tokens/create", { as: { token }, body: {} });
    expect(mint.status).toBe(403);
    const password = await call("PATCH", "mlflow/users/update-password", {
      as: { token },
      body: { username: bob.username, password: "taken over by a token" },
    });
    expect(password.status).toBe(403);
  });

  it("expire", async () => {
    const bob = await newUser();
    const token = await newToken(bob, { expires_in_days: 1 });
    expect((await call("GET", "edgeflow/tokens/list", { as: { token } })).status).toBe(200);
    await env.DB.prepare("UPDATE api_tokens SET expiration_time = ? WHERE token_hash = ?")
      .bind(Date.now() - 1, await sha256Hex(token))
      .run();
    const expired = await call("GET", "edgeflow/tokens/list", { as: { token } });
    expect(expired.status).toBe(401);
    for (const days of [0, 366, -5]) {
      const refused = await call("POST", "edgeflow/tokens/create", {
        as: bob,
        body: { expires_in_days: days },
      });
      expect(refused.status).toBe(400);
    }
  });

  it("are revoked by their owner or an admin, not by anyone else", async () => {
    const bob = await newUser();
    const carol = await newUser();
    const mint = async () =>
      (
        await call<{ token: string; token_info: TokenInfo }>("POST", "edgeflow/tokens/create", {
          as: bob,
          body: {},
        })
      ).body;
    const { token: first, token_info: firstInfo } = await mint();
    const { token: second, token_info: secondInfo } = await mint();
    const list = await call<{ tokens: TokenInfo[] }>("GET", "edgeflow/tokens/list", { as: bob });
    expect(list.body.tokens.map((t) => t.id).sort()).toEqual([firstInfo.id, secondInfo.id].sort());

    const stranger = await call("POST", "edgeflow/tokens/revoke", { as: carol, body: { id: firstInfo.id } });
    expect(stranger.status).toBe(404);
    expect(
      (await call("GET", "edgeflow/tokens/list", { as: carol, query: { username: bob.username } })).status,
    ).toBe(403);
    expect(
      (await call("POST", "edgeflow/tokens/revoke", { as: bob, body: { id: firstInfo.id } })).status,
    ).toBe(200);
    expect((await call("GET", "edgeflow/tokens/list", { as: { token: first } })).status).toBe(401);

    const adminList = await call<{ tokens: TokenInfo[] }>("GET", "edgeflow/tokens/list", {
      ...asAdmin,
      query: { username: bob.username },
    });
    expect(adminList.body.tokens.map((t) => t.id)).toEqual([secondInfo.id]);
    expect(
      (await call("POST", "edgeflow/tokens/revoke", { ...asAdmin, body: { id: secondInfo.id } })).status,
    ).toBe(200);
    expect((await call("GET", "edgeflow/tokens/list", { as: { token: second } })).status).toBe(401);
  });

  it("need auth on", async () => {
    const reply = await call("POST", "edgeflow/tokens/create", { body: {}, env });
    expect(reply.status).toBe(400);
    expect(reply.body.message).toMatch(/EDGEFLOW_AUTH=off/);
  });
});
