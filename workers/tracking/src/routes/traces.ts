import type { TrackingContext } from "@edgeflow/core";
import * as core from "@edgeflow/core";
import type * as wire from "@edgeflow/schema";
import type { Infer, Spec } from "@edgeflow/schema";
import { endpoints as api } from "@edgeflow/schema";
import * as rule from "../auth/rules";
import { type Route, route } from "./route";

/**
 * MLflow 3's trace endpoints. MLflow registers each under the API version its proto declares
 * (`since`): the V3 messages under /api/3.0, the older tag, delete and link endpoints (which the
 * 3.x client still calls) under /api/2.0. Spans arrive over OTLP at /v1/traces (otlpRoutes).
 */

/** Nanosecond times are int64s, which MLflow writes as JSON numbers; core holds them as text. */
const NANOS = /"(start_time_unix_nano|end_time_unix_nano|time_unix_nano)":"(\d+)"/g;

async function withNumericNanos(response: Response): Promise<Response> {
  if (response.status !== 200) return response;
  const text = (await response.text()).replace(NANOS, '"$1":$2');
  return new Response(text, { status: 200, headers: response.headers });
}

/** A message route whose nanosecond times leave as JSON numbers (its access rule is its third argument). */
function traceRoute<Req extends Spec, Res extends Spec>(...args: Parameters<typeof route<Req, Res>>): Route {
  const inner = route(...args);
  return { ...inner, handle: async (r, c) => withNumericNanos(await inner.handle(r, c)) };
}

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
  traceRoute(api.startTraceV3, rule.experiment("update", rule.traceStartExperiment), async (input, ctx) => ({
    trace: { trace_info: await core.startTrace(ctx, input.trace.trace_info ?? {}) },
  })),
  traceRoute(api.searchTracesV3, rule.experiment("read", rule.searchLocations), (input, ctx) =>
    core.searchTraces(ctx, {
      experimentIds: input.locations.map((location) => location.mlflow_experiment?.experiment_id ?? ""),
      filter: input.filter,
      maxResults: input.max_results,
      orderBy: input.order_by,
      pageToken: input.page_token,
    }),
  ),
  traceRoute(api.deleteTracesV3, rule.experiment("delete"), deleteTraces),
  traceRoute(api.getTrace, rule.traces("read"), async (i, ctx) => ({
    trace: await core.getTrace(ctx, i.trace_id),
  })),
  traceRoute(api.batchGetTraces, rule.traceBatch("read", rule.fieldList("trace_ids")), async (i, ctx) => ({
    traces: await core.batchGetTraces(ctx, i.trace_ids),
  })),
  traceRoute(
    api.batchGetTraceInfos,
    rule.traceBatch("read", rule.fieldList("trace_ids")),
    async (i, ctx) => ({ trace_infos: await core.batchGetTraceInfos(ctx, i.trace_ids) }),
  ),
  traceRoute(api.getTraceInfoV3, rule.traces("read"), async (i, ctx) => ({
    trace: { trace_info: await core.getTraceInfo(ctx, i.trace_id) },
  })),
  traceRoute(api.setTraceTagV3, rule.traces("update"), async (i, ctx) => {
    await core.setTraceTag(ctx, i.trace_id, i.key, i.value);
    return {};
  }),
  traceRoute(api.deleteTraceTagV3, rule.traces("update"), async (i, ctx) => {
    await core.deleteTraceTag(ctx, i.trace_id, i.key);
    return {};
  }),
  traceRoute(api.createAssessment, rule.traces("update"), async (i, ctx) => ({
    assessment: await core.createAssessment(ctx, i.trace_id ?? "", i.assessment),
  })),
  traceRoute(api.getAssessment, rule.traces("read"), async (i, ctx) => ({
    assessment: await core.getAssessment(ctx, i.trace_id, i.assessment_id),
  })),
  traceRoute(api.updateAssessment, rule.traces("update"), async (i, ctx) => ({
    assessment: await core.updateAssessment(ctx, i.trace_id, i.assessment_id, i.assessment, i.update_mask),
  })),
  traceRoute(api.deleteAssessment, rule.traces("update"), async (i, ctx) => {
    await core.deleteAssessment(ctx, i.trace_id, i.assessment_id);
    return {};
  }),
];

/** /api/2.0 (and /ajax-api/2.0): the V2-era paths MLflow 3 clients still use. */
export const traceRoutesV2: Route[] = [
  traceRoute(api.setTraceTag, rule.traces("update", rule.field("request_id")), async (i, ctx) => {
    await core.setTraceTag(ctx, i.request_id, i.key, i.value);
    return {};
  }),
  traceRoute(api.deleteTraceTag, rule.traces("update", rule.field("request_id")), async (i, ctx) => {
    await core.deleteTraceTag(ctx, i.request_id, i.key);
    return {};
  }),
  traceRoute(api.deleteTraces, rule.experiment("delete"), deleteTraces),
  traceRoute(api.linkTracesToRun, rule.traceLinkToRun, linkToRun),
];

/** POST /v1/traces lives beside these rows, in its own file. */
export { otlpRoutes } from "./otlp";
