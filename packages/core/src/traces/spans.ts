import { type ExperimentRow, MlflowError, spans, traceInfo, traceTags } from "@edgeflow/schema";
import { asc, inArray, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { proxiedArtifactPath } from "../artifacts/paths";
import { readText } from "../artifacts/read-text";
import type { TrackingContext } from "../context";
import { runAtomically } from "../db";
import { jsonValues } from "../json-rows";
import type { IngestedSpan, OtelSpanJson } from "../otlp/trace-service";
import { spanTypeOf } from "../otlp/trace-service";
import { getExperimentRow } from "../tracking/experiments";
import { appendToUriPath } from "../uri";
import { answeredSpan } from "./attribute-form";
import { derivedMetadataStatements, deriveTraceInfo } from "./derived";
import { ARTIFACT_LOCATION_TAG, SPANS_LOCATION_TAG, TRACKING_STORE } from "./trace-info";

/**
 * Spans logged over OTLP (MLflow's log_spans): each span's JSON goes in its D1 row when small and
 * to the bucket when large, and the trace's info follows its spans — created if missing, its time
 * range widened, its state taken from the root span while it is still in progress, its previews,
 * token usage, cost and session derived as MLflow 3.11 derives them (derived.ts).
 */

/** Above this a span's JSON goes to the bucket: rows stay far below D1's 2 MB and statements small. */
export const INLINE_SPAN_BYTES = 64 * 1024;

/** MLflow's trace artifact folder: <experiment artifact location>/traces/<trace id>/artifacts. */
export function traceArtifactUri(experiment: ExperimentRow, traceId: string): string {
  return appendToUriPath(experiment.artifactLocation ?? "", "traces", traceId, "artifacts");
}

/** The bucket folder of an experiment's large spans (its own folder when it is not proxied). */
function spanObjectPath(experiment: ExperimentRow, traceId: string, spanIdHex: string): string {
  let root: string;
  try {
    root = proxiedArtifactPath(experiment.artifactLocation ?? "");
  } catch {
    root = String(experiment.experimentId);
  }
  return `${root ? `${root}/` : ""}traces/${traceId}/spans/${spanIdHex}.json`;
}

const padNs = (ns: string) => ns.padStart(19, "0");
const nsToMs = (ns: string) => Number(BigInt(ns) / 1_000_000n);

/** Logs one trace's spans to experiment `experimentId`; all spans must share a trace id. */
export async function logSpans(
  ctx: TrackingContext,
  experimentId: string,
  batch: IngestedSpan[],
): Promise<void> {
  if (batch.length === 0) return;
  const traceIds = new Set(batch.map((span) => span.traceId));
  if (traceIds.size > 1) {
    throw MlflowError.invalidParameter(
      `All spans must belong to the same trace. Found trace IDs: {${[...traceIds].map((id) => `'${id}'`).join(", ")}}`,
    );
  }
  const traceId = batch[0]?.traceId as string;
  const existing = await ctx.db
    .select({ experimentId: traceInfo.experimentId })
    .from(traceInfo)
    .where(sql`${traceInfo.traceId} = ${traceId}`)
    .get();
  // Spans of a known trace join its experiment, as in MLflow.
  const experiment = await getExperimentRow(ctx, existing ? String(existing.experimentId) : experimentId);

  const minStartMs = Math.min(...batch.map((span) => nsToMs(span.startTimeNs)));
  const ends = batch.flatMap((span) => (span.endTimeNs ? [nsToMs(span.endTimeNs)] : []));
  const maxEndMs = ends.length ? Math.max(...ends) : null;
  const root = batch.find((span) => span.parentSpanIdHex === undefined);
  const rootState = root ? (root.statusCode === "ERROR" ? "ERROR" : "OK") : null;
  const derived = deriveTraceInfo(batch);

  const rows = [];
  for (const span of batch) {
    const content = JSON.stringify(span.json);
    let contentObject: string | null = null;
    if (new TextEncoder().encode(content).byteLength > INLINE_SPAN_BYTES) {
      contentObject = spanObjectPath(experiment, traceId, span.spanIdHex);
      // Written before the rows that name it, so no row ever points at a missing object.
      await ctx.artifacts.put(contentObject, content, { contentType: "application/json" });
    }
    rows.push({
      traceId,
      experimentId: experiment.experimentId,
      spanId: span.spanIdHex,
      parentSpanId: span.parentSpanIdHex ?? null,
      name: span.json.name ?? "",
      type: spanTypeOf(span.json) ?? null,
      status: span.statusCode,
      startTimeUnixNano: padNs(span.startTimeNs),
      endTimeUnixNano: span.endTimeNs ? padNs(span.endTimeNs) : null,
      content: contentObject ? null : content,
      contentObject,
    });
  }

  const statements: BatchItem<"sqlite">[] = [
    ctx.db
      .insert(traceInfo)
      .values({
        traceId,
        experimentId: experiment.experimentId,
        requestTimeMs: minStartMs,
        executionDurationMs: maxEndMs === null ? null : maxEndMs - minStartMs,
        state: rootState ?? "IN_PROGRESS",
      })
      .onConflictDoNothing(),
    // SET expressions read the old row, so each bound is widened against the stored one.
    ctx.db
      .update(traceInfo)
      .set({
        requestTimeMs: sql`MIN(${traceInfo.requestTimeMs}, ${minStartMs})`,
        executionDurationMs:
          maxEndMs === null
            ? sql`${traceInfo.executionDurationMs}`
            : sql`MAX(COALESCE(${traceInfo.requestTimeMs} + ${traceInfo.executionDurationMs}, ${maxEndMs}), ${maxEndMs}) - MIN(${traceInfo.requestTimeMs}, ${minStartMs})`,
        state: rootState
          ? sql`CASE WHEN ${traceInfo.state} IN ('IN_PROGRESS', 'STATE_UNSPECIFIED') THEN ${rootState} ELSE ${traceInfo.state} END`
          : sql`${traceInfo.state}`,
        // Previews the trace does not have yet (StartTraceV3's own win), from the root span.
        requestPreview: sql`COALESCE(${traceInfo.requestPreview}, ${derived.requestPreview ?? null})`,
        responsePreview: sql`COALESCE(${traceInfo.responsePreview}, ${derived.responsePreview ?? null})`,
      })
      .where(sql`${traceInfo.traceId} = ${traceId}`),
    ctx.db
      .insert(traceTags)
      .values({ traceId, key: ARTIFACT_LOCATION_TAG, value: traceArtifactUri(experiment, traceId) })
      .onConflictDoNothing(),
    ctx.db
      .insert(traceTags)
      .values({ traceId, key: SPANS_LOCATION_TAG, value: TRACKING_STORE })
      .onConflictDoUpdate({ target: [traceTags.traceId, traceTags.key], set: { value: TRACKING_STORE } }),
    ...derivedMetadataStatements(ctx, traceId, derived),
    ...rows.map((row) =>
      ctx.db
        .insert(spans)
        .values(row)
        .onConflictDoUpdate({
          target: [spans.traceId, spans.spanId],
          set: { ...row, traceId: undefined, spanId: undefined },
        }),
    ),
  ];
  await runAtomically(ctx.db, statements);
}

async function readObject(ctx: TrackingContext, key: string): Promise<OtelSpanJson> {
  const object = await ctx.artifacts.get(key);
  if (!object)
    throw new MlflowError("DATA_LOSS", `Span content '${key}' is missing from the artifact store.`);
  return JSON.parse(await readText(object.body)) as OtelSpanJson;
}

/**
 * Each trace's spans, root spans first, then by start time (MLflow's order), as get_trace answers
 * them: attributes stored as JSON text come back decoded (attribute-form.ts).
 */
export async function readSpans(
  ctx: TrackingContext,
  traceIds: readonly string[],
): Promise<Map<string, OtelSpanJson[]>> {
  const out = new Map<string, OtelSpanJson[]>();
  if (traceIds.length === 0) return out;
  const rows = await ctx.db
    .select()
    .from(spans)
    .where(inArray(spans.traceId, jsonValues(traceIds)))
    .orderBy(
      asc(spans.traceId),
      sql`CASE WHEN ${spans.parentSpanId} IS NULL THEN 0 ELSE 1 END`,
      asc(spans.startTimeUnixNano),
      asc(spans.spanId),
    );
  const contents = await Promise.all(
    rows.map((row) =>
      row.content !== null
        ? (JSON.parse(row.content) as OtelSpanJson)
        : readObject(ctx, row.contentObject ?? ""),
    ),
  );
  rows.forEach((row, index) => {
    const list = out.get(row.traceId) ?? [];
    list.push(answeredSpan(contents[index] as OtelSpanJson));
    out.set(row.traceId, list);
  });
  return out;
}
