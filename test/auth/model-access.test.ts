import { env } from "cloudflare:test";
import { type AuthConfig, authConfigOf, authorizeModelRequest } from "@edgeflow/core";
import * as schema from "@edgeflow/schema";
import { drizzle } from "drizzle-orm/d1";
import { describe, expect, it } from "vitest";
import { ADMIN, authEnv, authorization, call, grantModel, newModel, newToken, newUser } from "./helpers";

/**
 * authorizeModelRequest: the runtime-independent check the inference worker calls for a model's
 * URL. A model is private unless marked PUBLIC; then anyone may call (read) it.
 */

const db = drizzle(env.DB, { schema });
const config: AuthConfig = authConfigOf(authEnv());

async function outcome(model: string, header: Record<string, string>, need?: "read" | "update") {
  try {
    const result = await authorizeModelRequest(db, {
      config,
      model,
      authorization: header.Authorization,
      need,
    });
    return result.allowedBy;
  } catch (error) {
    return (error as { errorCode: string }).errorCode;
  }
}

describe("authorizeModelRequest", () => {
  it("keeps a model private: 401 without credentials, 403 without permission, allowed with READ", async () => {
    const model = await newModel();
    const reader = await newUser();
    const stranger = await newUser();
    await grantModel(model, reader.username, "READ");
    const token = await newToken(reader);
    expect(await outcome(model, {})).toBe("UNAUTHENTICATED");
    expect(await outcome(model, authorization(stranger))).toBe("PERMISSION_DENIED");
    expect(await outcome(model, authorization({ token }))).toBe("permission");
    expect(await outcome(model, authorization(reader))).toBe("permission");
    expect(await outcome(model, authorization(reader), "update")).toBe("PERMISSION_DENIED");
    expect(await outcome(model, authorization(ADMIN), "update")).toBe("permission");
  });

  it("serves a PUBLIC model to anyone, for reading only; MANAGE switches visibility", async () => {
    const owner = await newUser();
    const model = await newModel(owner);
    const editor = await newUser();
    await grantModel(model, editor.username, "EDIT");
    const byEditor = await call("POST", "edgeflow/registered-models/set-visibility", {
      as: editor,
      body: { name: model, visibility: "PUBLIC" },
    });
    expect(byEditor.status).toBe(403);
    const published = await call("POST", "edgeflow/registered-models/set-visibility", {
      as: owner,
      body: { name: model, visibility: "PUBLIC" },
    });
    expect(published.status).toBe(200);
    expect(
      (await call("GET", "edgeflow/registered-models/get-visibility", { as: owner, query: { name: model } }))
        .body,
    ).toEqual({ name: model, visibility: "PUBLIC" });
    expect(await outcome(model, {})).toBe("public");
    expect(await outcome(model, {}, "update")).toBe("UNAUTHENTICATED");
    await call("POST", "edgeflow/registered-models/set-visibility", {
      as: owner,
      body: { name: model, visibility: "PRIVATE" },
    });
    expect(await outcome(model, {})).toBe("UNAUTHENTICATED");
    const invalid = await call("POST", "edgeflow/registered-models/set-visibility", {
      as: owner,
      body: { name: model, visibility: "public" },
    });
    expect(invalid.status).toBe(400);
  });

  it("lets everything through with auth off", async () => {
    const offConfig = authConfigOf({ EDGEFLOW_AUTH: "off" });
    const result = await authorizeModelRequest(db, {
      config: offConfig,
      model: "anything",
      authorization: null,
    });
    expect(result.allowedBy).toBe("auth-off");
  });
});
