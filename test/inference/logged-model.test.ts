import { env, SELF } from "cloudflare:test";
import {
  createExperimentPermission,
  createModelVersion,
  createUser,
  type TrackingContext,
} from "@edgeflow/core";
import * as schema from "@edgeflow/schema";
import { type LoggedModelStatus, loggedModels } from "@edgeflow/schema";
import { drizzle } from "drizzle-orm/d1";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { handleRequest } from "../../workers/inference/src/app";
import type { InferenceEnv } from "../../workers/inference/src/env";
import { BASE, invoke, registerModel, uniqueName } from "./helpers";

/** MLflow 3's logged models are servable by id (/models/m-<32 hex>/...), like a model version. */

const db = drizzle(env.DB, { schema });
const registry: TrackingContext = {
  db,
  now: () => Date.now(),
  artifactRoot: "mlflow-artifacts:/",
  get artifacts(): never {
    throw new Error("not used");
  },
};
const hex32 = () => crypto.randomUUID().replaceAll("-", "");

/** A logged model in the default experiment whose files are the sst2 fixture's. */
async function loggedModel(status: LoggedModelStatus = "LOGGED_MODEL_READY"): Promise<string> {
  const modelId = `m-${hex32()}`;
  const now = Date.now();
  await db.insert(loggedModels).values({
    modelId,
    experimentId: 0,
    name: "sentiment",
    artifactLocation: `mlflow-artifacts:/${inject("fixturePaths").sst2}`,
    creationTimestampMs: now,
    lastUpdatedTimestampMs: now,
    status,
  });
  return modelId;
}

describe("serving a logged model by id", () => {
  let ready = "";
  beforeAll(async () => {
    ready = await loggedModel();
  });

  it("predicts through /invocations and describes itself in /metadata", async () => {
    const { status, body } = await invoke(`/models/${ready}/invocations`, { inputs: ["I love this"] });
    expect(status).toBe(200);
    expect((body.predictions as { label: string }[])[0]?.label).toBe("POSITIVE");
    const metadata = (await (await SELF.fetch(`${BASE}/models/${ready}/metadata`)).json()) as Record<
      string,
      unknown
    >;
    expect(metadata).toMatchObject({
      name: "sentiment",
      version: null,
      model_id: ready,
      flavor: "transformers_js",
    });
  });

  it("serves a version registered from models:/<model_id> from the logged model's files", async () => {
    const name = uniqueName("from-logged");
    await registerModel([], name);
    await createModelVersion(registry, { name, source: `models:/${ready}`, model_id: ready });
    const { status, body } = await invoke(`/models/${name}/1/invocations`, { inputs: ["I hate this"] });
    expect(status).toBe(200);
    expect((body.predictions as { label: string }[])[0]?.label).toBe("NEGATIVE");
  });

  it("refuses a logged model that is not finalized, and answers 404 for an unknown id", async () => {
    const pending = await loggedModel("LOGGED_MODEL_PENDING");
    const notReady = await invoke(`/models/${pending}/invocations`, { inputs: ["x"] });
    expect([notReady.status, notReady.body.error_code]).toEqual([400, "INVALID_PARAMETER_VALUE"]);
    const unknown = await invoke(`/models/m-${hex32()}/invocations`, { inputs: ["x"] });
    expect([unknown.status, unknown.body.error_code]).toEqual([404, "RESOURCE_DOES_NOT_EXIST"]);
  });

  it("with auth on, needs READ on the logged model's experiment", async () => {
    const authOn: InferenceEnv = {
      ...(env as unknown as InferenceEnv),
      EDGEFLOW_AUTH: "on",
      EDGEFLOW_ADMIN_USERNAME: "root",
      EDGEFLOW_ADMIN_PASSWORD: "correct horse battery staple",
    };
    const password = "a long enough password";
    const reader = uniqueName("reader");
    const stranger = uniqueName("stranger");
    await createUser(db, { username: reader, password }, Date.now());
    await createUser(db, { username: stranger, password }, Date.now());
    await createExperimentPermission(db, "0", reader, "READ");
    const predict = (username?: string) =>
      handleRequest(
        new Request(`${BASE}/models/${ready}/invocations`, {
          method: "POST",
          headers: {
            "Content-Type": "application/json",
            ...(username && { Authorization: `Basic ${btoa(`${username}:${password}`)}` }),
          },
          body: JSON.stringify({ inputs: ["I love this"] }),
        }),
        authOn,
      );
    expect((await predict()).status).toBe(401);
    expect((await predict(stranger)).status).toBe(403);
    expect((await predict(reader)).status).toBe(200);
  });
});
