import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createExperiment, createRun, post, uniqueName } from "../helpers/api";

const ORIGIN = "http://127.0.0.1:5000";

async function fetchVersionFile(query: Record<string, string>, prefix = "") {
  const response = await SELF.fetch(
    `${ORIGIN}${prefix}/model-versions/get-artifact?${new URLSearchParams(query)}`,
  );
  const text = await response.text();
  return { status: response.status, headers: response.headers, text };
}

/** A registered version whose source is a run's `model/` folder holding an MLmodel and a weights file. */
async function versionWithFiles(): Promise<{ name: string; runId: string }> {
  const run = await createRun(await createExperiment());
  const root = (run.info.artifact_uri as string).replace("mlflow-artifacts:/", "");
  for (const [path, body] of [
    ["model/MLmodel", "flavors:\n  python_function: {}\n"],
    ["model/page.html", "<script>alert(1)</script>"],
    ["model/weights.bin", "\u0000\u0001"],
  ] as const) {
    const put = await SELF.fetch(`${ORIGIN}/api/2.0/mlflow-artifacts/artifacts/${root}/${path}`, {
      method: "PUT",
      body,
    });
    expect(put.status).toBe(200);
  }
  const name = uniqueName("mv-artifact");
  expect((await post("registered-models/create", { name })).status).toBe(200);
  const created = await post("model-versions/create", {
    name,
    source: `runs:/${run.info.run_id}/model`,
    run_id: run.info.run_id,
  });
  expect(created.status).toBe(200);
  return { name, runId: run.info.run_id };
}

describe("GET /model-versions/get-artifact (MLflow's get_model_version_artifact_handler)", () => {
  it("serves a version's file at the root and under /ajax-api/2.0/mlflow, as an attachment", async () => {
    const { name } = await versionWithFiles();
    for (const prefix of ["", "/ajax-api/2.0/mlflow"]) {
      const file = await fetchVersionFile({ name, version: "1", path: "MLmodel" }, prefix);
      expect(file.status).toBe(200);
      expect(file.text).toBe("flavors:\n  python_function: {}\n");
      expect(file.headers.get("Content-Disposition")).toMatch(/^attachment; filename="MLmodel"/);
      expect(file.headers.get("X-Content-Type-Options")).toBe("nosniff");
    }
    // An uploaded page never runs on this origin: an attachment under a sandboxing CSP.
    const page = await fetchVersionFile({ name, version: "1", path: "page.html" });
    expect(page.status).toBe(200);
    expect(page.headers.get("Content-Security-Policy")).toContain("sandbox");
    expect(page.headers.get("Content-Disposition")).toMatch(/^attachment/);
  });

  it("answers a byte range of a file", async () => {
    const { name } = await versionWithFiles();
    const response = await SELF.fetch(
      `${ORIGIN}/model-versions/get-artifact?${new URLSearchParams({ name, version: "1", path: "MLmodel" })}`,
      { headers: { Range: "bytes=0-7" } },
    );
    expect(response.status).toBe(206);
    expect(await response.text()).toBe("flavors:");
  });

  it.each([
    "../path",
    "../../../etc/passwd",
    "/etc/passwd",
    "a/../../MLmodel",
    "%2e%2e/MLmodel",
    "..%2fMLmodel",
    "..\\MLmodel",
    "file:///etc/passwd",
    "C:\\Windows\\win.ini",
    "MLmodel\u0000.txt",
  ])("refuses the path %j with MLflow's 400 before looking the version up", async (path) => {
    const reply = await fetchVersionFile({ name: "model", version: "1", path });
    expect(reply.status).toBe(400);
    const body = JSON.parse(reply.text) as { error_code: string; message: string };
    expect(body.error_code).toBe("INVALID_PARAMETER_VALUE");
    expect(body.message).toContain("Invalid path");
  });

  it("answers missing parameters with a 400, and unknown models, versions and files with a 404", async () => {
    const { name } = await versionWithFiles();
    const incomplete: Record<string, string>[] = [
      { name, version: "1" },
      { version: "1", path: "MLmodel" },
      { name, path: "MLmodel" },
    ];
    for (const query of incomplete) {
      const reply = await fetchVersionFile(query);
      expect([query, reply.status]).toEqual([query, 400]);
      expect(JSON.parse(reply.text).error_code).toBe("INVALID_PARAMETER_VALUE");
    }
    for (const query of [
      { name: uniqueName("no-such-model"), version: "1", path: "MLmodel" },
      { name, version: "7", path: "MLmodel" },
      { name, version: "1", path: "nope.txt" },
    ]) {
      const reply = await fetchVersionFile(query);
      expect([query, reply.status]).toEqual([query, 404]);
      expect(JSON.parse(reply.text).error_code).toBe("RESOURCE_DOES_NOT_EXIST");
    }
  });
});
