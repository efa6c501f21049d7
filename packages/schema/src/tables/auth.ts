import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { permissionNames } from "../enums";
import { experiments } from "./experiments";
import { registeredModels } from "./registry";

/**
 * Users, their permissions on experiments and registered models (MLflow's basic-auth model), API
 * tokens, and which registered models the inference worker serves without credentials.
 *
 * Unlike MLflow's auth database, which lives apart from the tracking store, these tables sit
 * beside the resources they protect, so a permission references its experiment or model: a
 * model rename carries its permissions along (ON UPDATE CASCADE) and deleting a model takes its
 * permissions with it, where MLflow 2.12.2 leaves them behind for the next model of that name.
 */

export const users = sqliteTable("users", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  username: text("username").notNull().unique(),
  /** `pbkdf2-sha256$<iterations>$<salt>$<hash>` (base64): see packages/core/src/auth/password.ts. */
  passwordHash: text("password_hash").notNull(),
  isAdmin: integer("is_admin", { mode: "boolean" }).notNull().default(false),
  creationTime: integer("creation_time").notNull(),
});

export const experimentPermissions = sqliteTable(
  "experiment_permissions",
  {
    experimentId: integer("experiment_id")
      .notNull()
      .references(() => experiments.experimentId, { onDelete: "cascade" }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    permission: text("permission", { enum: permissionNames }).notNull(),
  },
  // (user, experiment) first: every check and every search filter looks up one user's rows.
  (t) => [
    primaryKey({ columns: [t.userId, t.experimentId] }),
    index("experiment_permissions_experiment").on(t.experimentId),
  ],
);

export const registeredModelPermissions = sqliteTable(
  "registered_model_permissions",
  {
    name: text("name")
      .notNull()
      .references(() => registeredModels.name, { onDelete: "cascade", onUpdate: "cascade" }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    permission: text("permission", { enum: permissionNames }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.name] }), index("registered_model_permissions_name").on(t.name)],
);

/**
 * API tokens (Bearer). Only the SHA-256 of a token is kept: the token itself is shown once, at
 * creation. A token is 256 random bits, so a fast hash is enough (no salt or stretching needed).
 */
export const apiTokens = sqliteTable(
  "api_tokens",
  {
    /** Public id, used to list and revoke a token without knowing it. */
    id: text("id").primaryKey(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    name: text("name").notNull().default(""),
    tokenHash: text("token_hash").notNull().unique(),
    creationTime: integer("creation_time").notNull(),
    expirationTime: integer("expiration_time").notNull(),
  },
  (t) => [index("api_tokens_user").on(t.userId)],
);

/** Registered models anyone may call through the inference worker; every other model is private. */
export const publicRegisteredModels = sqliteTable("public_registered_models", {
  name: text("name")
    .primaryKey()
    .references(() => registeredModels.name, { onDelete: "cascade", onUpdate: "cascade" }),
  sinceTime: integer("since_time").notNull(),
});

export type UserRow = typeof users.$inferSelect;
export type ExperimentPermissionRow = typeof experimentPermissions.$inferSelect;
export type RegisteredModelPermissionRow = typeof registeredModelPermissions.$inferSelect;
export type ApiTokenRow = typeof apiTokens.$inferSelect;
