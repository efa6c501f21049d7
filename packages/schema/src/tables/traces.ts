import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { assessmentSourceTypes, assessmentTypes, traceStates } from "../enums";
import { experiments } from "./experiments";

/**
 * MLflow 3 traces: one trace_info row per trace with its tags, request metadata, assessments
 * (feedback and expectations) and spans. A span's full OTLP-derived JSON is stored inline when
 * small and in the artifact bucket when large (spans.content_object names the object), so a
 * D1 row never carries a big payload.
 */

export const traceInfo = sqliteTable(
  "trace_info",
  {
    traceId: text("trace_id").primaryKey(),
    experimentId: integer("experiment_id")
      .notNull()
      .references(() => experiments.experimentId, { onDelete: "cascade" }),
    requestTimeMs: integer("request_time_ms").notNull(),
    executionDurationMs: integer("execution_duration_ms"),
    state: text("state", { enum: traceStates }).notNull().default("STATE_UNSPECIFIED"),
    clientRequestId: text("client_request_id"),
    requestPreview: text("request_preview"),
    responsePreview: text("response_preview"),
  },
  (t) => [
    // search_traces' default order: newest first within an experiment.
    index("trace_info_experiment_time").on(t.experimentId, t.requestTimeMs, t.traceId),
    index("trace_info_client_request").on(t.clientRequestId),
  ],
);

export const traceTags = sqliteTable(
  "trace_tags",
  {
    traceId: text("trace_id")
      .notNull()
      .references(() => traceInfo.traceId, { onDelete: "cascade" }),
    key: text("key").notNull(),
    value: text("value"),
  },
  (t) => [primaryKey({ columns: [t.traceId, t.key] }), index("trace_tags_key_value").on(t.key, t.value)],
);

export const traceRequestMetadata = sqliteTable(
  "trace_request_metadata",
  {
    traceId: text("trace_id")
      .notNull()
      .references(() => traceInfo.traceId, { onDelete: "cascade" }),
    key: text("key").notNull(),
    value: text("value"),
  },
  (t) => [
    primaryKey({ columns: [t.traceId, t.key] }),
    index("trace_request_metadata_key_value").on(t.key, t.value),
  ],
);

/** Runs a trace is linked to (MLflow's link-traces-to-run entity associations). */
export const traceRunLinks = sqliteTable(
  "trace_run_links",
  {
    traceId: text("trace_id")
      .notNull()
      .references(() => traceInfo.traceId, { onDelete: "cascade" }),
    runId: text("run_id").notNull(),
  },
  (t) => [primaryKey({ columns: [t.traceId, t.runId] }), index("trace_run_links_run").on(t.runId)],
);

export const assessments = sqliteTable(
  "assessments",
  {
    assessmentId: text("assessment_id").primaryKey(),
    traceId: text("trace_id")
      .notNull()
      .references(() => traceInfo.traceId, { onDelete: "cascade" }),
    name: text("name").notNull(),
    assessmentType: text("assessment_type", { enum: assessmentTypes }).notNull(),
    /** The feedback or expectation value as JSON. */
    value: text("value").notNull(),
    /** A feedback's error (error_code, error_message, stack_trace) as JSON. */
    error: text("error"),
    createdTimestamp: integer("created_timestamp").notNull(),
    lastUpdatedTimestamp: integer("last_updated_timestamp").notNull(),
    sourceType: text("source_type", { enum: assessmentSourceTypes }).notNull(),
    sourceId: text("source_id"),
    runId: text("run_id"),
    spanId: text("span_id"),
    rationale: text("rationale"),
    /** The assessment id this one overrides (which is then marked invalid). */
    overrides: text("overrides"),
    valid: integer("valid", { mode: "boolean" }).notNull().default(true),
    /** Free-form metadata map as JSON. */
    metadata: text("metadata"),
  },
  (t) => [index("assessments_trace_created").on(t.traceId, t.createdTimestamp)],
);

export const spans = sqliteTable(
  "spans",
  {
    traceId: text("trace_id")
      .notNull()
      .references(() => traceInfo.traceId, { onDelete: "cascade" }),
    experimentId: integer("experiment_id").notNull(),
    spanId: text("span_id").notNull(),
    parentSpanId: text("parent_span_id"),
    name: text("name"),
    type: text("type"),
    status: text("status").notNull(),
    // Nanosecond timestamps exceed 2^53, so they are kept as 19-digit zero-padded decimal text:
    // exact, and text order is time order.
    startTimeUnixNano: text("start_time_unix_nano").notNull(),
    endTimeUnixNano: text("end_time_unix_nano"),
    /** The span as JSON when small enough to keep in the row. */
    content: text("content"),
    /** The bucket key holding the span's JSON when it was too large for the row. */
    contentObject: text("content_object"),
  },
  (t) => [primaryKey({ columns: [t.traceId, t.spanId] })],
);

export type TraceInfoRow = typeof traceInfo.$inferSelect;
export type TraceTagRow = typeof traceTags.$inferSelect;
export type TraceRequestMetadataRow = typeof traceRequestMetadata.$inferSelect;
export type AssessmentRow = typeof assessments.$inferSelect;
export type SpanRow = typeof spans.$inferSelect;
