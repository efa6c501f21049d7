import { env } from "cloudflare:test";
import { createRegisteredModelPermission, createUser, setModelVisibility } from "@edgeflow/core";
import * as schema from "@edgeflow/schema";
import { drizzle } from "drizzle-orm/d1";
import { beforeAll, describe, expect, it } from "vitest";
import { handleRequest } from "../../workers/inference/src/app";
import type { InferenceEnv } from "../../workers/inference/src/env";
import { BASE, modelPath, registerModel, uniqueName } from "./helpers";

// The worker's own handler with auth on, as a deployed inference worker runs it.
const authOn: InferenceEnv = {
  ...(env as unknown as InferenceEnv),
  EDGEFLOW_AUTH: "on",
  EDGEFLOW_ADMIN_USERNAME: "root",
  EDGEFLOW_ADMIN_PASSWORD: "correct horse battery staple",
};

function basic(username: string, password: string): string {
  return `Basic ${btoa(`${username}:${password}`)}`;
}

async function predict(name: string, authorization?: string): Promise<Response> {
  return handleRequest(
    new Request(`${BASE}${modelPath(name, 1)}/invocations`, {
      method: "POST",
      headers: { "Content-Type": "application/json", ...(authorization && { Authorization: authorization }) },
      body: JSON.stringify({ inputs: ["I love this"] }),
    }),
    authOn,
  );
}

describe("inference URLs with auth on", () => {
  const db = drizzle(env.DB, { schema });
  let privateModel = "";
  let publicModel = "";
  const reader = uniqueName("reader");
  const stranger = uniqueName("stranger");
  const password = "a long enough password";

  beforeAll(async () => {
    privateModel = await registerModel(["sst2"]);
    publicModel = await registerModel(["sst2"]);
    await setModelVisibility(db, publicModel, "PUBLIC", Date.now());
    await createUser(db, { username: reader, password }, Date.now());
    await createUser(db, { username: stranger, password }, Date.now());
    await createRegisteredModelPermission(db, privateModel, reader, "READ");
  });

  it("asks for credentials on a private model, with MLflow's challenge", async () => {
    const response = await predict(privateModel);
    expect(response.status).toBe(401);
    expect(response.headers.get("WWW-Authenticate")).toBe('Basic realm="mlflow"');
    expect(((await response.json()) as { error_code: string }).error_code).toBe("UNAUTHENTICATED");
    expect((await predict(privateModel, basic(reader, "wrong password!!"))).status).toBe(401);
  });

  it("serves a private model to a user holding READ, and refuses others", async () => {
    const allowed = await predict(privateModel, basic(reader, password));
    expect(allowed.status).toBe(200);
    expect(await allowed.json()).toMatchObject({ predictions: [{ label: "POSITIVE" }] });
    const denied = await predict(privateModel, basic(stranger, password));
    expect(denied.status).toBe(403);
    expect(((await denied.json()) as { error_code: string }).error_code).toBe("PERMISSION_DENIED");
  });

  it("serves a public model to anyone, and answers unknown models without revealing more", async () => {
    expect((await predict(publicModel)).status).toBe(200);
    expect([401, 404]).toContain((await predict(uniqueName("nope"))).status);
  });
});
