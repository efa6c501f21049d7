import { env, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createExperiment, get, post, uniqueName } from "../helpers/api";

describe("experiments", () => {
  it("has the Default experiment 0 from the start", async () => {
    const { status, body } = await get("experiments/get", { experiment_id: "0" });
    expect(status).toBe(200);
    expect(body.experiment).toMatchObject({
      experiment_id: "0",
      name: "Default",
      artifact_location: "mlflow-artifacts:/0",
      lifecycle_stage: "active",
    });
  });

  it("creates, gets by id and by name, with tags and an mlflow-artifacts location", async () => {
    const name = uniqueName("create");
    const created = await post<{ experiment_id: string }>("experiments/create", {
      name,
      tags: [{ key: "team", value: "vision" }],
    });
    expect(created.status).toBe(200);
    const id = created.body.experiment_id;
    expect(id).toMatch(/^\d+$/);
    const byId = await get("experiments/get", { experiment_id: id });
    expect(byId.body.experiment).toMatchObject({
      experiment_id: id,
      name,
      artifact_location: `mlflow-artifacts:/${id}`,
      lifecycle_stage: "active",
      tags: [{ key: "team", value: "vision" }],
    });
    const byName = await get("experiments/get-by-name", { experiment_name: name });
    expect(byName.body).toEqual(byId.body);
  });

  it("answers MLflow's errors for duplicates, missing experiments and missing fields", async () => {
    const name = uniqueName("dup");
    await createExperiment(name);
    const duplicate = await post("experiments/create", { name });
    expect(duplicate).toMatchObject({ status: 400, body: { error_code: "RESOURCE_ALREADY_EXISTS" } });
    const missing = await get("experiments/get", { experiment_id: "987654321" });
    expect(missing).toMatchObject({
      status: 404,
      body: { error_code: "RESOURCE_DOES_NOT_EXIST", message: "No Experiment with id=987654321 exists" },
    });
    const notNumeric = await get("experiments/get", { experiment_id: "abc" });
    expect(notNumeric.status).toBe(404);
    const byName = await get("experiments/get-by-name", { experiment_name: uniqueName("nope") });
    expect(byName).toMatchObject({ status: 404, body: { error_code: "RESOURCE_DOES_NOT_EXIST" } });
    const noName = await post("experiments/create", {});
    expect(noName).toMatchObject({
      status: 400,
      body: {
        error_code: "INVALID_PARAMETER_VALUE",
        message:
          "Missing value for required parameter 'name'. See the API docs for more information about request parameters.",
      },
    });
    const wrongType = await post("experiments/create", { name: 42 });
    expect(wrongType).toMatchObject({ status: 400, body: { error_code: "INVALID_PARAMETER_VALUE" } });
    expect(String(wrongType.body.message)).toContain("Hint: Value was of type 'int'");
  });

  it("refuses artifact locations outside the bucket, in MLflow's words where MLflow refuses", async () => {
    const refused: [string, string][] = [
      ["file:///etc", "Unsupported artifact location"],
      ["file:/etc", "Unsupported artifact location"],
      ["runs:/abc/x", "Artifact location cannot be a runs:/ URI. Given: 'runs:/abc/x'"],
      ["s3://other/bucket", "Unsupported artifact location"],
      [`s3://${env.S3_BUCKET}/../x`, "Invalid artifact location"],
      [`s3://${env.S3_BUCKET}.evil/x`, "Unsupported artifact location"],
      ["gs://bucket/x", "Unsupported artifact location"],
      ["http://evil.example/x", "Unsupported artifact location"],
      ["mlflow-artifacts:/../x", "Invalid artifact location"],
      ["/tmp/x", "Unsupported artifact location"],
      ["~/x", "Unsupported artifact location"],
      ["C:\\windows", "Unsupported artifact location"],
      ["../x", "Invalid artifact location"],
      ["a/../../b", "Invalid artifact location"],
      ["a//b", "Invalid artifact location"],
      ["a%2F..%2Fb", "Invalid artifact location"],
      ["loc#frag", "'artifact_location' URL can't include fragments or params."],
      ["mlflow-artifacts:/x;params", "'artifact_location' URL can't include fragments or params."],
      ["mlflow-artifacts:/x?a=../b", "Invalid query string"],
    ];
    for (const [artifact_location, message] of refused) {
      const response = await post("experiments/create", { name: uniqueName("loc"), artifact_location });
      expect(response, artifact_location).toMatchObject({
        status: 400,
        body: { error_code: "INVALID_PARAMETER_VALUE" },
      });
      expect(String(response.body.message), artifact_location).toContain(message);
    }
  });

  it("accepts locations inside the bucket: mlflow-artifacts:, a relative name, s3:// of this bucket", async () => {
    const accepted: [string, string][] = [
      ["mlflow-artifacts:/custom/place", "mlflow-artifacts:/custom/place"],
      // MLflow makes a relative location a folder under its working directory; here, under the root.
      ["my_location", "mlflow-artifacts:/my_location"],
      ["team/a/", "mlflow-artifacts:/team/a"],
      [`s3://${env.S3_BUCKET}/prefix`, "mlflow-artifacts:/prefix"],
      [`s3://${env.S3_BUCKET}/deep/prefix/`, "mlflow-artifacts:/deep/prefix"],
    ];
    for (const [artifact_location, stored] of accepted) {
      const created = await post<{ experiment_id: string }>("experiments/create", {
        name: uniqueName("loc"),
        artifact_location,
      });
      expect(created.status, artifact_location).toBe(200);
      const experiment = await get<{ experiment: { artifact_location: string } }>("experiments/get", {
        experiment_id: created.body.experiment_id,
      });
      expect(experiment.body.experiment.artifact_location, artifact_location).toBe(stored);
      // A run's artifacts go under it, in the bucket.
      const run = await post<{ run: { info: { artifact_uri: string } } }>("runs/create", {
        experiment_id: created.body.experiment_id,
      });
      expect(run.body.run.info.artifact_uri.startsWith(`${stored}/`), artifact_location).toBe(true);
    }
  });

  it("reports a float artifact_location as MLflow does (9.0, float), and a bad tags list", async () => {
    const send = (body: string) =>
      SELF.fetch("http://127.0.0.1:5000/api/2.0/mlflow/experiments/create", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body,
      });
    const float = await send('{"name": "experiment name", "artifact_location": 9.0, "tags": []}');
    expect(float.status).toBe(400);
    expect(((await float.json()) as { message: string }).message).toBe(
      "Invalid value 9.0 for parameter 'artifact_location' supplied. Hint: Value was of type 'float'. See the API docs for more information about request parameters.",
    );
    const integer = await send('{"name": "experiment name", "artifact_location": 9}');
    expect(((await integer.json()) as { message: string }).message).toContain(
      "Invalid value 9 for parameter 'artifact_location' supplied. Hint: Value was of type 'int'.",
    );
    const tags = await send('{"name": "experiment name", "artifact_location": "my_location", "tags": "5"}');
    expect(tags.status).toBe(400);
    expect(((await tags.json()) as { message: string }).message).toContain(
      "Invalid value 5 for parameter 'tags' supplied. Hint: Value was of type 'str'.",
    );
  });

  it("renames, deletes and restores, with lifecycle rules", async () => {
    const id = await createExperiment();
    const newName = uniqueName("renamed");
    expect((await post("experiments/update", { experiment_id: id, new_name: newName })).status).toBe(200);
    expect((await get("experiments/get", { experiment_id: id })).body.experiment).toMatchObject({
      name: newName,
    });
    expect((await post("experiments/delete", { experiment_id: id })).status).toBe(200);
    const deleted = await get<{ experiment: { lifecycle_stage: string } }>("experiments/get", {
      experiment_id: id,
    });
    expect(deleted.body.experiment.lifecycle_stage).toBe("deleted");
    expect((await post("experiments/delete", { experiment_id: id })).status).toBe(404);
    const rename = await post("experiments/update", { experiment_id: id, new_name: uniqueName("x") });
    expect(rename).toMatchObject({ status: 500, body: { error_code: "INVALID_STATE" } });
    const runOnDeleted = await post("runs/create", { experiment_id: id });
    expect(runOnDeleted).toMatchObject({ status: 400, body: { error_code: "INVALID_PARAMETER_VALUE" } });
    expect((await post("experiments/restore", { experiment_id: id })).status).toBe(200);
    expect((await post("experiments/restore", { experiment_id: id })).status).toBe(404);
  });

  it("sets and deletes experiment tags", async () => {
    const id = await createExperiment();
    expect(
      (await post("experiments/set-experiment-tag", { experiment_id: id, key: "k", value: "v1" })).status,
    ).toBe(200);
    expect(
      (await post("experiments/set-experiment-tag", { experiment_id: id, key: "k", value: "v2" })).status,
    ).toBe(200);
    const tagged = await get<{ experiment: { tags: unknown[] } }>("experiments/get", { experiment_id: id });
    expect(tagged.body.experiment.tags).toEqual([{ key: "k", value: "v2" }]);
    expect((await post("experiments/delete-experiment-tag", { experiment_id: id, key: "k" })).status).toBe(
      200,
    );
    const missingTag = await post("experiments/delete-experiment-tag", { experiment_id: id, key: "k" });
    expect(missingTag).toMatchObject({ status: 404, body: { error_code: "RESOURCE_DOES_NOT_EXIST" } });
    const tooLong = await post("experiments/set-experiment-tag", {
      experiment_id: id,
      key: "k",
      value: "x".repeat(5001),
    });
    expect(tooLong).toMatchObject({ status: 400, body: { error_code: "INVALID_PARAMETER_VALUE" } });
    const badKey = await post("experiments/set-experiment-tag", {
      experiment_id: id,
      key: "../etc",
      value: "x",
    });
    expect(badKey.status).toBe(400);
  });

  it("searches by name and tags, orders and pages (GET and POST)", async () => {
    const prefix = uniqueName("search");
    const ids: string[] = [];
    for (const suffix of ["a", "b", "c"]) {
      const id = await createExperiment(`${prefix}-${suffix}`);
      await post("experiments/set-experiment-tag", { experiment_id: id, key: "letter", value: suffix });
      ids.push(id);
    }
    type Page = { experiments?: { name: string }[]; next_page_token?: string };
    const first = await post<Page>("experiments/search", {
      filter: `name LIKE '${prefix}%'`,
      order_by: ["name DESC"],
      max_results: 2,
    });
    expect(first.status).toBe(200);
    expect(first.body.experiments?.map((e) => e.name)).toEqual([`${prefix}-c`, `${prefix}-b`]);
    expect(first.body.next_page_token).toBeTruthy();
    const second = await post<Page>("experiments/search", {
      filter: `name LIKE '${prefix}%'`,
      order_by: ["name DESC"],
      max_results: 2,
      page_token: first.body.next_page_token,
    });
    expect(second.body.experiments?.map((e) => e.name)).toEqual([`${prefix}-a`]);
    expect(second.body.next_page_token).toBeUndefined();
    const byTag = await get<Page>("experiments/search", {
      filter: `tags.letter = 'b' AND name LIKE '${prefix}%'`,
    });
    expect(byTag.body.experiments?.map((e) => e.name)).toEqual([`${prefix}-b`]);
    const bad = await post("experiments/search", { filter: "name >> 'x'" });
    expect(bad).toMatchObject({ status: 400, body: { error_code: "INVALID_PARAMETER_VALUE" } });
    const tooMany = await post("experiments/search", { max_results: 100000 });
    expect(tooMany).toMatchObject({ status: 400, body: { error_code: "INVALID_PARAMETER_VALUE" } });
    const badToken = await post("experiments/search", { page_token: "not a token" });
    expect(badToken.status).toBe(400);
  });
});
