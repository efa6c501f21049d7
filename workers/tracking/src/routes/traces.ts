import type { TrackingContext } from "@edgeflow/core";
import * as core from "@edgeflow/core";
import type { Infer, MessageField, Spec } from "@edgeflow/schema";
import * as wire from "@edgeflow/schema";
import { MlflowError } from "@edgeflow/schema";
import { errorResponse } from "../http/respond";
import { type Method, type RequestContext, type Route, route } from "./route";

/**
 * MLflow 3's trace endpoints. MLflow registers each under the API version its proto declares
 * (`since`): the V3 messages under /api/3.0, the older tag, delete and link endpoints (which the
 * 3.x client still calls) under /api/2.0. Spans arrive over OTLP at /v1/traces (otlpRoutes).
 */

/** The message key carrying the experiments of the traces a request names (auth/policy.ts). */
export const TRACE_EXPERIMENTS = "__experiments_of_traces";

/** Nanosecond times are int64s, which MLflow writes as JSON numbers; core holds them as text. */
const NANOS = /"(start_time_unix_nano|end_time_unix_nano|time_unix_nano)":"(\d+)"/g;

async function withNumericNanos(response: Response): Promise<Response> {
  if (response.status !== 200) return response;
  const text = (await response.text()).replace(NANOS, '"$1":$2');
  return new Response(text, { status: 200, headers: response.headers });
}

/**
 * A route on traces named by id: the traces' experiments are looked up (an unknown trace is a
 * 404) and the caller's permission on them checked before the handler runs. The route's own
 * first check (before the lookup) passes with no experiments; this one is the real one.
 */
function traceRoute<Req extends Spec, Res extends Spec>(
  method: Method,
  path: string,
  request: MessageField<Req, boolean>,
  response: MessageField<Res, boolean>,
  traceIdsOf: (input: Infer<Req>) => string[],
  handler: (input: Infer<Req>, ctx: TrackingContext, rc: RequestContext) => Promise<Infer<Res>>,
  { batch = false } = {},
): Route {
  const inner = route(method, path, request, response, async (input, ctx, rc) => {
    const experiments = await core.experimentsOfTraces(ctx, traceIdsOf(input), batch);
    await rc.auth.authorize({ ...(input as Record<string, unknown>), [TRACE_EXPERIMENTS]: experiments });
    return handler(input, ctx, rc);
  });
  return { ...inner, handle: async (r, c) => withNumericNanos(await inner.handle(r, c)) };
}

/** A route whose permission comes straight from its message (start, search, delete-traces). */
function plainRoute<Req extends Spec, Res extends Spec>(...args: Parameters<typeof route<Req, Res>>): Route {
  const inner = route(...args);
  return { ...inner, handle: async (r, c) => withNumericNanos(await inner.handle(r, c)) };
}

const one = (id: string) => [id];

const deleteTraces = (input: Infer<typeof wire.DeleteTraces.spec>, ctx: TrackingContext) =>
  core
    .deleteTraces(ctx, {
      experimentId: input.experiment_id,
      maxTimestampMillis: input.max_timestamp_millis,
      maxTraces: input.max_traces,
      traceIds: input.request_ids,
    })
    .then((traces_deleted) => ({ traces_deleted }));

const linkToRun = async (input: Infer<typeof wire.LinkTracesToRun.spec>, ctx: TrackingContext) => {
  await core.linkTracesToRun(ctx, input.trace_ids, input.run_id);
  return {};
};

/** /api/3.0 (and /ajax-api/3.0). */
export const traceRoutesV3: Route[] = [
  plainRoute("POST", "/mlflow/traces", wire.StartTraceV3, wire.TraceResponse, async (input, ctx) => ({
    trace: { trace_info: await core.startTrace(ctx, input.trace.trace_info ?? {}) },
  })),
  plainRoute(
    "POST",
    "/mlflow/traces/search",
    wire.SearchTracesV3,
    wire.SearchTracesV3Response,
    (input, ctx) =>
      core.searchTraces(ctx, {
        experimentIds: input.locations.map((location) => location.mlflow_experiment?.experiment_id ?? ""),
        filter: input.filter,
        maxResults: input.max_results,
        orderBy: input.order_by,
        pageToken: input.page_token,
      }),
  ),
  plainRoute(
    "POST",
    "/mlflow/traces/delete-traces",
    wire.DeleteTraces,
    wire.DeleteTracesResponse,
    deleteTraces,
  ),
  traceRoute(
    "GET",
    "/mlflow/traces/get",
    wire.GetTrace,
    wire.TraceResponse,
    (i) => one(i.trace_id),
    async (i, ctx) => ({
      trace: await core.getTrace(ctx, i.trace_id),
    }),
  ),
  traceRoute(
    "GET",
    "/mlflow/traces/batchGet",
    wire.BatchGetTraces,
    wire.BatchGetTracesResponse,
    (i) => i.trace_ids,
    async (i, ctx) => ({ traces: await core.batchGetTraces(ctx, i.trace_ids) }),
    { batch: true },
  ),
  traceRoute(
    "POST",
    "/mlflow/traces/batchGetInfos",
    wire.BatchGetTraceInfos,
    wire.BatchGetTraceInfosResponse,
    (i) => i.trace_ids,
    async (i, ctx) => ({ trace_infos: await core.batchGetTraceInfos(ctx, i.trace_ids) }),
    { batch: true },
  ),
  traceRoute(
    "GET",
    "/mlflow/traces/{trace_id}",
    wire.GetTraceInfoV3,
    wire.TraceResponse,
    (i) => one(i.trace_id),
    async (i, ctx) => ({
      trace: { trace_info: await core.getTraceInfo(ctx, i.trace_id) },
    }),
  ),
  traceRoute(
    "PATCH",
    "/mlflow/traces/{trace_id}/tags",
    wire.SetTraceTagV3,
    wire.Empty,
    (i) => one(i.trace_id),
    async (i, ctx) => {
      await core.setTraceTag(ctx, i.trace_id, i.key, i.value);
      return {};
    },
  ),
  traceRoute(
    "DELETE",
    "/mlflow/traces/{trace_id}/tags",
    wire.DeleteTraceTagV3,
    wire.Empty,
    (i) => one(i.trace_id),
    async (i, ctx) => {
      await core.deleteTraceTag(ctx, i.trace_id, i.key);
      return {};
    },
  ),
  traceRoute(
    "POST",
    "/mlflow/traces/{trace_id}/assessments",
    wire.CreateAssessment,
    wire.AssessmentResponse,
    (i) => one(i.trace_id ?? ""),
    async (i, ctx) => ({ assessment: await core.createAssessment(ctx, i.trace_id ?? "", i.assessment) }),
  ),
  traceRoute(
    "GET",
    "/mlflow/traces/{trace_id}/assessments/{assessment_id}",
    wire.AssessmentRef,
    wire.AssessmentResponse,
    (i) => one(i.trace_id),
    async (i, ctx) => ({ assessment: await core.getAssessment(ctx, i.trace_id, i.assessment_id) }),
  ),
  traceRoute(
    "PATCH",
    "/mlflow/traces/{trace_id}/assessments/{assessment_id}",
    wire.UpdateAssessment,
    wire.AssessmentResponse,
    (i) => one(i.trace_id),
    async (i, ctx) => ({
      assessment: await core.updateAssessment(ctx, i.trace_id, i.assessment_id, i.assessment, i.update_mask),
    }),
  ),
  traceRoute(
    "DELETE",
    "/mlflow/traces/{trace_id}/assessments/{assessment_id}",
    wire.AssessmentRef,
    wire.Empty,
    (i) => one(i.trace_id),
    async (i, ctx) => {
      await core.deleteAssessment(ctx, i.trace_id, i.assessment_id);
      return {};
    },
  ),
];

/** /api/2.0 (and /ajax-api/2.0): the V2-era paths MLflow 3 clients still use. */
export const traceRoutesV2: Route[] = [
  traceRoute(
    "PATCH",
    "/mlflow/traces/{request_id}/tags",
    wire.SetTraceTag,
    wire.Empty,
    (i) => one(i.request_id),
    async (i, ctx) => {
      await core.setTraceTag(ctx, i.request_id, i.key, i.value);
      return {};
    },
  ),
  traceRoute(
    "DELETE",
    "/mlflow/traces/{request_id}/tags",
    wire.DeleteTraceTag,
    wire.Empty,
    (i) => one(i.request_id),
    async (i, ctx) => {
      await core.deleteTraceTag(ctx, i.request_id, i.key);
      return {};
    },
  ),
  plainRoute(
    "POST",
    "/mlflow/traces/delete-traces",
    wire.DeleteTraces,
    wire.DeleteTracesResponse,
    deleteTraces,
  ),
  traceRoute(
    "POST",
    "/mlflow/traces/link-to-run",
    wire.LinkTracesToRun,
    wire.Empty,
    (i) => i.trace_ids,
    linkToRun,
  ),
];

/** OTLP/HTTP bodies: MLflow's client sends one trace's spans at a time. */
export const OTLP_MAX_BODY_BYTES = 16 * 1024 * 1024;
export const EXPERIMENT_ID_HEADER = "x-mlflow-experiment-id";

/** OTLP errors are FastAPI's in MLflow: `{"detail": ...}` with the status. */
function detail(status: number, message: string): Response {
  return new Response(JSON.stringify({ detail: message }), {
    status,
    headers: { "Content-Type": "application/json" },
  });
}

async function readBytes(request: Request): Promise<Uint8Array> {
  return core.readBodyBytes(
    request,
    OTLP_MAX_BODY_BYTES,
    (size) =>
      new core.OtlpFormatError(
        `Request body must be at most ${OTLP_MAX_BODY_BYTES} bytes, got a request of size ${size}.`,
      ),
  );
}

/** POST /v1/traces: OTLP/HTTP protobuf spans for the experiment named by x-mlflow-experiment-id. */
export const otlpRoutes: Route[] = [
  {
    method: "POST",
    path: "/v1/traces",
    // The rule (EDIT on the experiment) needs the header, so it is checked below, before any work.
    parsesMessage: true,
    async handle(request, ctx) {
      try {
        // Protobuf only: like every endpoint here, no body a browser form could send cross-site.
        const contentType = request.headers.get("Content-Type");
        if (contentType !== "application/x-protobuf") {
          return detail(400, `Invalid Content-Type: ${contentType}. Expected: application/x-protobuf`);
        }
        const experimentId = request.headers.get(EXPERIMENT_ID_HEADER);
        if (experimentId === null) return detail(422, `Missing required header: ${EXPERIMENT_ID_HEADER}`);
        await ctx.auth.authorize({ experiment_id: experimentId });
        const spans = core.decodeExportTraceRequest(await readBytes(request));
        const byTrace = new Map<string, typeof spans>();
        for (const span of spans) byTrace.set(span.traceId, [...(byTrace.get(span.traceId) ?? []), span]);
        for (const traceSpans of byTrace.values())
          await core.logSpans(ctx.tracking, experimentId, traceSpans);
        // An empty ExportTraceServiceResponse (no partial success), as protobuf.
        return new Response(new Uint8Array(0), {
          status: 200,
          headers: { "Content-Type": "application/x-protobuf" },
        });
      } catch (error) {
        if (error instanceof core.OtlpFormatError) return detail(400, error.message);
        if (
          error instanceof MlflowError &&
          error.errorCode !== "PERMISSION_DENIED" &&
          error.httpStatus !== 401
        ) {
          return detail(
            error.httpStatus === 404 ? 422 : error.httpStatus,
            `Cannot store OpenTelemetry spans: ${error.message}`,
          );
        }
        if (error instanceof MlflowError) throw error;
        return errorResponse(error);
      }
    },
  },
];
