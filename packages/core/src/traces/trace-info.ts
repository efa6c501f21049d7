import {
  type AssessmentRow,
  type AssessmentWire,
  assessments,
  MlflowError,
  type TraceInfoRow,
  type TraceInfoV3Wire,
  traceInfo,
  traceNotFound,
  traceRequestMetadata,
  traceTags,
} from "@edgeflow/schema";
import { asc, eq, inArray } from "drizzle-orm";
import type { TrackingContext } from "../context";
import { jsonValues } from "../json-rows";

export const ARTIFACT_LOCATION_TAG = "mlflow.artifactLocation";
export const SPANS_LOCATION_TAG = "mlflow.trace.spansLocation";
export const TRACKING_STORE = "TRACKING_STORE";

export async function getTraceRow(ctx: TrackingContext, traceId: string): Promise<TraceInfoRow> {
  const row = await ctx.db.select().from(traceInfo).where(eq(traceInfo.traceId, traceId)).get();
  if (!row) throw traceNotFound(traceId);
  return row;
}

function parseJson(text: string | null): unknown {
  if (text === null) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function assessmentToWire(row: AssessmentRow): AssessmentWire {
  const value = parseJson(row.value) as Record<string, unknown> | undefined;
  const error = parseJson(row.error) as Record<string, string> | undefined;
  return {
    assessment_id: row.assessmentId,
    assessment_name: row.name,
    trace_id: row.traceId,
    span_id: row.spanId ?? undefined,
    source: {
      source_type: row.sourceType,
      ...(row.sourceId !== null ? { source_id: row.sourceId } : {}),
    },
    create_time: row.createdTimestamp,
    last_update_time: row.lastUpdatedTimestamp,
    ...(row.assessmentType === "feedback"
      ? { feedback: { ...value, ...(error ? { error } : {}) } }
      : { expectation: value ?? {} }),
    rationale: row.rationale ?? undefined,
    metadata: parseJson(row.metadata) as Record<string, string> | undefined,
    overrides: row.overrides ?? undefined,
    valid: row.valid,
  };
}

/** TraceInfoV3 of each row, with tags, request metadata and assessments, in the rows' order. */
export async function traceInfosToWire(
  ctx: TrackingContext,
  rows: TraceInfoRow[],
): Promise<TraceInfoV3Wire[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((row) => row.traceId);
  const [tagRows, metadataRows, assessmentRows] = await Promise.all([
    ctx.db
      .select()
      .from(traceTags)
      .where(inArray(traceTags.traceId, jsonValues(ids)))
      .orderBy(asc(traceTags.key)),
    ctx.db
      .select()
      .from(traceRequestMetadata)
      .where(inArray(traceRequestMetadata.traceId, jsonValues(ids)))
      .orderBy(asc(traceRequestMetadata.key)),
    ctx.db
      .select()
      .from(assessments)
      .where(inArray(assessments.traceId, jsonValues(ids)))
      .orderBy(asc(assessments.createdTimestamp), asc(assessments.assessmentId)),
  ]);
  const mapOf = (entries: { traceId: string; key: string; value: string | null }[], id: string) =>
    Object.fromEntries(entries.filter((e) => e.traceId === id).map((e) => [e.key, e.value ?? ""]));
  return rows.map((row) => ({
    trace_id: row.traceId,
    client_request_id: row.clientRequestId ?? undefined,
    trace_location: {
      type: "MLFLOW_EXPERIMENT",
      mlflow_experiment: { experiment_id: String(row.experimentId) },
    },
    request_preview: row.requestPreview ?? undefined,
    response_preview: row.responsePreview ?? undefined,
    request_time: row.requestTimeMs,
    execution_duration: row.executionDurationMs ?? undefined,
    state: row.state,
    trace_metadata: mapOf(metadataRows, row.traceId),
    assessments: assessmentRows.filter((a) => a.traceId === row.traceId).map(assessmentToWire),
    tags: mapOf(tagRows, row.traceId),
  }));
}

export async function getTraceInfo(ctx: TrackingContext, traceId: string): Promise<TraceInfoV3Wire> {
  const [wire] = await traceInfosToWire(ctx, [await getTraceRow(ctx, traceId)]);
  return wire as TraceInfoV3Wire;
}

/** Rows for the ids that exist, in the order asked (MLflow's batch_get keeps request order). */
export async function traceRowsInOrder(
  ctx: TrackingContext,
  ids: readonly string[],
): Promise<TraceInfoRow[]> {
  if (ids.length === 0) return [];
  const rows = await ctx.db
    .select()
    .from(traceInfo)
    .where(inArray(traceInfo.traceId, jsonValues(ids)));
  const byId = new Map(rows.map((row) => [row.traceId, row]));
  return [...new Set(ids)].flatMap((id) => byId.get(id) ?? []);
}

export function invalidTrace(message: string): MlflowError {
  return MlflowError.invalidParameter(message);
}
