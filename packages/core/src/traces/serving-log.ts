import { runs, spans, traceInfo, traceRequestMetadata, traceTags } from "@edgeflow/schema";
import { inArray, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { TrackingContext } from "../context";
import { runAtomically } from "../db";
import { jsonRows } from "../json-rows";
import type { IngestedSpan, OtelSpanJson } from "../otlp/trace-service";
import { getExperimentRow } from "../tracking/experiments";
import { deriveTraceInfo, TOKEN_USAGE_METADATA } from "./derived";
import { traceArtifactUri } from "./spans";
import { ARTIFACT_LOCATION_TAG, SPANS_LOCATION_TAG, TRACKING_STORE } from "./trace-info";

/** A span below the root: one provider call of a gateway invocation, say. */
export interface ServedChildSpan {
  name: string;
  spanType: string;
  startMs: number;
  durationMs: number;
  /** The failure's message when the call failed (already free of secrets). */
  error?: string;
  /** Span attributes (MLflow's keys, e.g. mlflow.chat.tokenUsage), each stored as JSON text. */
  attributes: Record<string, unknown>;
}

/**
 * One served request, as the inference worker (a model's invocation) or the tracking worker (a
 * gateway call) records it once the response is on its way.
 */
export interface ServedRequestTrace {
  /** "tr-" + 32 hex digits: the trace id, and (its hex) the OTel trace id. */
  traceId: string;
  /** The experiment named by the model's logging tag; null: its version's source run's, else 0. */
  experimentId: string | null;
  /** The served version's source run, for the experiment fallback. */
  runId: string | null;
  /** The request id the caller sent or was given (X-Request-Id). */
  requestId: string;
  /** The root span's name, e.g. "invocations" or "chat.completions". */
  name: string;
  startMs: number;
  durationMs: number;
  /** The HTTP status answered. */
  status: number;
  /** JSON text of the request and response bodies, when this request was sampled. */
  inputs?: string;
  outputs?: string;
  tags: Record<string, string>;
  metadata: Record<string, string>;
  /** The root span's type; CHAIN unless given. */
  spanType?: string;
  /** More root span attributes, each stored as JSON text. */
  attributes?: Record<string, unknown>;
  /** Spans under the root, in order. */
  children?: readonly ServedChildSpan[];
}

const DEFAULT_EXPERIMENT_ID = "0";

const hexToBase64 = (hex: string) =>
  btoa(String.fromCharCode(...(hex.match(/../g) ?? []).map((byte) => Number.parseInt(byte, 16))));
const msToNs = (ms: number) => `${BigInt(Math.round(ms)) * 1_000_000n}`;
const padNs = (ns: string) => ns.padStart(19, "0");
const attribute = (key: string, value: string) => ({ key, value: { string_value: value } });

const newSpanHex = () =>
  [...crypto.getRandomValues(new Uint8Array(8))].map((b) => b.toString(16).padStart(2, "0")).join("");

function spanOf(
  trace: ServedRequestTrace,
  span: {
    spanHex: string;
    parentHex?: string;
    name: string;
    spanType: string;
    startMs: number;
    durationMs: number;
    error?: string;
    attributes: [string, string][];
  },
): IngestedSpan {
  const traceHex = trace.traceId.slice("tr-".length);
  const json: OtelSpanJson = {
    trace_id: hexToBase64(traceHex),
    span_id: hexToBase64(span.spanHex),
    ...(span.parentHex ? { parent_span_id: hexToBase64(span.parentHex) } : {}),
    name: span.name,
    start_time_unix_nano: msToNs(span.startMs),
    end_time_unix_nano: msToNs(span.startMs + span.durationMs),
    attributes: [
      // Span attributes hold JSON text, as MLflow's clients write them.
      attribute("mlflow.traceRequestId", JSON.stringify(trace.traceId)),
      attribute("mlflow.spanType", JSON.stringify(span.spanType)),
      ...span.attributes.map(([key, value]) => attribute(key, value)),
    ],
    status:
      span.error === undefined
        ? { code: "STATUS_CODE_OK" }
        : { code: "STATUS_CODE_ERROR", message: span.error },
  };
  return {
    traceId: trace.traceId,
    spanIdHex: span.spanHex,
    parentSpanIdHex: span.parentHex,
    startTimeNs: json.start_time_unix_nano,
    endTimeNs: json.end_time_unix_nano,
    statusCode: span.error === undefined ? "OK" : "ERROR",
    json,
  };
}

const jsonAttributes = (attributes: Record<string, unknown> | undefined): [string, string][] =>
  Object.entries(attributes ?? {}).map(([key, value]) => [key, JSON.stringify(value)]);

/**
 * The root span and its children, in the JSON the OTLP endpoint stores (attributes as JSON text,
 * MLflow's storage form), so get_trace answers them decoded like any other span (attribute-form.ts).
 */
function spansOf(trace: ServedRequestTrace): { span: IngestedSpan; type: string }[] {
  const rootHex = trace.traceId.slice("tr-".length).slice(0, 16);
  const rootType = trace.spanType ?? "CHAIN";
  const root = spanOf(trace, {
    spanHex: rootHex,
    name: trace.name,
    spanType: rootType,
    startMs: trace.startMs,
    durationMs: trace.durationMs,
    error: trace.status < 400 ? undefined : `HTTP ${trace.status}`,
    attributes: [
      ...(trace.inputs === undefined ? [] : ([["mlflow.spanInputs", trace.inputs]] as [string, string][])),
      ...(trace.outputs === undefined ? [] : ([["mlflow.spanOutputs", trace.outputs]] as [string, string][])),
      ...jsonAttributes(trace.attributes),
    ],
  });
  const children = (trace.children ?? []).map((child) => ({
    type: child.spanType,
    span: spanOf(trace, {
      spanHex: newSpanHex(),
      parentHex: rootHex,
      name: child.name,
      spanType: child.spanType,
      startMs: child.startMs,
      durationMs: child.durationMs,
      error: child.error,
      attributes: jsonAttributes(child.attributes),
    }),
  }));
  return [{ span: root, type: rootType }, ...children];
}

/**
 * Records served requests as MLflow 3 traces of one span each, in one D1 batch (one transaction)
 * of four statements however many there are: every row travels in one JSON parameter, so a
 * batch stays within D1's 100 bound parameters and its per-invocation query count.
 */
export async function recordServedRequests(
  ctx: TrackingContext,
  traces: readonly ServedRequestTrace[],
): Promise<void> {
  if (traces.length === 0) return;
  const runIds = [...new Set(traces.flatMap((t) => (t.experimentId === null && t.runId ? [t.runId] : [])))];
  const runExperiments = new Map(
    runIds.length === 0
      ? []
      : (
          await ctx.db
            .select({ runId: runs.runUuid, experimentId: runs.experimentId })
            .from(runs)
            .where(inArray(runs.runUuid, runIds))
            .all()
        ).map((row) => [row.runId, String(row.experimentId)]),
  );
  const experimentOf = (t: ServedRequestTrace) =>
    t.experimentId ?? (t.runId ? runExperiments.get(t.runId) : undefined) ?? DEFAULT_EXPERIMENT_ID;
  const experiments = new Map<string, Awaited<ReturnType<typeof getExperimentRow>> | undefined>();
  for (const id of new Set(traces.map(experimentOf))) {
    // A deleted or missing experiment drops its traces; the others are still written.
    experiments.set(id, await getExperimentRow(ctx, id).catch(() => undefined));
  }
  const infoRows: unknown[][] = [];
  const tagRows: string[][] = [];
  const metadataRows: string[][] = [];
  const spanRows: unknown[][] = [];
  for (const trace of traces) {
    const experiment = experiments.get(experimentOf(trace));
    if (!experiment || experiment.lifecycleStage !== "active") continue;
    const traceSpans = spansOf(trace);
    const root = (traceSpans[0] as { span: IngestedSpan }).span;
    const derived = deriveTraceInfo(traceSpans.map(({ span }) => span));
    infoRows.push([
      trace.traceId,
      experiment.experimentId,
      Math.round(trace.startMs),
      Math.round(trace.durationMs),
      root.statusCode,
      trace.requestId,
      derived.requestPreview ?? null,
      derived.responsePreview ?? null,
    ]);
    const tags = {
      ...trace.tags,
      [ARTIFACT_LOCATION_TAG]: traceArtifactUri(experiment, trace.traceId),
      [SPANS_LOCATION_TAG]: TRACKING_STORE,
    };
    for (const [key, value] of Object.entries(tags)) tagRows.push([trace.traceId, key, value]);
    // Token usage summed over the spans into the trace's metadata, as MLflow 3.11's log_spans does.
    const metadata: Record<string, string> = { ...trace.metadata };
    if (derived.tokenUsage) metadata[TOKEN_USAGE_METADATA] = JSON.stringify(derived.tokenUsage);
    for (const [key, value] of Object.entries(metadata)) metadataRows.push([trace.traceId, key, value]);
    for (const { span, type } of traceSpans) {
      spanRows.push([
        trace.traceId,
        experiment.experimentId,
        span.spanIdHex,
        span.parentSpanIdHex ?? null,
        span.json.name,
        type,
        span.statusCode,
        padNs(span.startTimeNs),
        padNs(span.endTimeNs ?? span.startTimeNs),
        JSON.stringify(span.json),
      ]);
    }
  }
  if (infoRows.length === 0) return;
  const column = (i: number) => sql.raw(`j.value->>${i}`);
  const statements: BatchItem<"sqlite">[] = [
    ctx.db
      .insert(traceInfo)
      .select(
        sql`SELECT ${column(0)}, ${column(1)}, ${column(2)}, ${column(3)}, ${column(4)}, ${column(5)}, ${column(6)}, ${column(7)} FROM ${jsonRows(infoRows)} AS j WHERE true`,
      )
      .onConflictDoNothing(),
    ctx.db
      .insert(traceTags)
      .select(sql`SELECT ${column(0)}, ${column(1)}, ${column(2)} FROM ${jsonRows(tagRows)} AS j WHERE true`)
      .onConflictDoNothing(),
    ctx.db
      .insert(spans)
      .select(
        sql`SELECT ${column(0)}, ${column(1)}, ${column(2)}, ${column(3)}, ${column(4)}, ${column(5)}, ${column(6)}, ${column(7)}, ${column(8)}, ${column(9)}, NULL FROM ${jsonRows(spanRows)} AS j WHERE true`,
      )
      .onConflictDoNothing(),
  ];
  if (metadataRows.length) {
    statements.push(
      ctx.db
        .insert(traceRequestMetadata)
        .select(
          sql`SELECT ${column(0)}, ${column(1)}, ${column(2)} FROM ${jsonRows(metadataRows)} AS j WHERE true`,
        )
        .onConflictDoNothing(),
    );
  }
  await runAtomically(ctx.db, statements);
}
