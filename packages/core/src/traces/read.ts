import { MlflowError, type TraceInfoV3Wire, type TraceWire, traceInfo } from "@edgeflow/schema";
import { inArray } from "drizzle-orm";
import type { TrackingContext } from "../context";
import { experimentIdNumber } from "../experiment-id";
import { jsonValues } from "../json-rows";
import { compileTraceSearch, decodePageToken, encodePageToken } from "../search";
import { readSpans } from "./spans";
import {
  getTraceRow,
  SPANS_LOCATION_TAG,
  TRACKING_STORE,
  traceInfosToWire,
  traceRowsInOrder,
} from "./trace-info";

/** Reading traces: whole traces with their spans (get, batchGet) and searches over trace infos. */

/** MLflow's SearchTracesV3 ceiling on max_results. */
export const SEARCH_TRACES_MAX_RESULTS = 500;
export const SEARCH_TRACES_DEFAULT_MAX_RESULTS = 100;

async function withSpans(ctx: TrackingContext, infos: TraceInfoV3Wire[]): Promise<TraceWire[]> {
  const spansByTrace = await readSpans(
    ctx,
    infos.map((info) => info.trace_id as string),
  );
  return infos.map((info) => ({ trace_info: info, spans: spansByTrace.get(info.trace_id as string) ?? [] }));
}

/** GetTrace: a trace and its spans; its spans must live here (spans location TRACKING_STORE). */
export async function getTrace(ctx: TrackingContext, traceId: string): Promise<TraceWire> {
  const [info] = await traceInfosToWire(ctx, [await getTraceRow(ctx, traceId)]);
  if (info?.tags?.[SPANS_LOCATION_TAG] !== TRACKING_STORE) {
    throw MlflowError.notFound(`Trace with ID ${traceId} is not fully exported yet, please try again later.`);
  }
  const [trace] = await withSpans(ctx, [info]);
  return trace as TraceWire;
}

/** BatchGetTraces: complete traces for the ids that exist and have spans here, in request order. */
export async function batchGetTraces(ctx: TrackingContext, traceIds: string[]): Promise<TraceWire[]> {
  const infos = await traceInfosToWire(ctx, await traceRowsInOrder(ctx, traceIds));
  const traces = await withSpans(
    ctx,
    infos.filter((info) => info.tags?.[SPANS_LOCATION_TAG] === TRACKING_STORE),
  );
  return traces.filter((trace) => (trace.spans ?? []).length > 0);
}

export async function batchGetTraceInfos(
  ctx: TrackingContext,
  traceIds: string[],
): Promise<TraceInfoV3Wire[]> {
  return traceInfosToWire(ctx, await traceRowsInOrder(ctx, traceIds));
}

export interface SearchTracesRequest {
  experimentIds: string[];
  filter?: string;
  maxResults?: number;
  orderBy?: string[];
  pageToken?: string;
}

export async function searchTraces(
  ctx: TrackingContext,
  request: SearchTracesRequest,
): Promise<{ traces: TraceInfoV3Wire[]; next_page_token?: string }> {
  const maxResults = request.maxResults ?? SEARCH_TRACES_DEFAULT_MAX_RESULTS;
  if (maxResults > SEARCH_TRACES_MAX_RESULTS) {
    throw MlflowError.invalidParameter(
      `Invalid value ${maxResults} for parameter 'max_results' supplied. It must be at most ${SEARCH_TRACES_MAX_RESULTS}`,
    );
  }
  if (maxResults < 1) {
    throw MlflowError.invalidParameter(
      `Invalid value ${maxResults} for parameter 'max_results' supplied. It must be a positive integer`,
    );
  }
  if (request.experimentIds.length === 0) {
    throw MlflowError.invalidParameter("At least one location (an MLflow experiment) must be specified.");
  }
  const experimentIds = request.experimentIds.map((id) => {
    const stored = experimentIdNumber(id);
    if (stored === undefined) throw MlflowError.invalidParameter(`Invalid experiment ID format: ${id}.`);
    return stored;
  });
  const offset = decodePageToken(request.pageToken);
  const query = compileTraceSearch({
    experimentIds,
    filter: request.filter,
    orderBy: request.orderBy,
    offset,
    limit: maxResults,
  });
  const ids = (await ctx.db.all<{ trace_id: string }>(query)).map((row) => row.trace_id);
  const rows = ids.length
    ? await ctx.db
        .select()
        .from(traceInfo)
        .where(inArray(traceInfo.traceId, jsonValues(ids)))
    : [];
  const ordered = ids.flatMap((id) => rows.find((row) => row.traceId === id) ?? []);
  const traces = await traceInfosToWire(ctx, ordered);
  return {
    traces,
    next_page_token: ids.length === maxResults ? encodePageToken(offset + maxResults) : undefined,
  };
}
