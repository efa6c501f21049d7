import { describe, expect, it } from "vitest";
import { createExperiment, createRun } from "../helpers/api";
import { call, clientTrace, sendSpans, traceInfo } from "./helpers";
import { b64, hex, randomBytes } from "./otlp-encoder";

type Info = Record<string, unknown> & { trace_id: string; tags?: Record<string, string> };
type Span = Record<string, unknown>;

describe("OTLP ingestion and get", () => {
  it("round-trips a trace span for span, and StartTraceV3 completes its info", async () => {
    const exp = await createExperiment();
    const t = clientTrace();
    const sent = await sendSpans(exp, t.spans);
    expect(sent.status).toBe(200);
    expect(sent.headers.get("Content-Type")).toBe("application/x-protobuf");

    const start = await call<{ trace: { trace_info: Info } }>(
      "POST",
      "traces",
      traceInfo(exp, t.mlflowId, Number(t.start / 1_000_000n)),
    );
    expect(start.status).toBe(200);
    const info = start.body.trace.trace_info;
    expect(info.tags?.["mlflow.trace.spansLocation"]).toBe("TRACKING_STORE");
    expect(info.tags?.["mlflow.artifactLocation"]).toMatch(new RegExp(`/traces/${t.mlflowId}/artifacts$`));
    expect(info.tags?.["mlflow.traceName"]).toBe("predict");
    expect(info.trace_location).toEqual({
      type: "MLFLOW_EXPERIMENT",
      mlflow_experiment: { experiment_id: exp },
    });
    expect(info.execution_duration).toBe("0.050s");
    expect(info.state).toBe("OK");

    const got = await call<{ trace: { trace_info: Info; spans: Span[] } }>("GET", "traces/get", {
      trace_id: t.mlflowId,
    });
    expect(got.status).toBe(200);
    const [root, child] = got.body.trace.spans;
    expect(root).toEqual({
      trace_id: b64(t.traceId),
      span_id: b64(t.root),
      name: "predict",
      start_time_unix_nano: Number(t.start),
      end_time_unix_nano: Number(t.start + 50_000_000n),
      attributes: [
        { key: "mlflow.traceRequestId", value: { string_value: t.mlflowId } },
        // Sent as JSON text (MLflow's storage form), answered decoded as MLflow's get_trace does.
        { key: "mlflow.spanType", value: { string_value: "CHAIN" } },
        {
          key: "mlflow.spanInputs",
          value: { kvlist_value: { values: [{ key: "x", value: { int_value: "1" } }] } },
        },
        { key: "count", value: { int_value: "3" } },
        { key: "ratio", value: { double_value: 0.5 } },
        { key: "flag", value: { bool_value: true } },
        { key: "list", value: { array_value: { values: [{ string_value: "a" }, { int_value: "2" }] } } },
        { key: "nested", value: { kvlist_value: { values: [{ key: "k", value: { string_value: "v" } }] } } },
      ],
      status: { code: "STATUS_CODE_OK" },
    });
    expect(child).toMatchObject({
      parent_span_id: b64(t.root),
      events: [
        { name: "exception", attributes: [{ key: "exception.message", value: { string_value: "boom" } }] },
      ],
      status: { code: "STATUS_CODE_ERROR", message: "failed" },
    });

    const batch = await call<{ traces: unknown[] }>("GET", "traces/batchGet", {
      trace_ids: [t.mlflowId, "tr-missing"],
    });
    expect(batch.body.traces).toHaveLength(1);
    const v3info = await call<{ trace: { trace_info: Info } }>("GET", `traces/${t.mlflowId}`);
    expect(v3info.body.trace.trace_info.trace_id).toBe(t.mlflowId);
  });

  it("keeps exact nanosecond times beyond 2^53 in the JSON text", async () => {
    const exp = await createExperiment();
    const t = clientTrace();
    await sendSpans(exp, t.spans);
    const response = await fetchText(`traces/get?trace_id=${t.mlflowId}`);
    expect(response).toContain(`"start_time_unix_nano":${t.start}`);
  });

  it("creates the trace from spans alone, and stores a large span in the bucket", async () => {
    const exp = await createExperiment();
    const t = clientTrace();
    const big = "x".repeat(100_000);
    t.spans[1] = { ...t.spans[1], attributes: { ...t.spans[1]?.attributes, big } } as (typeof t.spans)[1];
    expect((await sendSpans(exp, t.spans)).status).toBe(200);
    const got = await call<{ trace: { trace_info: Info; spans: Span[] } }>("GET", "traces/get", {
      trace_id: t.mlflowId,
    });
    expect(got.status).toBe(200);
    expect(got.body.trace.trace_info.state).toBe("OK");
    const attrs = got.body.trace.spans[1]?.attributes as { key: string; value: { string_value?: string } }[];
    expect(attrs.find((a) => a.key === "big")?.value.string_value).toBe(big);
  });

  it("refuses malformed OTLP with MLflow's FastAPI-style errors", async () => {
    const exp = await createExperiment();
    const bad = await SELFfetch(
      "/v1/traces",
      { "Content-Type": "application/x-protobuf", "x-mlflow-experiment-id": exp },
      new Uint8Array([0x0a, 0xff]),
    );
    expect(bad.status).toBe(400);
    const wrongType = await SELFfetch(
      "/v1/traces",
      { "Content-Type": "application/json", "x-mlflow-experiment-id": exp },
      new Uint8Array(),
    );
    expect(wrongType.status).toBe(400);
    const noHeader = await SELFfetch(
      "/v1/traces",
      { "Content-Type": "application/x-protobuf" },
      new Uint8Array(),
    );
    expect(noHeader.status).toBe(422);
    const empty = await SELFfetch(
      "/v1/traces",
      { "Content-Type": "application/x-protobuf", "x-mlflow-experiment-id": exp },
      new Uint8Array(),
    );
    expect(((await empty.json()) as { detail: string }).detail).toMatch(/no spans found/);
  });

  it("answers 404 for unknown traces", async () => {
    const missing = await call("GET", "traces/get", { trace_id: "tr-nope" });
    expect(missing).toEqual({
      status: 404,
      body: { error_code: "RESOURCE_DOES_NOT_EXIST", message: "Trace with ID 'tr-nope' not found." },
    });
  });
});

describe("search, tags, links, assessments, deletion", () => {
  it("searches with filters, order and pages", async () => {
    const exp = await createExperiment();
    const base = Date.now() - 10_000;
    const ids = [0, 1, 2].map((i) => `tr-${hex(randomBytes(16))}-${i}`.slice(0, 35));
    for (const [i, id] of ids.entries()) {
      await call(
        "POST",
        "traces",
        traceInfo(exp, id, base + i * 1000, {
          state: i === 2 ? "ERROR" : "OK",
          tags: { k: `v${i}`, "mlflow.traceName": `n${i}` },
        }),
      );
    }
    const search = (body: Record<string, unknown>) =>
      call<{ traces?: Info[]; next_page_token?: string }>("POST", "traces/search", {
        locations: [{ type: "MLFLOW_EXPERIMENT", mlflow_experiment: { experiment_id: exp } }],
        ...body,
      });
    expect((await search({})).body.traces?.map((t) => t.trace_id)).toEqual([ids[2], ids[1], ids[0]]);
    expect((await search({ filter: "trace.status = 'ERROR'" })).body.traces?.map((t) => t.trace_id)).toEqual([
      ids[2],
    ]);
    expect((await search({ filter: "tags.k = 'v1'" })).body.traces?.map((t) => t.trace_id)).toEqual([ids[1]]);
    expect((await search({ filter: "name = 'n0'" })).body.traces?.map((t) => t.trace_id)).toEqual([ids[0]]);
    expect(
      (
        await search({ filter: `timestamp_ms > ${base + 500}`, order_by: ["timestamp_ms ASC"] })
      ).body.traces?.map((t) => t.trace_id),
    ).toEqual([ids[1], ids[2]]);
    const page1 = await search({ max_results: 2 });
    expect(page1.body.traces).toHaveLength(2);
    const page2 = await search({ max_results: 2, page_token: page1.body.next_page_token });
    expect(page2.body.traces?.map((t) => t.trace_id)).toEqual([ids[0]]);
    const bad = await search({ filter: "metrics.x > 1" });
    expect(bad.status).toBe(400);
    expect((bad.body as unknown as { error_code: string }).error_code).toBe("INVALID_PARAMETER_VALUE");
    expect((await search({ max_results: 501 })).status).toBe(400);
  });

  it("sets and deletes tags on the v2 and v3 paths, links traces to runs", async () => {
    const exp = await createExperiment();
    const id = `tr-${hex(randomBytes(16))}`;
    await call("POST", "traces", traceInfo(exp, id, Date.now()));
    expect((await call("PATCH", `traces/${id}/tags`, { key: "a", value: "1" }, "2.0")).status).toBe(200);
    expect((await call("PATCH", `traces/${id}/tags`, { key: "b", value: "2" })).status).toBe(200);
    expect((await call("DELETE", `traces/${id}/tags`, { key: "a" }, "2.0")).status).toBe(200);
    const missing = await call("DELETE", `traces/${id}/tags`, { key: "a" }, "2.0");
    expect(missing.status).toBe(404);
    const info = await call<{ trace: { trace_info: Info } }>("GET", `traces/${id}`);
    expect(info.body.trace.trace_info.tags?.b).toBe("2");
    expect(info.body.trace.trace_info.tags?.a).toBeUndefined();

    const run = await createRun(exp);
    expect(
      (await call("POST", "traces/link-to-run", { trace_ids: [id], run_id: run.info.run_id }, "2.0")).status,
    ).toBe(200);
    const found = await call<{ traces?: Info[] }>("POST", "traces/search", {
      locations: [{ type: "MLFLOW_EXPERIMENT", mlflow_experiment: { experiment_id: exp } }],
      filter: `attribute.run_id = '${run.info.run_id}'`,
    });
    expect(found.body.traces?.map((t) => t.trace_id)).toEqual([id]);
  });

  it("creates, overrides, updates and deletes assessments", async () => {
    const exp = await createExperiment();
    const id = `tr-${hex(randomBytes(16))}`;
    await call("POST", "traces", traceInfo(exp, id, Date.now()));
    const now = new Date().toISOString();
    const created = await call<{ assessment: Record<string, unknown> & { assessment_id: string } }>(
      "POST",
      `traces/${id}/assessments`,
      {
        assessment: {
          assessment_name: "correct",
          trace_id: id,
          source: { source_type: "HUMAN", source_id: "me" },
          create_time: now,
          last_update_time: now,
          feedback: { value: true },
          rationale: "looks right",
        },
      },
    );
    expect(created.status).toBe(200);
    const a = created.body.assessment;
    expect(a.assessment_id).toMatch(/^a-[0-9a-f]{32}$/);
    expect(a).toMatchObject({
      assessment_name: "correct",
      feedback: { value: true },
      valid: true,
      source: { source_type: "HUMAN", source_id: "me" },
    });

    const override = await call<{ assessment: { assessment_id: string } }>(
      "POST",
      `traces/${id}/assessments`,
      {
        assessment: {
          assessment_name: "correct",
          source: { source_type: "HUMAN", source_id: "you" },
          feedback: { value: false },
          overrides: a.assessment_id,
        },
      },
    );
    const first = await call<{ assessment: { valid: boolean } }>(
      "GET",
      `traces/${id}/assessments/${a.assessment_id}`,
    );
    expect(first.body.assessment.valid).toBe(false);

    const updated = await call<{ assessment: Record<string, unknown> }>(
      "PATCH",
      `traces/${id}/assessments/${override.body.assessment.assessment_id}`,
      {
        assessment: {
          assessment_id: override.body.assessment.assessment_id,
          trace_id: id,
          feedback: { value: 0.5 },
          rationale: "half",
        },
        update_mask: "feedback,rationale",
      },
    );
    expect(updated.body.assessment).toMatchObject({ feedback: { value: 0.5 }, rationale: "half" });
    const wrongKind = await call("PATCH", `traces/${id}/assessments/${a.assessment_id}`, {
      assessment: { expectation: { value: 1 } },
      update_mask: "expectation",
    });
    expect(wrongKind.status).toBe(400);

    expect(
      (await call("DELETE", `traces/${id}/assessments/${override.body.assessment.assessment_id}`, {})).status,
    ).toBe(200);
    const restored = await call<{ assessment: { valid: boolean } }>(
      "GET",
      `traces/${id}/assessments/${a.assessment_id}`,
    );
    expect(restored.body.assessment.valid).toBe(true);
    const info = await call<{ trace: { trace_info: { assessments: unknown[] } } }>("GET", `traces/${id}`);
    expect(info.body.trace.trace_info.assessments).toHaveLength(1);
    expect((await call("GET", `traces/${id}/assessments/a-nope`)).status).toBe(404);
  });

  it("deletes traces by ids and by timestamp", async () => {
    const exp = await createExperiment();
    const base = Date.now() - 100_000;
    const ids = [0, 1, 2].map(() => `tr-${hex(randomBytes(16))}`);
    for (const [i, id] of ids.entries()) await call("POST", "traces", traceInfo(exp, id, base + i * 1000));
    const byId = await call(
      "POST",
      "traces/delete-traces",
      { experiment_id: exp, request_ids: [ids[0]] },
      "2.0",
    );
    expect(byId.body).toEqual({ traces_deleted: 1 });
    const byTime = await call("POST", "traces/delete-traces", {
      experiment_id: exp,
      max_timestamp_millis: base + 1500,
      max_traces: 10,
    });
    expect(byTime.body).toEqual({ traces_deleted: 1 });
    expect((await call("GET", `traces/${ids[1]}`)).status).toBe(404);
    expect((await call("GET", `traces/${ids[2]}`)).status).toBe(200);
    expect((await call("POST", "traces/delete-traces", { experiment_id: exp })).status).toBe(400);
  });
});

import { SELF } from "cloudflare:test";

async function fetchText(path: string): Promise<string> {
  return (await SELF.fetch(`http://127.0.0.1:5000/api/3.0/mlflow/${path}`)).text();
}

function SELFfetch(path: string, headers: Record<string, string>, body: Uint8Array): Promise<Response> {
  return SELF.fetch(`http://127.0.0.1:5000${path}`, { method: "POST", headers, body });
}
