import { index, integer, primaryKey, sqliteTable, text, unique } from "drizzle-orm/sqlite-core";
import { experiments } from "./experiments";

/** A dataset is logged once per experiment (name + digest) and linked to runs through inputs. */
export const datasets = sqliteTable(
  "datasets",
  {
    datasetUuid: text("dataset_uuid").primaryKey(),
    experimentId: integer("experiment_id")
      .notNull()
      .references(() => experiments.experimentId, { onDelete: "cascade" }),
    name: text("name").notNull(),
    digest: text("digest").notNull(),
    sourceType: text("dataset_source_type").notNull(),
    source: text("dataset_source").notNull(),
    schema: text("dataset_schema"),
    profile: text("dataset_profile"),
  },
  (t) => [unique("datasets_experiment_name_digest").on(t.experimentId, t.name, t.digest)],
);

/** Links a source (a dataset) to a destination (a run), as MLflow's `inputs` table does. */
export const inputs = sqliteTable(
  "inputs",
  {
    inputUuid: text("input_uuid").primaryKey(),
    sourceType: text("source_type").notNull(),
    sourceId: text("source_id").notNull(),
    destinationType: text("destination_type").notNull(),
    destinationId: text("destination_id").notNull(),
    /** The step at which a run output (source RUN_OUTPUT, destination MODEL_OUTPUT) was logged. */
    step: integer("step").notNull().default(0),
  },
  (t) => [
    unique("inputs_source_destination").on(t.sourceType, t.sourceId, t.destinationType, t.destinationId),
    index("inputs_destination").on(t.destinationType, t.destinationId),
  ],
);

export const inputTags = sqliteTable(
  "input_tags",
  {
    inputUuid: text("input_uuid")
      .notNull()
      .references(() => inputs.inputUuid, { onDelete: "cascade" }),
    name: text("name").notNull(),
    value: text("value").notNull(),
  },
  (t) => [primaryKey({ columns: [t.inputUuid, t.name] })],
);

export type DatasetRow = typeof datasets.$inferSelect;
export type InputRow = typeof inputs.$inferSelect;
export type InputTagRow = typeof inputTags.$inferSelect;
