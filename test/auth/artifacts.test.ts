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
} from "./helpers";

/** The proxied artifact store under auth: a path's first segment names its experiment. */

async function upload(as: unknown, path: string, contents = "data") {
  return call("PUT", `mlflow-artifacts/artifacts/${path}`, { as: as as never, raw: contents });
}

describe("artifact permissions", () => {
  it("lets EDIT upload but not delete (CVE-2024-4263); MANAGE deletes", async () => {
    const experimentId = await newExperiment();
    const editor = await newUser();
    const manager = await newUser();
    await grantExperiment(experimentId, editor.username, "EDIT");
    await grantExperiment(experimentId, manager.username, "MANAGE");
    expect((await upload(editor, `${experimentId}/r/artifacts/a.txt`)).status).toBe(200);
    const refused = await call("DELETE", `mlflow-artifacts/artifacts/${experimentId}/r/artifacts/a.txt`, {
      as: editor,
    });
    expect(refused.status).toBe(403);
    const dir = await call("DELETE", `mlflow-artifacts/artifacts/${experimentId}`, { as: editor });
    expect(dir.status).toBe(403);
    expect(
      (await call("GET", `mlflow-artifacts/artifacts/${experimentId}/r/artifacts/a.txt`, { as: editor }))
        .body,
    ).toBe("data");
    expect(
      (await call("DELETE", `mlflow-artifacts/artifacts/${experimentId}/r/artifacts/a.txt`, { as: manager }))
        .status,
    ).toBe(200);
  });

  it("refuses uploads into another user's experiment, plain or multipart (CVE-2026-2651)", async () => {
    const alice = await newUser("alice");
    const mallory = await newUser("mallory");
    const victim = await newExperiment(alice);
    const own = await newExperiment(mallory);
    expect((await upload(mallory, `${victim}/x/artifacts/evil.txt`)).status).toBe(403);
    const body = { path: "evil.bin", num_parts: 2 };
    for (const step of ["create", "complete", "abort"]) {
      const reply = await call("POST", `mlflow-artifacts/mpu/${step}/${victim}/x/artifacts`, {
        as: mallory,
        body: { ...body, upload_id: "u", parts: [] },
      });
      expect([step, reply.status]).toEqual([step, 403]);
    }
    // The client's local path is reduced to a file name: it cannot move the object elsewhere.
    const sneaky = await call("POST", `mlflow-artifacts/mpu/create/${own}/x`, {
      as: mallory,
      body: { path: `../../${victim}/x/evil.bin`, num_parts: 1 },
    });
    expect(sneaky.status).toBe(200);
    const own1 = await call("POST", `mlflow-artifacts/mpu/create/${own}/x/artifacts`, { as: mallory, body });
    expect(own1.status).toBe(200);
    expect(JSON.stringify(own1.body)).toContain(`${own}/x/artifacts/evil.bin`);
  });

  it("decodes a path once, the same way for the check and the store", async () => {
    const alice = await newUser("alice");
    const mallory = await newUser("mallory");
    const victim = await newExperiment(alice);
    const own = await newExperiment(mallory);
    const encoded = [...victim].map((digit) => `%3${digit}`).join("");
    expect((await upload(mallory, `${encoded}/x/artifacts/evil.txt`)).status).toBe(403);
    // A literal or dot-encoded ".." is resolved by URL parsing before the worker sees it: the
    // request lands on the victim's folder, and is refused there.
    expect((await upload(mallory, `${own}/../${victim}/evil.txt`)).status).toBe(403);
    expect((await upload(mallory, `${own}/%2e%2e/${victim}/evil.txt`)).status).toBe(403);
    // An encoded slash survives URL parsing; decoding it yields "..", which is refused.
    expect((await upload(mallory, `${own}%2F..%2F${victim}/evil.txt`)).status).toBe(400);
  });

  it("keeps paths outside every experiment's folder, and the root listing, for admins", async () => {
    const user = await newUser();
    expect((await upload(user, "shared/notes.txt")).status).toBe(403);
    expect((await upload(asAdmin.as, "shared/notes.txt")).status).toBe(200);
    expect((await call("GET", "mlflow-artifacts/artifacts/shared/notes.txt", { as: user })).status).toBe(403);
    expect((await call("GET", "mlflow-artifacts/artifacts", { as: user })).status).toBe(403);
    expect(
      (await call("GET", "mlflow-artifacts/artifacts", { as: user, query: { path: "shared" } })).status,
    ).toBe(403);
    expect(
      (await call("GET", "mlflow-artifacts/artifacts", { ...asAdmin, query: { path: "shared" } })).status,
    ).toBe(200);
  });

  it("lists an experiment's folder only for its readers", async () => {
    const experimentId = await newExperiment();
    await upload(asAdmin.as, `${experimentId}/r/artifacts/a.txt`);
    const reader = await newUser();
    const stranger = await newUser();
    await grantExperiment(experimentId, reader.username, "READ");
    const query = { path: `${experimentId}/r/artifacts` };
    expect((await call("GET", "mlflow-artifacts/artifacts", { as: reader, query })).body).toEqual({
      files: [{ path: "a.txt", is_dir: false, file_size: 4 }],
    });
    expect((await call("GET", "mlflow-artifacts/artifacts", { as: stranger, query })).status).toBe(403);
  });

  it("checks the run a browser download names, even with the parameter repeated", async () => {
    const alice = await newUser("alice");
    const mallory = await newUser("mallory");
    const victimExperiment = await newExperiment(alice);
    const victimRun = await newRun(victimExperiment, alice);
    await upload(alice, `${victimExperiment}/${victimRun}/artifacts/secret.txt`, "secret");
    const ownRun = await newRun(await newExperiment(mallory), mallory);
    const polluted = await call(
      "GET",
      `/get-artifact?run_uuid=${ownRun}&run_uuid=${victimRun}&path=secret.txt`,
      {
        as: mallory,
      },
    );
    expect(polluted.status).toBe(403);
    const direct = await call("GET", "/get-artifact", {
      as: mallory,
      query: { run_uuid: victimRun, path: "secret.txt" },
    });
    expect(direct.status).toBe(403);
    const owner = await call("GET", "/get-artifact", {
      as: alice,
      query: { run_uuid: victimRun, path: "secret.txt" },
    });
    expect(owner.body).toBe("secret");
  });
});

describe("model version sources", () => {
  it("must be readable by whoever registers them", async () => {
    const alice = await newUser("alice");
    const mallory = await newUser("mallory");
    const victimExperiment = await newExperiment(alice);
    const victimRun = await newRun(victimExperiment, alice);
    const model = await newModel(mallory);
    const viaRun = await call("POST", "mlflow/model-versions/create", {
      as: mallory,
      body: { name: model, source: `runs:/${victimRun}/model` },
    });
    expect(viaRun.status).toBe(403);
    const viaStore = await call("POST", "mlflow/model-versions/create", {
      as: mallory,
      body: { name: model, source: `mlflow-artifacts:/${victimExperiment}/${victimRun}/artifacts/model` },
    });
    expect(viaStore.status).toBe(403);
    await grantExperiment(victimExperiment, mallory.username, "READ");
    const allowed = await call("POST", "mlflow/model-versions/create", {
      as: mallory,
      body: { name: model, source: `runs:/${victimRun}/model` },
    });
    expect(allowed.status).toBe(200);
  });

  it("copied from another version (models:/<name>/<version>) need READ on that model", async () => {
    const alice = await newUser("alice");
    const mallory = await newUser("mallory");
    const experimentId = await newExperiment(alice);
    const runId = await newRun(experimentId, alice);
    const victimModel = await newModel(alice);
    const created = await call("POST", "mlflow/model-versions/create", {
      as: alice,
      body: { name: victimModel, source: `runs:/${runId}/model` },
    });
    expect(created.status).toBe(200);
    const model = await newModel(mallory);
    const copy = await call("POST", "mlflow/model-versions/create", {
      as: mallory,
      body: { name: model, source: `models:/${victimModel}/1` },
    });
    expect(copy.status).toBe(403);
    await grantModel(victimModel, mallory.username, "READ");
    const allowed = await call("POST", "mlflow/model-versions/create", {
      as: mallory,
      body: { name: model, source: `models:/${victimModel}/1` },
    });
    expect(allowed.status).toBe(200);
  });

  it("serve their files to the model's readers (the registry's way of sharing)", async () => {
    const experimentId = await newExperiment();
    const runId = await newRun(experimentId);
    await upload(asAdmin.as, `${experimentId}/${runId}/artifacts/model/MLmodel`, "flavors: {}");
    const model = await newModel();
    await call("POST", "mlflow/model-versions/create", {
      ...asAdmin,
      body: { name: model, source: `runs:/${runId}/model` },
    });
    const reader = await newUser();
    await grantModel(model, reader.username, "READ");
    const file = await call("GET", "/model-versions/get-artifact", {
      as: reader,
      query: { name: model, version: "1", path: "MLmodel" },
    });
    expect(file.body).toBe("flavors: {}");
  });
});
