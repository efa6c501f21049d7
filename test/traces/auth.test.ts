import { beforeAll, describe, expect, it } from "vitest";
import {
  ADMIN,
  asAdmin,
  type CallOptions,
  call,
  grantExperiment,
  newExperiment,
  newRun,
  newUser,
  type Who,
} from "../auth/helpers";
import { clientTrace } from "./helpers";
import { encodeExportRequest } from "./otlp-encoder";

/**
 * Trace routes behind the gate, with auth on: a trace answers with its experiment's permission —
 * READ to read and search, EDIT to write, MANAGE to delete — and OTLP ingestion needs EDIT on
 * the experiment its header names (MLflow 3.11's auth plugin). Nobody else gets anything.
 */

const v3 = (path: string) => `/api/3.0/mlflow/${path}`;
const v2 = (path: string) => `/api/2.0/mlflow/${path}`;

type User = { username: string; password: string };
let exp: string;
let traceId: string;
let assessmentId: string;
let reader: User;
let editor: User;
let manager: User;
let stranger: User;

function otlp(as: Who, experimentId: string | undefined, spans = clientTrace().spans): CallOptions {
  return {
    as,
    raw: encodeExportRequest(spans),
    headers: {
      "Content-Type": "application/x-protobuf",
      ...(experimentId === undefined ? {} : { "x-mlflow-experiment-id": experimentId }),
    },
  };
}

const locations = (id: string) => [{ type: "MLFLOW_EXPERIMENT", mlflow_experiment: { experiment_id: id } }];
const feedback = (name: string) => ({
  assessment: {
    assessment_name: name,
    source: { source_type: "HUMAN", source_id: "me" },
    feedback: { value: 1 },
  },
});

/** Every trace route, as [method, path, options without a caller]; ids as the test set them up. */
function everyRoute(): [string, string, CallOptions][] {
  const body = (value: unknown): CallOptions => ({ body: value });
  return [
    ["GET", v3("traces/get"), { query: { trace_id: traceId } }],
    ["GET", v3(`traces/${traceId}`), {}],
    ["GET", v3("traces/batchGet"), { query: { trace_ids: [traceId] } }],
    ["POST", v3("traces/batchGetInfos"), body({ trace_ids: [traceId] })],
    ["POST", v3("traces/search"), body({ locations: locations(exp) })],
    ["POST", v3("traces"), body(startTrace(exp, `tr-${crypto.randomUUID().replaceAll("-", "")}`))],
    ["PATCH", v3(`traces/${traceId}/tags`), body({ key: "k", value: "v" })],
    ["DELETE", v3(`traces/${traceId}/tags`), body({ key: "k" })],
    ["PATCH", v2(`traces/${traceId}/tags`), body({ key: "k", value: "v" })],
    ["DELETE", v2(`traces/${traceId}/tags`), body({ key: "k" })],
    ["POST", v3(`traces/${traceId}/assessments`), body(feedback("q"))],
    ["GET", v3(`traces/${traceId}/assessments/${assessmentId}`), {}],
    [
      "PATCH",
      v3(`traces/${traceId}/assessments/${assessmentId}`),
      body({ assessment: { feedback: { value: 2 } }, update_mask: "feedback" }),
    ],
    ["DELETE", v3(`traces/${traceId}/assessments/${assessmentId}`), {}],
    ["POST", v3("traces/delete-traces"), body({ experiment_id: exp, request_ids: [traceId] })],
    ["POST", v2("traces/delete-traces"), body({ experiment_id: exp, request_ids: [traceId] })],
    ["POST", v2("traces/link-to-run"), body({ trace_ids: [traceId], run_id: "r" })],
    ["POST", "/v1/traces", otlp(undefined, exp)],
  ];
}

function startTrace(experimentId: string, id: string) {
  return {
    trace: {
      trace_info: {
        trace_id: id,
        trace_location: { type: "MLFLOW_EXPERIMENT", mlflow_experiment: { experiment_id: experimentId } },
        request_time: new Date().toISOString(),
        state: "OK",
      },
    },
  };
}

async function status(method: string, path: string, options: CallOptions, as: Who): Promise<number> {
  return (await call(method, path, { ...options, as })).status;
}

beforeAll(async () => {
  exp = await newExperiment();
  const trace = clientTrace();
  traceId = trace.mlflowId;
  expect((await call("POST", "/v1/traces", otlp(ADMIN, exp, trace.spans))).status).toBe(200);
  const created = await call<{ assessment: { assessment_id: string } }>(
    "POST",
    v3(`traces/${traceId}/assessments`),
    { ...asAdmin, body: feedback("seed") },
  );
  expect(created.status).toBe(200);
  assessmentId = created.body.assessment.assessment_id;
  [reader, editor, manager, stranger] = await Promise.all([
    newUser("reader"),
    newUser("editor"),
    newUser("manager"),
    newUser("stranger"),
  ]);
  await grantExperiment(exp, reader.username, "READ");
  await grantExperiment(exp, editor.username, "EDIT");
  await grantExperiment(exp, manager.username, "MANAGE");
});

describe("trace routes with auth on", () => {
  it("answers 401 on every trace route without credentials", async () => {
    for (const [method, path, options] of everyRoute()) {
      const reply = await call<{ error_code: string }>(method, path, { ...options, as: undefined });
      expect([method, path, reply.status, reply.body.error_code]).toEqual([
        method,
        path,
        401,
        "UNAUTHENTICATED",
      ]);
    }
  });

  it("answers 403 PERMISSION_DENIED on every trace route to a user without permission", async () => {
    for (const [method, path, options] of everyRoute()) {
      const reply = await call<{ error_code: string }>(method, path, { ...options, as: stranger });
      expect([method, path, reply.status, reply.body.error_code]).toEqual([
        method,
        path,
        403,
        "PERMISSION_DENIED",
      ]);
    }
  });

  it("lets READ get, batch-get and search, and nothing more", async () => {
    for (const [method, path, options] of everyRoute().slice(0, 5)) {
      expect([method, path, await status(method, path, options, reader)]).toEqual([method, path, 200]);
    }
    const found = await call<{ traces: { trace_id: string }[] }>("POST", v3("traces/search"), {
      as: reader,
      body: { locations: locations(exp) },
    });
    expect(found.body.traces.map((t) => t.trace_id)).toEqual([traceId]);
    const writes = everyRoute().filter(
      ([method, path]) => method !== "GET" && !/batchGetInfos|search$/.test(path),
    );
    for (const [method, path, options] of writes) {
      expect([method, path, await status(method, path, options, reader)]).toEqual([method, path, 403]);
    }
  });

  it("lets EDIT start, log spans, tag, assess and link, but not delete traces", async () => {
    const run = await newRun(exp);
    const ok: [string, string, CallOptions][] = [
      ["POST", v3("traces"), { body: startTrace(exp, `tr-${crypto.randomUUID().replaceAll("-", "")}`) }],
      ["POST", "/v1/traces", otlp(undefined, exp)],
      ["PATCH", v3(`traces/${traceId}/tags`), { body: { key: "k", value: "v" } }],
      ["DELETE", v3(`traces/${traceId}/tags`), { body: { key: "k" } }],
      ["PATCH", v2(`traces/${traceId}/tags`), { body: { key: "k2", value: "v" } }],
      ["POST", v3(`traces/${traceId}/assessments`), { body: feedback("edited") }],
      [
        "PATCH",
        v3(`traces/${traceId}/assessments/${assessmentId}`),
        { body: { assessment: { feedback: { value: 2 } }, update_mask: "feedback" } },
      ],
      ["POST", v2("traces/link-to-run"), { body: { trace_ids: [traceId], run_id: run } }],
    ];
    for (const [method, path, options] of ok) {
      expect([method, path, await status(method, path, options, editor)]).toEqual([method, path, 200]);
    }
    const deleteTraces = { body: { experiment_id: exp, request_ids: [traceId] } };
    expect(await status("POST", v3("traces/delete-traces"), deleteTraces, editor)).toBe(403);
  });

  it("checks every trace of a batch and of a link, and lets MANAGE delete", async () => {
    const other = await newExperiment();
    const foreign = clientTrace();
    expect((await call("POST", "/v1/traces", otlp(ADMIN, other, foreign.spans))).status).toBe(200);
    const both = { query: { trace_ids: [traceId, foreign.mlflowId] } };
    expect(await status("GET", v3("traces/batchGet"), both, reader)).toBe(403);
    const link = { body: { trace_ids: [traceId, foreign.mlflowId], run_id: await newRun(exp) } };
    expect(await status("POST", v2("traces/link-to-run"), link, editor)).toBe(403);
    // Search over two experiments needs READ on both.
    const search = { body: { locations: [...locations(exp), ...locations(other)] } };
    expect(await status("POST", v3("traces/search"), search, reader)).toBe(403);
    // Unknown ids: a batch read skips them, a single read is a 404 (as the handler answers).
    const unknown = { query: { trace_ids: ["tr-unknown", traceId] } };
    expect(await status("GET", v3("traces/batchGet"), unknown, reader)).toBe(200);
    expect(await status("GET", v3("traces/tr-unknown"), {}, reader)).toBe(404);

    const victim = clientTrace();
    expect((await call("POST", "/v1/traces", otlp(ADMIN, exp, victim.spans))).status).toBe(200);
    const reply = await call("POST", v3("traces/delete-traces"), {
      as: manager,
      body: { experiment_id: exp, request_ids: [victim.mlflowId] },
    });
    expect(reply.body).toEqual({ traces_deleted: 1 });
  });

  it("refuses OTLP ingestion without the experiment header, before reading spans", async () => {
    const reply = await call<{ error_code: string }>("POST", "/v1/traces", otlp(editor, undefined));
    expect(reply.status).toBe(400);
    expect(reply.body.error_code).toBe("INVALID_PARAMETER_VALUE");
    // EDIT on one experiment does not open another.
    const other = await newExperiment();
    expect(await status("POST", "/v1/traces", otlp(undefined, other), editor)).toBe(403);
  });
});
