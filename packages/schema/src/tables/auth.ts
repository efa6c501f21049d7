import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { gatewayPermissionNames, permissionNames } from "../enums";
import { experiments } from "./experiments";
import { gatewayEndpoints, gatewayModelDefinitions, gatewaySecrets } from "./gateway";
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
 * MLflow 3.11's permissions on the AI gateway's secrets, model definitions and endpoints (its
 * gateway_*_permissions tables), which also take USE. Each goes with its resource or its user.
 */
export const gatewaySecretPermissions = sqliteTable(
  "gateway_secret_permissions",
  {
    secretId: text("secret_id")
      .notNull()
      .references(() => gatewaySecrets.secretId, { onDelete: "cascade" }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    permission: text("permission", { enum: gatewayPermissionNames }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.secretId] }),
    index("gateway_secret_permissions_secret").on(t.secretId),
  ],
);

export const gatewayModelDefinitionPermissions = sqliteTable(
  "gateway_model_definition_permissions",
  {
    modelDefinitionId: text("model_definition_id")
      .notNull()
      .references(() => gatewayModelDefinitions.modelDefinitionId, { onDelete: "cascade" }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    permission: text("permission", { enum: gatewayPermissionNames }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.modelDefinitionId] }),
    index("gateway_model_definition_permissions_definition").on(t.modelDefinitionId),
  ],
);

export const gatewayEndpointPermissions = sqliteTable(
  "gateway_endpoint_permissions",
  {
    endpointId: text("endpoint_id")
      .notNull()
      .references(() => gatewayEndpoints.endpointId, { onDelete: "cascade" }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    permission: text("permission", { enum: gatewayPermissionNames }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.endpointId] }),
    index("gateway_endpoint_permissions_endpoint").on(t.endpointId),
  ],
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
