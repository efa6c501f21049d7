import { describe, expect, it } from "vitest";
import { createExperiment, createRun, get, post } from "../helpers/api";
import { aRun, createModel } from "../helpers/registry";

/**
 * Model version sources in the style of MLflow's advisories: CVE-2023-1177 (file:// and local
 * paths read by the server), CVE-2023-2356 (traversal in a source), CVE-2023-2780 (traversal
 * around the earlier fix: encoded dots, extra slashes, Windows paths), CVE-2024-3573 (file: URIs
 * without slashes, other schemes), CVE-2025-11201 (sources escaping a runs:/ or store root).
 */
describe("model version sources", () => {
  const create = async (name: string, source: string, extra: Record<string, unknown> = {}) =>
    post("model-versions/create", { name, source, ...extra });

  it("refuses anything outside the store", async () => {
    const { runId } = await aRun();
    const name = await createModel();
    const sources = [
      "file:///etc/passwd",
      "file:/etc/passwd",
      "file://localhost/etc/passwd",
      "file:%2F%2F..%2F..%2Fetc%2Fpasswd",
      "/etc",
      "/etc/passwd",
      "etc/passwd",
      "model",
      "../../x",
      "./model",
      "C:\\windows\\system32",
      "C:/windows",
      "\\\\server\\share",
      "%2e%2e/%2e%2e/etc",
      "..%2F..%2Fetc",
      "http://evil/x",
      "https://evil.example/api/2.0/mlflow-artifacts/artifacts/x",
      "s3://bucket/x",
      "gs://bucket/x",
      "hdfs://namenode/x",
      "ftp://host/x",
      "dbfs:/x",
      "models:/other/1",
      "models:/other@champion",
      `runs:/${runId}/../../../etc`,
      `runs:/${runId}/model/../../../../etc/passwd`,
      `runs:/${runId}/./model`,
      `runs:/${runId}/%2e%2e/%2e%2e/etc`,
      `runs:/${runId}/model%00`,
      `runs:/${runId}/model\u0000.txt`,
      `runs:/${runId}/a\\..\\..\\b`,
      `runs:/${runId}//etc/passwd`,
      `runs:/${runId}/model?x=1`,
      `runs:/${runId}/model#frag`,
      `runs:/${runId}/model;x`,
      "runs:/../x",
      "runs://evilhost/x/model",
      "runs:/",
      "RUNS:/x/y",
      "mlflow-artifacts:/../../x",
      "mlflow-artifacts:/0/../../etc/passwd",
      "mlflow-artifacts:/0/./x",
      "mlflow-artifacts:/%2e%2e/x",
      "mlflow-artifacts:/0/a%2F..%2F..%2Fb",
      "mlflow-artifacts://evil.example/0/x",
      "mlflow-artifacts:///etc/passwd",
      "mlflow-artifacts:/",
      "mlflow-artifacts:",
      "mlflow-artifacts:/0/x\\..\\y",
      "mlflow-artifacts:/0/x\u0000",
    ];
    for (const source of sources) {
      const response = await create(name, source);
      expect(response, source).toMatchObject({
        status: 400,
        body: { error_code: "INVALID_PARAMETER_VALUE" },
      });
      expect(String(response.body.message), source).toContain("Invalid model version source");
    }
    // MLflow's own words where MLflow refuses the same source, which its clients and tests match.
    for (const source of [
      "mlflow-artifacts:/models/../../../",
      "mlflow-artifacts:/0/a%2F..%2F..%2Fb",
      `runs:/${runId}/../x`,
    ]) {
      expect(String((await create(name, source)).body.message), source).toContain(
        "If supplying a source as an http, https, local file path, ftp, objectstore, or mlflow-artifacts uri, an absolute path must be provided without relative path references present.",
      );
    }
    for (const source of ["/srv/models", "etc/passwd", "file:///etc/passwd"]) {
      expect(String((await create(name, source, { run_id: runId })).body.message), source).toContain(
        "To use a local path as a model version source, the run_id request parameter has to be specified",
      );
    }
    // Nothing was created along the way.
    expect((await get("model-versions/get", { name, version: "1" })).status).toBe(404);
  });

  it("accepts runs:/ paths and mlflow-artifacts: paths inside the store", async () => {
    const { runId, artifactUri } = await aRun();
    const name = await createModel();
    const accepted: [string, string][] = [
      [`runs:/${runId}/model`, `${artifactUri}/model`],
      [`runs:/${runId}/nested/dir/model`, `${artifactUri}/nested/dir/model`],
      [`runs:/${runId}/model/`, `${artifactUri}/model`],
      [`runs:/${runId}`, artifactUri],
      [`runs:/${runId}/my..model`, `${artifactUri}/my..model`],
      ["mlflow-artifacts:/0/abc/artifacts/model", "mlflow-artifacts:/0/abc/artifacts/model"],
      ["mlflow-artifacts:/some/where/", "mlflow-artifacts:/some/where/"],
      // MLflow 2.12.2 reads repeated slashes as one (test_create_model_version_with_non_local_source).
      ["mlflow-artifacts:/0//x", "mlflow-artifacts:/0/x"],
      ["mlflow-artifacts:/models///", "mlflow-artifacts:/models"],
      ["mlflow-artifacts:/models/foo///bar", "mlflow-artifacts:/models/foo/bar"],
      ["mlflow-artifacts:/models/artifact/..../", "mlflow-artifacts:/models/artifact/..../"],
      [`runs:/${runId}/a//b/`, `${artifactUri}/a/b`],
    ];
    for (const [index, [source, location]] of accepted.entries()) {
      const response = await create(name, source);
      expect(response.status, source).toBe(200);
      const uri = await get("model-versions/get-download-uri", { name, version: String(index + 1) });
      expect(uri.body, source).toEqual({ artifact_uri: location });
    }
  });

  it("accepts, as MLflow 2.12.2 does, a runs:/ source of another run than run_id, or of no run at all", async () => {
    const { runId, artifactUri } = await aRun();
    const other = { runId: (await createRun(await createExperiment())).info.run_id };
    const name = await createModel();
    const missingRun = "0123456789abcdef0123456789abcdef";
    const version = async (n: number) =>
      (
        await get<{ model_version: Record<string, unknown> }>("model-versions/get", {
          name,
          version: String(n),
        })
      ).body.model_version;
    const downloadUri = async (n: number) =>
      (await get("model-versions/get-download-uri", { name, version: String(n) })).body;
    // A run the server does not have: stored as given, its download URI the source (as MLflow's).
    expect((await create(name, `runs:/${missingRun}/model`)).status).toBe(200);
    expect(await version(1)).toMatchObject({ source: `runs:/${missingRun}/model`, run_id: missingRun });
    expect(await downloadUri(1)).toEqual({ artifact_uri: `runs:/${missingRun}/model` });
    // A run_id that does not exist beside an existing source run: the artifacts are the source's.
    expect((await create(name, `runs:/${runId}/model`, { run_id: missingRun })).status).toBe(200);
    expect(await version(2)).toMatchObject({ source: `runs:/${runId}/model`, run_id: missingRun });
    expect(await downloadUri(2)).toEqual({ artifact_uri: `${artifactUri}/model` });
    // run_id naming another existing run: MLflow keeps both as given.
    expect((await create(name, `runs:/${runId}/model`, { run_id: other.runId })).status).toBe(200);
    expect(await version(3)).toMatchObject({ source: `runs:/${runId}/model`, run_id: other.runId });
    expect(await downloadUri(3)).toEqual({ artifact_uri: `${artifactUri}/model` });
    expect((await create(name, `runs:/${runId}/model`, { run_id: runId })).status).toBe(200);
    // MLflow's copy_model_version sends models:/<name>/<version>: the copy has the version's location.
    expect((await create(name, `models:/${name}/2`, { run_id: "run_id_1" })).status).toBe(200);
    expect(await version(5)).toMatchObject({ source: `models:/${name}/2`, run_id: "run_id_1" });
    expect(await downloadUri(5)).toEqual({ artifact_uri: `${artifactUri}/model` });
    expect((await create(name, `models:/${name}/1`)).status).toBe(200);
    expect(await downloadUri(6)).toEqual({ artifact_uri: `runs:/${missingRun}/model` });
    for (const source of [
      `models:/${name}/99`,
      `models:/${name}@alias`,
      `models:/${name}/Production`,
      `models:/${name}/1/x`,
    ]) {
      const response = await create(name, source);
      expect(response, source).toMatchObject({
        status: 400,
        body: { error_code: "INVALID_PARAMETER_VALUE" },
      });
      expect(String(response.body.message), source).toContain("Invalid model version source");
    }
    // Whatever the run, the path after it is still confined.
    for (const source of [
      `runs:/${missingRun}/../../etc`,
      `runs:/${missingRun}/%2e%2e/x`,
      `runs:/${missingRun}//etc`,
    ]) {
      expect(await create(name, source, { run_id: runId }), source).toMatchObject({
        status: 400,
        body: { error_code: "INVALID_PARAMETER_VALUE" },
      });
    }
  });
});
