import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createExperiment, createRun } from "../helpers/api";

const ORIGIN = "http://127.0.0.1:5000";
const ARTIFACTS = `${ORIGIN}/api/2.0/mlflow-artifacts/artifacts`;

// Inputs in the style of MLflow's path-traversal advisories (CVE-2023-6831, CVE-2024-1560,
// CVE-2024-1483, CVE-2024-1593, CVE-2024-3848 and kin). Paths travel percent-encoded where a
// URL parser would otherwise resolve them before the worker sees them.
const HOSTILE_URL_PATHS = [
  "..%2F..%2Fetc%2Fpasswd",
  "a%2F..%2F..%2Fsecret",
  "%252e%252e%252fetc", // double-encoded
  "a%252fb",
  "a%5C..%5C..%5Cwindows", // backslashes
  "a%23fragment",
  "a%3Bparam",
  "a%00b", // NUL
  "%2Fetc%2Fpasswd", // absolute
  "file%3A%2F%2F%2Fetc%2Fpasswd", // scheme trick
  "C%3A%5Cwindows%5Cwin.ini",
  "a%2F%2Fb",
  "a%2F.%2Fb",
  "%ZZ",
];

const HOSTILE_QUERY_PATHS = [
  "../etc",
  "a/../../b",
  "..",
  "/etc/passwd",
  "%2e%2e%2fetc",
  "a\\b",
  "a#b",
  "a;b",
  "a\u0000b",
  "file:///etc/passwd",
  "s3://other-bucket/x",
  "C:\\windows",
];

async function expectInvalid(response: Response, label: string) {
  expect(response.status, label).toBe(400);
  const body = (await response.json()) as { error_code: string };
  expect(body.error_code, label).toBe("INVALID_PARAMETER_VALUE");
}

describe("artifact paths are confined", () => {
  it("rejects hostile paths in artifact URLs, for every method", async () => {
    for (const path of HOSTILE_URL_PATHS) {
      await expectInvalid(await SELF.fetch(`${ARTIFACTS}/${path}`), `GET ${path}`);
      await expectInvalid(
        await SELF.fetch(`${ARTIFACTS}/${path}`, { method: "PUT", body: "x" }),
        `PUT ${path}`,
      );
      await expectInvalid(await SELF.fetch(`${ARTIFACTS}/${path}`, { method: "DELETE" }), `DELETE ${path}`);
      const mpu = await SELF.fetch(`${ORIGIN}/api/2.0/mlflow-artifacts/mpu/create/${path}`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ path: "/tmp/f.bin", num_parts: 1 }),
      });
      await expectInvalid(mpu, `mpu ${path}`);
    }
  });

  it("leaves URL-resolved dot segments inside the API, never above the artifact root", async () => {
    const response = await SELF.fetch(`${ARTIFACTS}/../../../etc/passwd`);
    expect([400, 404]).toContain(response.status);
    expect(await response.text()).not.toContain("root:");
  });

  it("rejects hostile paths in query parameters", async () => {
    const run = await createRun(await createExperiment());
    const runId = run.info.run_id;
    for (const path of HOSTILE_QUERY_PATHS) {
      const query = new URLSearchParams({ path });
      await expectInvalid(await SELF.fetch(`${ARTIFACTS}?${query}`), `list ${path}`);
      await expectInvalid(
        await SELF.fetch(`${ORIGIN}/api/2.0/mlflow/artifacts/list?run_id=${runId}&${query}`),
        `run list ${path}`,
      );
      await expectInvalid(
        await SELF.fetch(`${ORIGIN}/get-artifact?run_uuid=${runId}&${query}`),
        `get-artifact ${path}`,
      );
    }
  });

  it("answers exactly MLflow's body for a traversing path (its test compares the whole JSON)", async () => {
    const run = await createRun(await createExperiment());
    const runId = run.info.run_id;
    for (const url of [
      `${ORIGIN}/api/2.0/mlflow/artifacts/list?run_id=${runId}&path=..%2Fpath`,
      `${ORIGIN}/get-artifact?run_id=${runId}&path=..%2Fpath`,
      `${ARTIFACTS}?path=..%2Fpath`,
      `${ARTIFACTS}/..%2Fpath`,
    ]) {
      const response = await SELF.fetch(url);
      expect(response.status, url).toBe(400);
      expect(await response.json(), url).toEqual({
        error_code: "INVALID_PARAMETER_VALUE",
        message: "Invalid path",
      });
    }
  });

  it("takes only a safe file name from a multipart upload's local path", async () => {
    for (const path of ["..", ".", "dir/..", ""]) {
      const response = await SELF.fetch(`${ORIGIN}/api/2.0/mlflow-artifacts/mpu/create/ok/dir`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ path, num_parts: 1 }),
      });
      await expectInvalid(response, `mpu local path ${path}`);
    }
  });
});
