import { MlflowError, spans, traceInfo, traceRunLinks, traceTags } from "@edgeflow/schema";
import { and, eq, inArray, isNotNull, sql } from "drizzle-orm";
import type { TrackingContext } from "../context";
import { runAtomically } from "../db";
import { jsonValues } from "../json-rows";
import { getExperimentRow } from "../tracking/experiments";
import { getRunRow } from "../tracking/run-reader";
import { getTraceRow } from "./trace-info";

/** Tags, deletion and run links of traces (MLflow's set_trace_tag ... link_traces_to_run). */

const MAX_TAG_KEY = 250;
const MAX_TAG_VALUE = 8000;
/** MLflow's limit on link_traces_to_run. */
export const MAX_TRACES_PER_LINK = 100;

export async function setTraceTag(
  ctx: TrackingContext,
  traceId: string,
  key: string,
  value = "",
): Promise<void> {
  if (key.length > MAX_TAG_KEY) {
    throw MlflowError.invalidParameter(
      `Trace tag key '${key.slice(0, 50)}...' exceeds the maximum length of ${MAX_TAG_KEY} characters.`,
    );
  }
  await getTraceRow(ctx, traceId);
  // MLflow truncates long trace tag values rather than refusing them.
  const stored = value.slice(0, MAX_TAG_VALUE);
  await ctx.db
    .insert(traceTags)
    .values({ traceId, key, value: stored })
    .onConflictDoUpdate({ target: [traceTags.traceId, traceTags.key], set: { value: stored } });
}

export async function deleteTraceTag(ctx: TrackingContext, traceId: string, key: string): Promise<void> {
  const deleted = await ctx.db
    .delete(traceTags)
    .where(and(eq(traceTags.traceId, traceId), eq(traceTags.key, key)))
    .returning({ key: traceTags.key });
  if (deleted.length === 0) {
    throw MlflowError.notFound(`No trace tag with key '${key}' for trace with ID '${traceId}'`);
  }
}

export interface DeleteTracesRequest {
  experimentId: string;
  maxTimestampMillis?: number;
  maxTraces?: number;
  traceIds?: string[];
}

/**
 * Deletes by ids, or the oldest traces up to a timestamp and/or a count; returns how many. Large
 * spans' objects are removed from the bucket after the rows (an orphan object is harmless).
 */
export async function deleteTraces(ctx: TrackingContext, request: DeleteTracesRequest): Promise<number> {
  const { maxTimestampMillis, maxTraces, traceIds } = request;
  const byIds = traceIds !== undefined && traceIds.length > 0;
  if (!byIds && !maxTimestampMillis) {
    throw MlflowError.invalidParameter("Either `max_timestamp_millis` or `trace_ids` must be specified.");
  }
  if (byIds && (maxTimestampMillis || maxTraces)) {
    throw MlflowError.invalidParameter(
      "Only one of `max_timestamp_millis` and `trace_ids` can be specified.",
    );
  }
  if (maxTraces !== undefined && maxTraces <= 0) {
    throw MlflowError.invalidParameter(
      "`max_traces` must be a positive integer, received " + maxTraces + ".",
    );
  }
  const experiment = await getExperimentRow(ctx, request.experimentId);
  const conditions = [eq(traceInfo.experimentId, experiment.experimentId)];
  if (maxTimestampMillis) conditions.push(sql`${traceInfo.requestTimeMs} <= ${maxTimestampMillis}`);
  if (byIds) conditions.push(inArray(traceInfo.traceId, jsonValues(traceIds)));
  const chosen = await ctx.db
    .select({ traceId: traceInfo.traceId })
    .from(traceInfo)
    .where(and(...conditions))
    .orderBy(traceInfo.requestTimeMs)
    .limit(maxTraces ?? -1);
  const ids = chosen.map((row) => row.traceId);
  if (ids.length === 0) return 0;
  const objects = await ctx.db
    .select({ key: spans.contentObject })
    .from(spans)
    .where(and(inArray(spans.traceId, jsonValues(ids)), isNotNull(spans.contentObject)));
  // Tags, metadata, assessments, links and spans go with their trace (ON DELETE CASCADE).
  await runAtomically(ctx.db, [ctx.db.delete(traceInfo).where(inArray(traceInfo.traceId, jsonValues(ids)))]);
  await Promise.all(objects.map((row) => ctx.artifacts.delete(row.key as string)));
  return ids.length;
}

export async function linkTracesToRun(
  ctx: TrackingContext,
  traceIds: string[],
  runId: string,
): Promise<void> {
  if (traceIds.length === 0) return;
  if (traceIds.length > MAX_TRACES_PER_LINK) {
    throw MlflowError.invalidParameter(
      `Cannot link more than ${MAX_TRACES_PER_LINK} traces to a run in a single request. Provided ${traceIds.length} traces.`,
    );
  }
  await getRunRow(ctx, runId);
  const known = await ctx.db
    .select({ traceId: traceInfo.traceId })
    .from(traceInfo)
    .where(inArray(traceInfo.traceId, jsonValues(traceIds)));
  const missing = traceIds.find((id) => !known.some((row) => row.traceId === id));
  if (missing !== undefined) throw MlflowError.notFound(`Trace with ID '${missing}' not found.`);
  await ctx.db
    .insert(traceRunLinks)
    .values([...new Set(traceIds)].map((traceId) => ({ traceId, runId })))
    .onConflictDoNothing();
}
