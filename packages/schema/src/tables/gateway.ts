import { sql } from "drizzle-orm";
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/**
 * MLflow 3's AI gateway (mlflow/store/tracking/gateway, 3.11): provider credentials (secrets),
 * model definitions naming a provider's model with the secret to call it with, and endpoints that
 * route a request to their models by weight, with fallbacks in order. Ids are MLflow's:
 * `s-`, `d-`, `e-`, `m-` + 32 hex.
 */

export const gatewaySecrets = sqliteTable("gateway_secrets", {
  secretId: text("secret_id").primaryKey(),
  secretName: text("secret_name").notNull().unique(),
  /** base64 of the AES-GCM nonce and ciphertext of the value map's JSON (packages/core gateway/secret-box.ts). */
  encryptedValue: text("encrypted_value").notNull(),
  /** JSON map key → masked value ("sk-...wxyz"): all any API returns. */
  maskedValues: text("masked_values").notNull(),
  provider: text("provider"),
  /** JSON map of non-secret settings (a base URL, an API version). */
  authConfig: text("auth_config"),
  createdAt: integer("created_at").notNull(),
  lastUpdatedAt: integer("last_updated_at").notNull(),
  createdBy: text("created_by"),
  lastUpdatedBy: text("last_updated_by"),
});

export const gatewayModelDefinitions = sqliteTable(
  "gateway_model_definitions",
  {
    modelDefinitionId: text("model_definition_id").primaryKey(),
    name: text("name").notNull().unique(),
    /** Kept (null) when its secret is deleted, as MLflow does: such a model is skipped when routing. */
    secretId: text("secret_id").references(() => gatewaySecrets.secretId, { onDelete: "set null" }),
    provider: text("provider").notNull(),
    modelName: text("model_name").notNull(),
    createdAt: integer("created_at").notNull(),
    lastUpdatedAt: integer("last_updated_at").notNull(),
    createdBy: text("created_by"),
    lastUpdatedBy: text("last_updated_by"),
  },
  (t) => [index("gateway_model_definitions_secret").on(t.secretId)],
);

export const gatewayEndpoints = sqliteTable("gateway_endpoints", {
  endpointId: text("endpoint_id").primaryKey(),
  name: text("name").notNull().unique(),
  routingStrategy: text("routing_strategy"),
  /** JSON {"strategy", "max_attempts"}. */
  fallbackConfig: text("fallback_config"),
  experimentId: integer("experiment_id"),
  usageTracking: integer("usage_tracking", { mode: "boolean" }).notNull().default(sql`0`),
  createdAt: integer("created_at").notNull(),
  lastUpdatedAt: integer("last_updated_at").notNull(),
  createdBy: text("created_by"),
  lastUpdatedBy: text("last_updated_by"),
});

export const gatewayEndpointModels = sqliteTable(
  "gateway_endpoint_models",
  {
    mappingId: text("mapping_id").primaryKey(),
    endpointId: text("endpoint_id")
      .notNull()
      .references(() => gatewayEndpoints.endpointId, { onDelete: "cascade" }),
    modelDefinitionId: text("model_definition_id")
      .notNull()
      .references(() => gatewayModelDefinitions.modelDefinitionId),
    weight: real("weight").notNull().default(1),
    linkageType: text("linkage_type", { enum: ["PRIMARY", "FALLBACK"] })
      .notNull()
      .default("PRIMARY"),
    fallbackOrder: integer("fallback_order"),
    createdAt: integer("created_at").notNull(),
    createdBy: text("created_by"),
  },
  (t) => [
    uniqueIndex("gateway_endpoint_models_link").on(t.endpointId, t.modelDefinitionId, t.linkageType),
    index("gateway_endpoint_models_definition").on(t.modelDefinitionId),
  ],
);

export const gatewayEndpointTags = sqliteTable(
  "gateway_endpoint_tags",
  {
    endpointId: text("endpoint_id")
      .notNull()
      .references(() => gatewayEndpoints.endpointId, { onDelete: "cascade" }),
    key: text("key").notNull(),
    value: text("value").notNull(),
  },
  (t) => [primaryKey({ columns: [t.endpointId, t.key] })],
);

/**
 * Calls per endpoint per fixed window, for endpoints with a `limit` tag (MLflow 2.x's
 * `limit: {calls, renewal_period}`): one upsert per call, shared by every isolate.
 */
export const gatewayRateWindows = sqliteTable(
  "gateway_rate_windows",
  {
    endpointId: text("endpoint_id")
      .notNull()
      .references(() => gatewayEndpoints.endpointId, { onDelete: "cascade" }),
    windowStart: integer("window_start").notNull(),
    calls: integer("calls").notNull(),
  },
  (t) => [primaryKey({ columns: [t.endpointId, t.windowStart] })],
);

/**
 * Which MLflow resources (MLflow 3.11: scorers) use which endpoint, keyed by (endpoint_id,
 * resource_type, resource_id) as MLflow's `endpoint_bindings`; they go with their endpoint.
 */
export const gatewayEndpointBindings = sqliteTable(
  "gateway_endpoint_bindings",
  {
    endpointId: text("endpoint_id")
      .notNull()
      .references(() => gatewayEndpoints.endpointId, { onDelete: "cascade" }),
    resourceType: text("resource_type").notNull(),
    resourceId: text("resource_id").notNull(),
    createdAt: integer("created_at").notNull(),
    lastUpdatedAt: integer("last_updated_at").notNull(),
    createdBy: text("created_by"),
    lastUpdatedBy: text("last_updated_by"),
    displayName: text("display_name"),
  },
  (t) => [primaryKey({ columns: [t.endpointId, t.resourceType, t.resourceId] })],
);

/**
 * MLflow 3.11's budget policies (`budget_policies`): a USD amount per fixed window of
 * `duration_value` `duration_unit`s, whose spend REJECTs calls (429) or only ALERTs once reached.
 * Ids are `bp-` + 32 hex.
 */
export const gatewayBudgetPolicies = sqliteTable("gateway_budget_policies", {
  budgetPolicyId: text("budget_policy_id").primaryKey(),
  budgetUnit: text("budget_unit").notNull(),
  budgetAmount: real("budget_amount").notNull(),
  durationUnit: text("duration_unit").notNull(),
  durationValue: integer("duration_value").notNull(),
  targetScope: text("target_scope").notNull(),
  budgetAction: text("budget_action").notNull(),
  createdAt: integer("created_at").notNull(),
  lastUpdatedAt: integer("last_updated_at").notNull(),
  createdBy: text("created_by"),
  lastUpdatedBy: text("last_updated_by"),
});

/**
 * Spend per budget policy per window (MLflow keeps it in its tracker's memory and rebuilds it
 * from traces' costs): one upsert per priced call, shared by every isolate.
 */
export const gatewayBudgetWindows = sqliteTable(
  "gateway_budget_windows",
  {
    budgetPolicyId: text("budget_policy_id")
      .notNull()
      .references(() => gatewayBudgetPolicies.budgetPolicyId, { onDelete: "cascade" }),
    windowStart: integer("window_start").notNull(),
    spend: real("spend").notNull(),
  },
  (t) => [primaryKey({ columns: [t.budgetPolicyId, t.windowStart] })],
);
