import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createExperiment, createRun, get } from "../helpers/api";

const ORIGIN = "http://127.0.0.1:5000";

async function upload(runArtifactUri: string, path: string, body: BodyInit) {
  const root = runArtifactUri.replace("mlflow-artifacts:/", "");
  const response = await SELF.fetch(`${ORIGIN}/api/2.0/mlflow-artifacts/artifacts/${root}/${path}`, {
    method: "PUT",
    body,
  });
  expect(response.status).toBe(200);
}

describe("run artifacts", () => {
  it("lists a run's artifacts relative to its root and serves files for browsers", async () => {
    const run = await createRun(await createExperiment());
    const uri = run.info.artifact_uri as string;
    await upload(uri, "model/MLmodel", "flavors: {}\n");
    await upload(uri, "model/data/weights.bin", new Uint8Array(64));
    await upload(uri, "notes.txt", "hi");
    const root = await get("artifacts/list", { run_id: run.info.run_id });
    expect(root.body).toEqual({
      root_uri: uri,
      files: [
        { path: "model", is_dir: true },
        { path: "notes.txt", is_dir: false, file_size: 2 },
      ],
    });
    const model = await get("artifacts/list", { run_uuid: run.info.run_id, path: "model" });
    expect(model.body.files).toEqual([
      { path: "model/MLmodel", is_dir: false, file_size: 12 },
      { path: "model/data", is_dir: true },
    ]);
    const file = await SELF.fetch(`${ORIGIN}/get-artifact?run_uuid=${run.info.run_id}&path=model/MLmodel`);
    expect(file.status).toBe(200);
    expect(await file.text()).toBe("flavors: {}\n");
    expect(file.headers.get("X-Content-Type-Options")).toBe("nosniff");
    const ajax = await SELF.fetch(
      `${ORIGIN}/ajax-api/2.0/mlflow/get-artifact?run_id=${run.info.run_id}&path=notes.txt`,
    );
    expect(await ajax.text()).toBe("hi");
    const missing = await SELF.fetch(`${ORIGIN}/get-artifact?run_uuid=${run.info.run_id}&path=nope.txt`);
    expect(missing.status).toBe(404);
    const noRun = await get("artifacts/list", { run_id: "ffffffffffffffffffffffffffffffff" });
    expect(noRun.status).toBe(404);
  });

  it("uploads through presigned multipart URLs straight to the bucket", async () => {
    const part = new Uint8Array(5 * 1024 * 1024).fill(1);
    const last = new Uint8Array(1000).fill(2);
    const created = await SELF.fetch(`${ORIGIN}/api/2.0/mlflow-artifacts/mpu/create/mpu-test/dir`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ path: "/home/user/big.bin", num_parts: 2 }),
    });
    expect(created.status).toBe(200);
    const { upload_id, credentials } = (await created.json()) as {
      upload_id: string;
      credentials: { url: string; part_number: number }[];
    };
    expect(credentials.map((c) => c.part_number)).toEqual([1, 2]);
    const parts = [];
    for (const [index, credential] of credentials.entries()) {
      expect(new URL(credential.url).hostname).toBe("127.0.0.1");
      const response = await fetch(credential.url, { method: "PUT", body: index === 0 ? part : last });
      expect(response.status).toBe(200);
      parts.push({
        part_number: credential.part_number,
        etag: response.headers.get("ETag"),
        url: credential.url,
      });
    }
    const completed = await SELF.fetch(`${ORIGIN}/api/2.0/mlflow-artifacts/mpu/complete/mpu-test/dir`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ path: "/home/user/big.bin", upload_id, parts }),
    });
    expect(completed.status).toBe(200);
    const head = await SELF.fetch(`${ORIGIN}/api/2.0/mlflow-artifacts/artifacts/mpu-test/dir/big.bin`, {
      headers: { Range: "bytes=-4" },
    });
    expect(head.status).toBe(206);
    expect(head.headers.get("Content-Range")).toBe(
      `bytes ${part.length + 996}-${part.length + 999}/${part.length + 1000}`,
    );
    expect(new Uint8Array(await head.arrayBuffer())).toEqual(new Uint8Array([2, 2, 2, 2]));
    const aborted = await SELF.fetch(`${ORIGIN}/api/2.0/mlflow-artifacts/mpu/create/mpu-test/dir`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ path: "other.bin", num_parts: 1 }),
    });
    const { upload_id: second } = (await aborted.json()) as { upload_id: string };
    const abort = await SELF.fetch(`${ORIGIN}/api/2.0/mlflow-artifacts/mpu/abort/mpu-test/dir`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ path: "other.bin", upload_id: second }),
    });
    expect(abort.status).toBe(200);
    const tooMany = await SELF.fetch(`${ORIGIN}/api/2.0/mlflow-artifacts/mpu/create/mpu-test/dir`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ path: "x.bin", num_parts: 10001 }),
    });
    expect(tooMany.status).toBe(400);
  });
});

describe("model version artifacts", () => {
  it("serves a registered version's files from its resolved location", async () => {
    const run = await createRun(await createExperiment());
    await upload(run.info.artifact_uri as string, "model/MLmodel", "flavors: {onnx: {}}\n");
    const name = `mv-artifact-${Date.now()}`;
    await SELF.fetch(`${ORIGIN}/api/2.0/mlflow/registered-models/create`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ name }),
    });
    await SELF.fetch(`${ORIGIN}/api/2.0/mlflow/model-versions/create`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ name, source: `runs:/${run.info.run_id}/model` }),
    });
    const query = (path: string) => new URLSearchParams({ name, version: "1", path });
    const file = await SELF.fetch(`${ORIGIN}/model-versions/get-artifact?${query("MLmodel")}`);
    expect(file.status).toBe(200);
    expect(await file.text()).toBe("flavors: {onnx: {}}\n");
    const ajax = await SELF.fetch(
      `${ORIGIN}/ajax-api/2.0/mlflow/model-versions/get-artifact?${query("MLmodel")}`,
    );
    expect(ajax.status).toBe(200);
    await ajax.body?.cancel();
    expect(
      (await SELF.fetch(`${ORIGIN}/model-versions/get-artifact?${query("../../../etc/passwd")}`)).status,
    ).toBe(400);
    const missing = new URLSearchParams({ name, version: "9", path: "MLmodel" });
    expect((await SELF.fetch(`${ORIGIN}/model-versions/get-artifact?${missing}`)).status).toBe(404);
  });
});
