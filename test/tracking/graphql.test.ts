import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createExperiment, createRun, post, uniqueName } from "../helpers/api";
import { ORIGIN } from "./ui-endpoints-helpers";

type Answer = {
  data?: Record<string, unknown> | null;
  errors?: string[] | null;
  error_code?: string;
  message?: string;
};

async function graphql(
  body: unknown,
  { path = "/graphql", headers = { "content-type": "application/json; charset=utf-8" } } = {},
): Promise<{ status: number; body: Answer }> {
  const response = await SELF.fetch(`${ORIGIN}${path}`, {
    method: "POST",
    headers,
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Answer };
}

describe("/graphql (MLflow 2.12.2's schema)", () => {
  it("echoes test fields (test_graphql_handler) and answers GET with the query in the URL", async () => {
    const query = 'query testQuery {test(inputString: "abc") { output }}';
    const reply = await graphql({ query, operationName: "testQuery" });
    expect(reply).toEqual({ status: 200, body: { data: { test: { output: "abc" } }, errors: null } });
    const get = await SELF.fetch(`${ORIGIN}/graphql?${new URLSearchParams({ query })}`);
    expect(get.status).toBe(200);
    expect(await get.json()).toEqual({ data: { test: { output: "abc" } }, errors: null });
    const mutation = await graphql({ query: 'mutation { testMutation(inputString: "m") { output } }' });
    expect(mutation.body.data).toEqual({ testMutation: { output: "m" } });
  });

  it("gets an experiment (test_get_experiment_graphql), int64 fields as strings", async () => {
    const name = uniqueName("GraphqlTest");
    const experimentId = await createExperiment(name);
    const reply = await graphql({
      query: `query testQuery {mlflowGetExperiment(input: {experimentId: "${experimentId}"}) { experiment { name experimentId creationTime lifecycleStage } }}`,
      operationName: "testQuery",
    });
    expect(reply.status).toBe(200);
    const experiment = (reply.body.data?.mlflowGetExperiment as { experiment: Record<string, unknown> })
      .experiment;
    expect(experiment).toMatchObject({ name, experimentId, lifecycleStage: "active" });
    expect(experiment.creationTime).toMatch(/^\d+$/);
  });

  it("gets a run with its experiment and model versions (test_get_run_and_experiment_graphql)", async () => {
    const name = uniqueName("GraphqlTest");
    await post("registered-models/create", { name });
    const experimentId = await createExperiment(name);
    const run = await createRun(experimentId);
    const runId = run.info.run_id;
    await post("runs/log-metric", {
      run_id: runId,
      key: "loss",
      value: 0.5,
      timestamp: 1700000000123,
      step: 3,
    });
    const version = await post("model-versions/create", {
      name,
      source: `runs:/${runId}/model`,
      run_id: runId,
    });
    expect(version.status).toBe(200);
    const reply = await graphql({
      query: `
        query testQuery {
          mlflowGetRun(input: {runId: "${runId}"}) {
            run {
              info { status runId startTime }
              data { metrics { key value step timestamp } }
              experiment { name }
              modelVersions { name version status }
            }
          }
        }`,
      operationName: "testQuery",
    });
    expect(reply.status).toBe(200);
    expect(reply.body.errors).toBeNull();
    const got = (reply.body.data?.mlflowGetRun as { run: Record<string, Record<string, unknown>> }).run;
    expect(got.info).toMatchObject({ status: "RUNNING", runId });
    expect(got.info?.startTime).toBe(String(run.info.start_time));
    expect(got.data?.metrics).toEqual([{ key: "loss", value: 0.5, step: "3", timestamp: "1700000000123" }]);
    expect(got.experiment?.name).toBe(name);
    expect(got.modelVersions).toEqual([{ name, version: "1", status: "READY" }]);
  });

  it("searches model versions with variables, and /ajax-api/graphql answers the same", async () => {
    const name = uniqueName("GraphqlSearch");
    await post("registered-models/create", { name });
    const run = await createRun(await createExperiment());
    for (let i = 0; i < 2; i++) {
      await post("model-versions/create", {
        name,
        source: `runs:/${run.info.run_id}/m`,
        run_id: run.info.run_id,
      });
    }
    const body = {
      query: `query search($input: MlflowSearchModelVersionsInput) {
        mlflowSearchModelVersions(input: $input) { modelVersions { version } nextPageToken }
      }`,
      variables: { input: { filter: `name='${name}'`, maxResults: "1", orderBy: ["version_number DESC"] } },
    };
    for (const path of ["/graphql", "/ajax-api/graphql"]) {
      const reply = await graphql(body, { path });
      expect(reply.status).toBe(200);
      const found = reply.body.data?.mlflowSearchModelVersions as {
        modelVersions: { version: string }[];
        nextPageToken?: string;
      };
      expect(found.modelVersions).toEqual([{ version: "2" }]);
      expect(found.nextPageToken).toEqual(expect.any(String));
    }
  });

  it("answers GraphQL mistakes and missing resources as MLflow does: 200, data null, errors as messages", async () => {
    const syntax = await graphql({ query: "query { test(" });
    expect(syntax.status).toBe(200);
    expect(syntax.body.data).toBeNull();
    expect(syntax.body.errors?.[0]).toMatch(/^Syntax Error/);
    const unknownField = await graphql({ query: "{ mlflowDropTables { ok } }" });
    expect(unknownField.status).toBe(200);
    expect(unknownField.body.errors?.[0]).toMatch(/Cannot query field "mlflowDropTables"/);
    const missingRun = await graphql({
      query:
        '{ mlflowGetRun(input: {runId: "ffffffffffffffffffffffffffffffff"}) { run { info { runId } } } }',
    });
    expect(missingRun.status).toBe(200);
    expect(missingRun.body).toEqual({
      data: { mlflowGetRun: null },
      errors: ["Run with id=ffffffffffffffffffffffffffffffff not found"],
    });
    const noRunId = await graphql({ query: "{ mlflowGetRun(input: {}) { run { info { runId } } } }" });
    expect(noRunId.body.errors?.[0]).toMatch(/run_id/);
    const badFilter = await graphql({
      query: '{ mlflowSearchModelVersions(input: {filter: "name = = 1"}) { modelVersions { name } } }',
    });
    expect(badFilter.status).toBe(200);
    expect(badFilter.body.errors).toHaveLength(1);
  });

  it("refuses requests that are not GraphQL requests with a clear 400", async () => {
    for (const body of [{}, { query: "" }, { query: 42 }, { query: "{ test { output } }", variables: [1] }]) {
      const reply = await graphql(body);
      expect([body, reply.status, reply.body.error_code]).toEqual([body, 400, "INVALID_PARAMETER_VALUE"]);
    }
    const text = await graphql('{"query": "{ test { output } }"}', {
      headers: { "content-type": "text/plain" },
    });
    expect(text.status).toBe(400);
    expect(text.body.message).toMatch(/Content-Type/);
    const get = await SELF.fetch(`${ORIGIN}/graphql`);
    expect(get.status).toBe(400);
    const badVariables = await SELF.fetch(
      `${ORIGIN}/graphql?query=${encodeURIComponent("{test{output}}")}&variables=%7Bnope`,
    );
    expect(badVariables.status).toBe(400);
  });

  it("bounds a query's cost: tokens, fields with fragments expanded, and lookups", async () => {
    const huge = `{ ${Array.from({ length: 3000 }, (_, i) => `a${i}: test { output }`).join(" ")} }`;
    const tokens = await graphql({ query: huge });
    expect(tokens.status).toBe(200);
    expect(tokens.body.data).toBeNull();
    expect(tokens.body.errors?.[0]).toMatch(/token/i);
    // Fragments reused at each level multiply: 4 spreads of 4 spreads of ... of 8 fields.
    const fragments = [
      "fragment F0 on Test { a: output b: output c: output d: output e: output f: output g: output h: output }",
      ...[1, 2, 3, 4].map((n) => `fragment F${n} on Test { ...F${n - 1} }`),
    ];
    const aliased = Array.from({ length: 200 }, (_, i) => `t${i}: test(inputString: "x") { ...F4 }`).join(
      " ",
    );
    const wide = await graphql({ query: `{ ${aliased} } ${fragments.join(" ")}` });
    expect(wide.body.data).toBeNull();
    expect(wide.body.errors?.[0]).toMatch(/more than 1000 fields/);
    const experimentId = await createExperiment();
    const lookups = Array.from(
      { length: 60 },
      (_, i) =>
        `e${i}: mlflowGetExperiment(input: {experimentId: "${experimentId}"}) { experiment { name } }`,
    ).join(" ");
    const many = await graphql({ query: `{ ${lookups} }` });
    expect(many.status).toBe(200);
    expect(many.body.errors?.some((e) => /more than 50 lookups/.test(e))).toBe(true);
  });
});
