import { foreignKey, index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { modelVersionStages, modelVersionStatuses } from "../enums";

/**
 * MLflow's model registry: registered models, their numbered versions, tags on both, and aliases.
 * A model's name is its primary key and every child row references it with ON UPDATE CASCADE, so
 * a rename is one UPDATE that carries versions, tags and aliases with it, atomically; ON DELETE
 * CASCADE makes deleting a model (or a version) take everything hanging off it along.
 */

export const registeredModels = sqliteTable(
  "registered_models",
  {
    // Stored and compared verbatim: a name that differs only by URL-encoding is another model.
    name: text("name").primaryKey(),
    creationTime: integer("creation_time").notNull(),
    lastUpdatedTime: integer("last_updated_time").notNull(),
    description: text("description"),
    // The highest version number ever given. New versions count on from it, so a deleted
    // version's number is never reused (MLflow keeps deleted versions as hidden rows and takes
    // max + 1; a counter gives the same numbers without tombstones).
    lastVersion: integer("last_version").notNull().default(0),
  },
  (t) => [
    index("registered_models_last_updated").on(t.lastUpdatedTime),
    index("registered_models_creation").on(t.creationTime),
  ],
);

export const registeredModelTags = sqliteTable(
  "registered_model_tags",
  {
    name: text("name")
      .notNull()
      .references(() => registeredModels.name, { onDelete: "cascade", onUpdate: "cascade" }),
    key: text("key").notNull(),
    value: text("value"),
  },
  (t) => [
    primaryKey({ columns: [t.name, t.key] }),
    index("registered_model_tags_key_value").on(t.key, t.value),
  ],
);

export const modelVersions = sqliteTable(
  "model_versions",
  {
    name: text("name")
      .notNull()
      .references(() => registeredModels.name, { onDelete: "cascade", onUpdate: "cascade" }),
    version: integer("version").notNull(),
    creationTime: integer("creation_time").notNull(),
    lastUpdatedTime: integer("last_updated_time").notNull(),
    description: text("description"),
    userId: text("user_id"),
    currentStage: text("current_stage", { enum: modelVersionStages }).notNull().default("None"),
    /** The source as the client gave it (e.g. runs:/<run_id>/model). */
    source: text("source").notNull(),
    /** Where the artifacts are, resolved once at creation (a runs:/ source needs the run). */
    storageLocation: text("storage_location").notNull(),
    runId: text("run_id"),
    /** The MLflow 3 logged model this version was registered from (models:/<model_id>). */
    modelId: text("model_id"),
    runLink: text("run_link"),
    status: text("status", { enum: modelVersionStatuses }).notNull().default("READY"),
    statusMessage: text("status_message"),
  },
  (t) => [
    primaryKey({ columns: [t.name, t.version] }),
    // search_model_versions' default order is last_updated_timestamp DESC, name, version DESC.
    index("model_versions_last_updated").on(t.lastUpdatedTime, t.name, t.version),
    index("model_versions_run_id").on(t.runId),
  ],
);

export const modelVersionTags = sqliteTable(
  "model_version_tags",
  {
    name: text("name").notNull(),
    version: integer("version").notNull(),
    key: text("key").notNull(),
    value: text("value"),
  },
  (t) => [
    primaryKey({ columns: [t.name, t.version, t.key] }),
    foreignKey({
      name: "model_version_tags_version_fk",
      columns: [t.name, t.version],
      foreignColumns: [modelVersions.name, modelVersions.version],
    })
      .onDelete("cascade")
      .onUpdate("cascade"),
    index("model_version_tags_key_value").on(t.key, t.value),
  ],
);

/**
 * An alias names one version of a model. It references the version itself, so deleting the
 * version deletes its aliases, and a rename carries them (through the version's own cascade).
 */
export const registeredModelAliases = sqliteTable(
  "registered_model_aliases",
  {
    name: text("name").notNull(),
    alias: text("alias").notNull(),
    version: integer("version").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.name, t.alias] }),
    foreignKey({
      name: "registered_model_aliases_version_fk",
      columns: [t.name, t.version],
      foreignColumns: [modelVersions.name, modelVersions.version],
    })
      .onDelete("cascade")
      .onUpdate("cascade"),
    index("registered_model_aliases_version").on(t.name, t.version),
  ],
);

export type RegisteredModelRow = typeof registeredModels.$inferSelect;
export type RegisteredModelTagRow = typeof registeredModelTags.$inferSelect;
export type ModelVersionRow = typeof modelVersions.$inferSelect;
export type ModelVersionTagRow = typeof modelVersionTags.$inferSelect;
export type RegisteredModelAliasRow = typeof registeredModelAliases.$inferSelect;
