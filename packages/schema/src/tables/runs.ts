import { index, integer, primaryKey, real, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { lifecycleStages, runStatuses } from "../enums";
import { experiments } from "./experiments";

export const runs = sqliteTable(
  "runs",
  {
    runUuid: text("run_uuid").primaryKey(),
    name: text("name"),
    experimentId: integer("experiment_id")
      .notNull()
      .references(() => experiments.experimentId, { onDelete: "cascade" }),
    userId: text("user_id"),
    status: text("status", { enum: runStatuses }).notNull().default("RUNNING"),
    startTime: integer("start_time"),
    endTime: integer("end_time"),
    deletedTime: integer("deleted_time"),
    lifecycleStage: text("lifecycle_stage", { enum: lifecycleStages }).notNull().default("active"),
    artifactUri: text("artifact_uri"),
  },
  (t) => [
    // The default search order: newest first within an experiment, run id as tie-breaker.
    index("runs_experiment_start").on(t.experimentId, t.lifecycleStage, t.startTime, t.runUuid),
  ],
);

export const params = sqliteTable(
  "params",
  {
    runUuid: text("run_uuid")
      .notNull()
      .references(() => runs.runUuid, { onDelete: "cascade" }),
    key: text("key").notNull(),
    value: text("value").notNull(),
  },
  (t) => [primaryKey({ columns: [t.runUuid, t.key] }), index("params_key_value").on(t.key, t.value)],
);

export const tags = sqliteTable(
  "tags",
  {
    runUuid: text("run_uuid")
      .notNull()
      .references(() => runs.runUuid, { onDelete: "cascade" }),
    key: text("key").notNull(),
    value: text("value"),
  },
  (t) => [primaryKey({ columns: [t.runUuid, t.key] }), index("tags_key_value").on(t.key, t.value)],
);

/**
 * Every logged metric point. The primary key doubles as the history index: a run's metric is
 * read back in (step, timestamp, value) order without a sort, and logging the very same point
 * twice is a no-op, as in MLflow.
 */
export const metrics = sqliteTable(
  "metrics",
  {
    runUuid: text("run_uuid")
      .notNull()
      .references(() => runs.runUuid, { onDelete: "cascade" }),
    key: text("key").notNull(),
    step: integer("step").notNull().default(0),
    timestamp: integer("timestamp").notNull(),
    // NaN is stored as 0 with isNan set and +-Infinity as +-Number.MAX_VALUE: SQLite and D1's
    // JSON parameter path have no representation for either.
    value: real("value").notNull(),
    isNan: integer("is_nan", { mode: "boolean" }).notNull().default(false),
  },
  (t) => [primaryKey({ columns: [t.runUuid, t.key, t.step, t.timestamp, t.value, t.isNan] })],
);

/** The latest point per (run, key), chosen by (step, timestamp, value): what search filters on. */
export const latestMetrics = sqliteTable(
  "latest_metrics",
  {
    runUuid: text("run_uuid")
      .notNull()
      .references(() => runs.runUuid, { onDelete: "cascade" }),
    key: text("key").notNull(),
    value: real("value").notNull(),
    timestamp: integer("timestamp").notNull(),
    step: integer("step").notNull(),
    isNan: integer("is_nan", { mode: "boolean" }).notNull().default(false),
  },
  (t) => [primaryKey({ columns: [t.runUuid, t.key] }), index("latest_metrics_key_value").on(t.key, t.value)],
);

export type RunRow = typeof runs.$inferSelect;
export type ParamRow = typeof params.$inferSelect;
export type TagRow = typeof tags.$inferSelect;
export type MetricRow = typeof metrics.$inferSelect;
export type LatestMetricRow = typeof latestMetrics.$inferSelect;
