import { index, integer, primaryKey, real, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { lifecycleStages, loggedModelStatuses } from "../enums";
import { experiments } from "./experiments";

/**
 * MLflow 3's logged models: a model logged by a run (or from outside any run) with its own id
 * (`m-<32 hex>`), artifact folder, params, tags and metrics. Model versions may point at one
 * (model_versions.model_id) and runs link to them as outputs (inputs rows of type RUN_OUTPUT).
 */

export const loggedModels = sqliteTable(
  "logged_models",
  {
    modelId: text("model_id").primaryKey(),
    experimentId: integer("experiment_id")
      .notNull()
      .references(() => experiments.experimentId, { onDelete: "cascade" }),
    name: text("name").notNull(),
    artifactLocation: text("artifact_location").notNull(),
    creationTimestampMs: integer("creation_timestamp_ms").notNull(),
    lastUpdatedTimestampMs: integer("last_updated_timestamp_ms").notNull(),
    status: text("status", { enum: loggedModelStatuses }).notNull().default("LOGGED_MODEL_PENDING"),
    lifecycleStage: text("lifecycle_stage", { enum: lifecycleStages }).notNull().default("active"),
    modelType: text("model_type"),
    sourceRunId: text("source_run_id"),
    statusMessage: text("status_message"),
  },
  (t) => [
    // search_logged_models' default order: newest first within an experiment, id as tie-breaker.
    index("logged_models_experiment_creation").on(
      t.experimentId,
      t.lifecycleStage,
      t.creationTimestampMs,
      t.modelId,
    ),
    index("logged_models_source_run").on(t.sourceRunId),
  ],
);

export const loggedModelParams = sqliteTable(
  "logged_model_params",
  {
    modelId: text("model_id")
      .notNull()
      .references(() => loggedModels.modelId, { onDelete: "cascade" }),
    key: text("param_key").notNull(),
    value: text("param_value").notNull(),
  },
  (t) => [primaryKey({ columns: [t.modelId, t.key] })],
);

export const loggedModelTags = sqliteTable(
  "logged_model_tags",
  {
    modelId: text("model_id")
      .notNull()
      .references(() => loggedModels.modelId, { onDelete: "cascade" }),
    key: text("tag_key").notNull(),
    value: text("tag_value").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.modelId, t.key] }),
    index("logged_model_tags_key_value").on(t.key, t.value),
  ],
);

/**
 * Metric points logged against a model (log-batch metrics carrying model_id), optionally tied to
 * the dataset they were computed on. Same NaN/Infinity encoding as the runs' metrics table.
 */
export const loggedModelMetrics = sqliteTable(
  "logged_model_metrics",
  {
    modelId: text("model_id")
      .notNull()
      .references(() => loggedModels.modelId, { onDelete: "cascade" }),
    key: text("metric_name").notNull(),
    timestampMs: integer("metric_timestamp_ms").notNull(),
    step: integer("metric_step").notNull().default(0),
    value: real("metric_value").notNull(),
    isNan: integer("is_nan", { mode: "boolean" }).notNull().default(false),
    runId: text("run_id").notNull(),
    datasetName: text("dataset_name"),
    datasetDigest: text("dataset_digest"),
  },
  (t) => [index("logged_model_metrics_model_key").on(t.modelId, t.key, t.step, t.timestampMs)],
);

export type LoggedModelRow = typeof loggedModels.$inferSelect;
export type LoggedModelParamRow = typeof loggedModelParams.$inferSelect;
export type LoggedModelTagRow = typeof loggedModelTags.$inferSelect;
export type LoggedModelMetricRow = typeof loggedModelMetrics.$inferSelect;
