import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createExperiment, createRun } from "../helpers/api";
import { ORIGIN } from "./ui-endpoints-helpers";

async function upload(query: Record<string, string>, body?: BodyInit, headers: Record<string, string> = {}) {
  const response = await SELF.fetch(
    `${ORIGIN}/ajax-api/2.0/mlflow/upload-artifact?${new URLSearchParams(query)}`,
    { method: "POST", body, headers },
  );
  const text = await response.text();
  return { status: response.status, text, json: () => JSON.parse(text) as Record<string, string> };
}

async function download(runId: string, path: string) {
  const response = await SELF.fetch(
    `${ORIGIN}/get-artifact?${new URLSearchParams({ run_uuid: runId, path })}`,
  );
  return { status: response.status, text: await response.text() };
}

describe("POST /ajax-api/2.0/mlflow/upload-artifact", () => {
  it("refuses what MLflow's test_upload_artifact_handler_rejects_invalid_requests refuses", async () => {
    const run = await createRun(await createExperiment());
    const cases: [Record<string, string>, string][] = [
      [{}, "Request must specify run_uuid."],
      [{ run_uuid: run.info.run_id }, "Request must specify path."],
      [{ run_uuid: run.info.run_id, path: "" }, "Request must specify path."],
      [{ run_uuid: run.info.run_id, path: "../test.txt" }, "Invalid path"],
      [{ run_uuid: run.info.run_id, path: "test.txt" }, "Request must specify data."],
    ];
    for (const [query, message] of cases) {
      const reply = await upload(query);
      expect([query, reply.status]).toEqual([query, 400]);
      expect(reply.json().error_code).toBe("INVALID_PARAMETER_VALUE");
      expect(reply.json().message).toContain(message);
    }
  });

  it.each([
    "../../etc/passwd",
    "/etc/passwd",
    "a/../../b.txt",
    "%2e%2e/x.txt",
    "a\\..\\b.txt",
    "s3://bucket/key",
    "C:/x.txt",
    "a//b.txt",
    "x\u0000.txt",
  ])("refuses the traversal attempt %j with a 400 and writes nothing", async (path) => {
    const run = await createRun(await createExperiment());
    const reply = await upload({ run_uuid: run.info.run_id, path }, "payload");
    expect(reply.status).toBe(400);
    expect(reply.json().error_code).toBe("INVALID_PARAMETER_VALUE");
  });

  it("writes the body as the run's file, readable through /get-artifact (MLflow's test_upload_artifact_handler)", async () => {
    const run = await createRun(await createExperiment());
    const reply = await upload({ run_uuid: run.info.run_id, path: "test.txt" }, "hello world");
    expect(reply.status).toBe(200);
    expect(reply.text).toBe("");
    expect(await download(run.info.run_id, "test.txt")).toEqual({ status: 200, text: "hello world" });
    // The UI writes evaluation tables back as JSON, into folders, over an existing file.
    const table = JSON.stringify({ columns: ["a"], data: [["1"]] });
    const nested = await upload({ run_uuid: run.info.run_id, path: "tables/eval.json" }, table, {
      "Content-Type": "application/json",
    });
    expect(nested.status).toBe(200);
    expect((await download(run.info.run_id, "tables/eval.json")).text).toBe(table);
    await upload({ run_uuid: run.info.run_id, path: "test.txt" }, "second");
    expect((await download(run.info.run_id, "test.txt")).text).toBe("second");
  });

  it("refuses bodies over 10 MB and unknown runs", async () => {
    const run = await createRun(await createExperiment());
    const big = await upload(
      { run_uuid: run.info.run_id, path: "big.bin" },
      new Uint8Array(10 * 1024 * 1024 + 1),
    );
    expect(big.status).toBe(400);
    expect(big.json().message).toBe("Artifact size is too large. Max size is 10MB.");
    const missing = await upload({ run_uuid: "ffffffffffffffffffffffffffffffff", path: "a.txt" }, "x");
    expect(missing.status).toBe(404);
    expect(missing.json().error_code).toBe("RESOURCE_DOES_NOT_EXIST");
  });
});
