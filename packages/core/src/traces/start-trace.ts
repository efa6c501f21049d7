import {
  assessments,
  MlflowError,
  type TraceInfoV3Wire,
  traceInfo,
  traceRequestMetadata,
  traceTags,
} from "@edgeflow/schema";
import { sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { TrackingContext } from "../context";
import { runAtomically } from "../db";
import { jsonRows } from "../json-rows";
import { getExperimentRow } from "../tracking/experiments";
import { assessmentRowOf } from "./assessments";
import { traceArtifactUri } from "./spans";
import { ARTIFACT_LOCATION_TAG, getTraceInfo } from "./trace-info";

/** MLflow's trace ids are at most this long (trace_info.request_id is a String(50)). */
const MAX_TRACE_ID_LENGTH = 50;

/**
 * StartTraceV3 (sent by the client once the trace has ended, whatever the name says): records the
 * trace's info, tags, request metadata and assessments. A trace already created by its spans keeps
 * its spans, its tags and metadata not restated here, and its previews when none are given.
 */
export async function startTrace(ctx: TrackingContext, info: TraceInfoV3Wire): Promise<TraceInfoV3Wire> {
  const traceId = info.trace_id;
  if (!traceId)
    throw MlflowError.invalidParameter("Missing value for required parameter 'trace.trace_info.trace_id'.");
  if (traceId.length > MAX_TRACE_ID_LENGTH) {
    throw MlflowError.invalidParameter(
      `Trace ID '${traceId.slice(0, 60)}' is longer than ${MAX_TRACE_ID_LENGTH} characters.`,
    );
  }
  const experimentId = info.trace_location?.mlflow_experiment?.experiment_id;
  if (!experimentId) {
    throw MlflowError.invalidParameter(
      "The trace location must be an MLflow experiment (trace_location.mlflow_experiment).",
    );
  }
  const experiment = await getExperimentRow(ctx, experimentId);
  if (experiment.lifecycleStage !== "active") {
    throw MlflowError.invalidParameter(
      `The experiment ${experiment.experimentId} must be in the 'active' state. Current state is ${experiment.lifecycleStage}.`,
    );
  }
  if (info.request_time === undefined) {
    throw MlflowError.invalidParameter(
      "Missing value for required parameter 'trace.trace_info.request_time'.",
    );
  }
  const row = {
    traceId,
    experimentId: experiment.experimentId,
    requestTimeMs: info.request_time,
    executionDurationMs: info.execution_duration ?? null,
    state: info.state ?? "STATE_UNSPECIFIED",
    clientRequestId: info.client_request_id ?? null,
    requestPreview: info.request_preview ?? null,
    responsePreview: info.response_preview ?? null,
  } satisfies typeof traceInfo.$inferInsert;
  const tags = { ...info.tags, [ARTIFACT_LOCATION_TAG]: traceArtifactUri(experiment, traceId) };
  const now = ctx.now();
  const statements: BatchItem<"sqlite">[] = [
    ctx.db
      .insert(traceInfo)
      .values(row)
      .onConflictDoUpdate({
        target: traceInfo.traceId,
        set: {
          experimentId: row.experimentId,
          requestTimeMs: row.requestTimeMs,
          executionDurationMs: row.executionDurationMs,
          state: row.state,
          clientRequestId: row.clientRequestId,
          requestPreview: sql`COALESCE(excluded.request_preview, ${traceInfo.requestPreview})`,
          responsePreview: sql`COALESCE(excluded.response_preview, ${traceInfo.responsePreview})`,
        },
      }),
    ...upsertMap(ctx, traceTags, traceId, tags),
    ...upsertMap(ctx, traceRequestMetadata, traceId, info.trace_metadata ?? {}),
    ...(info.assessments ?? []).map((assessment) =>
      ctx.db
        .insert(assessments)
        .values(assessmentRowOf({ ...assessment, trace_id: traceId }, now))
        .onConflictDoNothing(),
    ),
  ];
  await runAtomically(ctx.db, statements);
  return getTraceInfo(ctx, traceId);
}

/** Upserts a whole map in one statement: the entries travel as one JSON parameter. */
export function upsertMap(
  ctx: TrackingContext,
  table: typeof traceTags | typeof traceRequestMetadata,
  traceId: string,
  entries: Record<string, string>,
): BatchItem<"sqlite">[] {
  if (Object.keys(entries).length === 0) return [];
  return [
    ctx.db
      .insert(table)
      .select(sql`select ${traceId}, j.key, j.value from ${jsonRows(entries)} as j where true`)
      .onConflictDoUpdate({ target: [table.traceId, table.key], set: { value: sql`excluded.value` } }),
  ];
}
