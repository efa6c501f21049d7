import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { lifecycleStages } from "../enums";

export const experiments = sqliteTable(
  "experiments",
  {
    // Integer ids keep MLflow's "0", "1", ... experiment ids and its numeric ordering.
    experimentId: integer("experiment_id").primaryKey({ autoIncrement: true }),
    name: text("name").notNull().unique(),
    artifactLocation: text("artifact_location"),
    lifecycleStage: text("lifecycle_stage", { enum: lifecycleStages }).notNull().default("active"),
    creationTime: integer("creation_time"),
    lastUpdateTime: integer("last_update_time"),
  },
  (t) => [
    index("experiments_lifecycle_creation").on(t.lifecycleStage, t.creationTime),
    index("experiments_last_update").on(t.lastUpdateTime),
  ],
);

export const experimentTags = sqliteTable(
  "experiment_tags",
  {
    experimentId: integer("experiment_id")
      .notNull()
      .references(() => experiments.experimentId, { onDelete: "cascade" }),
    key: text("key").notNull(),
    value: text("value"),
  },
  (t) => [
    primaryKey({ columns: [t.experimentId, t.key] }),
    index("experiment_tags_key_value").on(t.key, t.value),
  ],
);

export type ExperimentRow = typeof experiments.$inferSelect;
export type ExperimentTagRow = typeof experimentTags.$inferSelect;
