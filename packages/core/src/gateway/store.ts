import type * as wire from "@edgeflow/schema";
import {
  experiments,
  type GatewayEndpointWire,
  type GatewayModelDefinitionWire,
  type GatewaySecretInfoWire,
  gatewayEndpointModels,
  gatewayEndpoints,
  gatewayEndpointTags,
  gatewayModelDefinitions,
  gatewaySecrets,
  type Infer,
  MlflowError,
} from "@edgeflow/schema";
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { TrackingContext } from "../context";
import { databaseErrorText, runAtomically } from "../db";
import { newUuid } from "../names";
import { createExperiment } from "../tracking/experiments";
import { LIMIT_TAG, parseCallLimit } from "./limits";
import { keyMissing, maskSecretValue, type SecretBox } from "./secret-box";

/**
 * MLflow 3's gateway store (mlflow/store/tracking/gateway/sqlalchemy_mixin.py, 3.11.1) over D1:
 * the same ids, messages and errors. Each write is one statement or one D1 batch.
 */

type SecretRow = typeof gatewaySecrets.$inferSelect;
type DefinitionRow = typeof gatewayModelDefinitions.$inferSelect;
type EndpointRow = typeof gatewayEndpoints.$inferSelect;
type MappingRow = typeof gatewayEndpointModels.$inferSelect;
type ModelConfig = Infer<typeof wire.GatewayEndpointModelConfig.spec>;

const ENDPOINT_NAME = /^[a-zA-Z0-9_\-.]+$/;

const notFound = (entity: string, key: string, value: string) =>
  MlflowError.notFound(`${entity} not found (${key}='${value}')`);
const isDuplicate = (error: unknown, column: string) =>
  new RegExp(`UNIQUE constraint failed: ${column}`).test(databaseErrorText(error));
const jsonMap = (text: string | null): Record<string, string> => (text ? JSON.parse(text) : {});
const orEmpty = (value: string | null) => value ?? "";

function requireBox(box: SecretBox | undefined): SecretBox {
  if (!box) throw keyMissing();
  return box;
}

// --- secrets --------------------------------------------------------------------------------

function secretToWire(row: SecretRow): GatewaySecretInfoWire {
  return {
    secret_id: row.secretId,
    secret_name: row.secretName,
    masked_values: jsonMap(row.maskedValues),
    created_at: row.createdAt,
    last_updated_at: row.lastUpdatedAt,
    provider: row.provider ?? undefined,
    created_by: orEmpty(row.createdBy),
    last_updated_by: orEmpty(row.lastUpdatedBy),
    auth_config: jsonMap(row.authConfig),
  };
}

const masked = (value: Record<string, string>) =>
  JSON.stringify(Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskSecretValue(v)])));

const boundTo = (id: string, name: string) => `${id}|${name}`;

async function secretRow(ctx: TrackingContext, secretId: string): Promise<SecretRow> {
  const row = await ctx.db.select().from(gatewaySecrets).where(eq(gatewaySecrets.secretId, secretId)).get();
  if (!row) throw notFound("GatewaySecret", "secret_id", secretId);
  return row;
}

export async function createGatewaySecret(
  ctx: TrackingContext,
  box: SecretBox | undefined,
  input: Infer<typeof wire.CreateGatewaySecret.spec>,
): Promise<GatewaySecretInfoWire> {
  const sealer = requireBox(box);
  const secretId = `s-${newUuid()}`;
  const value = input.secret_value ?? {};
  const now = ctx.now();
  const row: SecretRow = {
    secretId,
    secretName: input.secret_name,
    encryptedValue: await sealer.seal(JSON.stringify(value), boundTo(secretId, input.secret_name)),
    maskedValues: masked(value),
    provider: input.provider ?? null,
    authConfig: input.auth_config ? JSON.stringify(input.auth_config) : null,
    createdAt: now,
    lastUpdatedAt: now,
    createdBy: input.created_by ?? null,
    lastUpdatedBy: input.created_by ?? null,
  };
  try {
    await ctx.db.insert(gatewaySecrets).values(row);
  } catch (error) {
    if (isDuplicate(error, "gateway_secrets.secret_name")) {
      throw MlflowError.alreadyExists(`Secret with name '${input.secret_name}' already exists`);
    }
    throw error;
  }
  return secretToWire(row);
}

export async function getGatewaySecretInfo(
  ctx: TrackingContext,
  secretId: string,
): Promise<GatewaySecretInfoWire> {
  return secretToWire(await secretRow(ctx, secretId));
}

/** An empty or absent value map leaves the value as it is (MLflow's rule); so does an absent auth_config. */
export async function updateGatewaySecret(
  ctx: TrackingContext,
  box: SecretBox | undefined,
  input: Infer<typeof wire.UpdateGatewaySecret.spec>,
): Promise<GatewaySecretInfoWire> {
  const row = await secretRow(ctx, input.secret_id);
  const value =
    input.secret_value && Object.keys(input.secret_value).length > 0 ? input.secret_value : undefined;
  const next: SecretRow = {
    ...row,
    ...(value
      ? {
          encryptedValue: await requireBox(box).seal(
            JSON.stringify(value),
            boundTo(row.secretId, row.secretName),
          ),
          maskedValues: masked(value),
        }
      : {}),
    ...(input.auth_config && Object.keys(input.auth_config).length > 0
      ? { authConfig: JSON.stringify(input.auth_config) }
      : {}),
    lastUpdatedAt: ctx.now(),
    lastUpdatedBy: input.updated_by ?? row.lastUpdatedBy,
  };
  await ctx.db.update(gatewaySecrets).set(next).where(eq(gatewaySecrets.secretId, row.secretId));
  return secretToWire(next);
}

/** Model definitions using it stay, without a secret (MLflow's ON DELETE SET NULL). */
export async function deleteGatewaySecret(ctx: TrackingContext, secretId: string): Promise<void> {
  const gone = await ctx.db
    .delete(gatewaySecrets)
    .where(eq(gatewaySecrets.secretId, secretId))
    .returning({ id: gatewaySecrets.secretId });
  if (gone.length === 0) throw notFound("GatewaySecret", "secret_id", secretId);
}

export async function listGatewaySecretInfos(
  ctx: TrackingContext,
  provider: string | undefined,
): Promise<GatewaySecretInfoWire[]> {
  const rows = await ctx.db
    .select()
    .from(gatewaySecrets)
    .where(provider ? eq(gatewaySecrets.provider, provider) : undefined)
    .orderBy(asc(gatewaySecrets.createdAt), asc(gatewaySecrets.secretId));
  return rows.map(secretToWire);
}

/** The decrypted value map of a secret: for calling a provider, never for an answer. */
export async function openGatewaySecret(
  ctx: TrackingContext,
  box: SecretBox | undefined,
  secretId: string,
): Promise<{ value: Record<string, string>; authConfig: Record<string, string> }> {
  const row = await secretRow(ctx, secretId);
  const plain = await requireBox(box).open(row.encryptedValue, boundTo(row.secretId, row.secretName));
  return { value: JSON.parse(plain), authConfig: jsonMap(row.authConfig) };
}

// --- model definitions ----------------------------------------------------------------------

const definitionColumns = {
  definition: gatewayModelDefinitions,
  secretName: gatewaySecrets.secretName,
};

function definitionToWire(row: DefinitionRow, secretName: string | null): GatewayModelDefinitionWire {
  return {
    model_definition_id: row.modelDefinitionId,
    name: row.name,
    secret_id: row.secretId ?? undefined,
    secret_name: secretName ?? undefined,
    provider: row.provider,
    model_name: row.modelName,
    created_at: row.createdAt,
    last_updated_at: row.lastUpdatedAt,
    created_by: orEmpty(row.createdBy),
    last_updated_by: orEmpty(row.lastUpdatedBy),
  };
}

function definitionsQuery(ctx: TrackingContext) {
  return ctx.db
    .select(definitionColumns)
    .from(gatewayModelDefinitions)
    .leftJoin(gatewaySecrets, eq(gatewaySecrets.secretId, gatewayModelDefinitions.secretId));
}

async function definitionRow(ctx: TrackingContext, id: string) {
  const row = await definitionsQuery(ctx).where(eq(gatewayModelDefinitions.modelDefinitionId, id)).get();
  if (!row) throw notFound("GatewayModelDefinition", "model_definition_id", id);
  return row;
}

function duplicateDefinition(error: unknown, name: string | undefined): never {
  if (isDuplicate(error, "gateway_model_definitions.name")) {
    throw MlflowError.alreadyExists(`Model definition with name '${name}' already exists`);
  }
  throw error;
}

export async function createGatewayModelDefinition(
  ctx: TrackingContext,
  input: Infer<typeof wire.CreateGatewayModelDefinition.spec>,
): Promise<GatewayModelDefinitionWire> {
  const secret = await secretRow(ctx, input.secret_id);
  const now = ctx.now();
  const row: DefinitionRow = {
    modelDefinitionId: `d-${newUuid()}`,
    name: input.name,
    secretId: secret.secretId,
    provider: input.provider,
    modelName: input.model_name,
    createdAt: now,
    lastUpdatedAt: now,
    createdBy: input.created_by ?? null,
    lastUpdatedBy: input.created_by ?? null,
  };
  try {
    await ctx.db.insert(gatewayModelDefinitions).values(row);
  } catch (error) {
    duplicateDefinition(error, input.name);
  }
  return definitionToWire(row, secret.secretName);
}

export async function getGatewayModelDefinition(
  ctx: TrackingContext,
  id: string,
): Promise<GatewayModelDefinitionWire> {
  const { definition, secretName } = await definitionRow(ctx, id);
  return definitionToWire(definition, secretName);
}

export async function listGatewayModelDefinitions(
  ctx: TrackingContext,
  filter: { provider?: string; secret_id?: string },
): Promise<GatewayModelDefinitionWire[]> {
  const rows = await definitionsQuery(ctx)
    .where(
      and(
        filter.provider ? eq(gatewayModelDefinitions.provider, filter.provider) : undefined,
        filter.secret_id ? eq(gatewayModelDefinitions.secretId, filter.secret_id) : undefined,
      ),
    )
    .orderBy(asc(gatewayModelDefinitions.createdAt), asc(gatewayModelDefinitions.modelDefinitionId));
  return rows.map((r) => definitionToWire(r.definition, r.secretName));
}

export async function updateGatewayModelDefinition(
  ctx: TrackingContext,
  input: Infer<typeof wire.UpdateGatewayModelDefinition.spec>,
): Promise<GatewayModelDefinitionWire> {
  const { definition } = await definitionRow(ctx, input.model_definition_id);
  const secret = input.secret_id ? await secretRow(ctx, input.secret_id) : undefined;
  const next: DefinitionRow = {
    ...definition,
    name: input.name || definition.name,
    secretId: secret?.secretId ?? definition.secretId,
    provider: input.provider || definition.provider,
    modelName: input.model_name || definition.modelName,
    lastUpdatedAt: ctx.now(),
    lastUpdatedBy: input.updated_by ?? definition.lastUpdatedBy,
  };
  try {
    await ctx.db
      .update(gatewayModelDefinitions)
      .set(next)
      .where(eq(gatewayModelDefinitions.modelDefinitionId, definition.modelDefinitionId));
  } catch (error) {
    duplicateDefinition(error, input.name);
  }
  return getGatewayModelDefinition(ctx, definition.modelDefinitionId);
}

export async function deleteGatewayModelDefinition(ctx: TrackingContext, id: string): Promise<void> {
  await definitionRow(ctx, id);
  const used = await ctx.db
    .select({ id: gatewayEndpointModels.mappingId })
    .from(gatewayEndpointModels)
    .where(eq(gatewayEndpointModels.modelDefinitionId, id))
    .limit(1)
    .get();
  if (used) {
    throw new MlflowError(
      "INVALID_STATE",
      "Cannot delete model definition that is currently in use by endpoints. Detach it from all endpoints first.",
    );
  }
  await ctx.db.delete(gatewayModelDefinitions).where(eq(gatewayModelDefinitions.modelDefinitionId, id));
}

// --- endpoints ------------------------------------------------------------------------------

function validateEndpointName(name: string): void {
  if (!ENDPOINT_NAME.test(name)) {
    throw MlflowError.invalidParameter(
      `Invalid endpoint name '${name}'. Name can only contain letters, numbers, underscores, hyphens, and dots.`,
    );
  }
}

/** The mapping rows for model configs, every definition checked to exist first. */
async function mappingRows(
  ctx: TrackingContext,
  endpointId: string,
  configs: ModelConfig[],
  createdBy: string | null,
): Promise<MappingRow[]> {
  const ids = configs.map((c) => c.model_definition_id ?? "");
  const found = new Set(
    ids.length === 0
      ? []
      : (
          await ctx.db
            .select({ id: gatewayModelDefinitions.modelDefinitionId })
            .from(gatewayModelDefinitions)
            .where(inArray(gatewayModelDefinitions.modelDefinitionId, ids))
        ).map((r) => r.id),
  );
  const missing = [...new Set(ids.filter((id) => !found.has(id)))];
  if (missing.length > 0) throw MlflowError.notFound(`Model definitions not found: ${missing.join(", ")}`);
  const now = ctx.now();
  return configs.map((config) => {
    const linkageType = config.linkage_type === "FALLBACK" ? "FALLBACK" : "PRIMARY";
    return {
      mappingId: `m-${newUuid()}`,
      endpointId,
      modelDefinitionId: config.model_definition_id ?? "",
      weight: config.weight ?? 1,
      linkageType,
      fallbackOrder: linkageType === "FALLBACK" ? (config.fallback_order ?? null) : null,
      createdAt: now,
      createdBy,
    };
  });
}

function duplicateEndpoint(error: unknown, name: string | undefined): never {
  if (isDuplicate(error, "gateway_endpoints.name")) {
    throw new MlflowError("RESOURCE_ALREADY_EXISTS", `Endpoint with name '${name}' already exists`);
  }
  if (isDuplicate(error, "gateway_endpoint_models")) {
    throw MlflowError.alreadyExists(
      "The same model definition is attached twice with the same linkage type.",
    );
  }
  throw error;
}

const fallbackJson = (config: Infer<typeof wire.FallbackConfig.spec> | undefined) =>
  config
    ? JSON.stringify({ strategy: config.strategy ?? null, max_attempts: config.max_attempts ?? null })
    : null;

const experimentIdOf = (text: string | undefined): number | null => {
  if (text === undefined || text === "") return null;
  if (!/^\d+$/.test(text)) throw MlflowError.invalidParameter(`Invalid experiment_id '${text}'.`);
  return Number(text);
};

/** MLflow's experiment tags for a gateway endpoint's traces (mlflow/utils/mlflow_tags.py). */
const gatewayExperimentTags = (endpointId: string) => [
  { key: "mlflow.experiment.sourceType", value: "GATEWAY" },
  { key: "mlflow.experiment.sourceId", value: endpointId },
  { key: "mlflow.experiment.isGateway", value: "true" },
];

/**
 * Where an endpoint with usage tracking on logs its traces when no experiment was named:
 * `gateway/<name>`, created if missing, as MLflow 3.11's _get_or_create_experiment_id.
 */
async function trackingExperiment(ctx: TrackingContext, endpointName: string, endpointId: string) {
  const name = `gateway/${endpointName}`;
  const found = await ctx.db
    .select({ id: experiments.experimentId })
    .from(experiments)
    .where(eq(experiments.name, name))
    .get();
  if (found) return found.id;
  try {
    return Number(await createExperiment(ctx, { name, tags: gatewayExperimentTags(endpointId) }));
  } catch (error) {
    // Another request created it first.
    const again = await ctx.db
      .select({ id: experiments.experimentId })
      .from(experiments)
      .where(eq(experiments.name, name))
      .get();
    if (again) return again.id;
    throw error;
  }
}

export async function createGatewayEndpoint(
  ctx: TrackingContext,
  input: Infer<typeof wire.CreateGatewayEndpoint.spec>,
): Promise<GatewayEndpointWire> {
  validateEndpointName(input.name);
  if (input.model_configs.length === 0) {
    throw MlflowError.invalidParameter("Endpoint must have at least one model configuration");
  }
  const endpointId = `e-${newUuid()}`;
  const createdBy = input.created_by ?? null;
  const mappings = await mappingRows(ctx, endpointId, input.model_configs, createdBy);
  // On unless turned off, as MLflow 3.11's handler has it; then its experiment, made if not named.
  const usageTracking = input.usage_tracking ?? true;
  let experimentId = experimentIdOf(input.experiment_id);
  if (usageTracking && experimentId === null) {
    const taken = await ctx.db
      .select({ id: gatewayEndpoints.endpointId })
      .from(gatewayEndpoints)
      .where(eq(gatewayEndpoints.name, input.name))
      .get();
    if (taken)
      throw new MlflowError("RESOURCE_ALREADY_EXISTS", `Endpoint with name '${input.name}' already exists`);
    experimentId = await trackingExperiment(ctx, input.name, endpointId);
  }
  const now = ctx.now();
  const row: EndpointRow = {
    endpointId,
    name: input.name,
    routingStrategy: input.routing_strategy ?? null,
    fallbackConfig: fallbackJson(input.fallback_config),
    experimentId,
    usageTracking,
    createdAt: now,
    lastUpdatedAt: now,
    createdBy,
    lastUpdatedBy: createdBy,
  };
  try {
    await runAtomically(ctx.db, [
      ctx.db.insert(gatewayEndpoints).values(row),
      ...mappings.map((m) => ctx.db.insert(gatewayEndpointModels).values(m)),
    ]);
  } catch (error) {
    duplicateEndpoint(error, input.name);
  }
  return getGatewayEndpoint(ctx, { endpoint_id: endpointId });
}

async function endpointRow(
  ctx: TrackingContext,
  ref: { endpoint_id?: string; name?: string },
): Promise<EndpointRow> {
  if (Boolean(ref.endpoint_id) === Boolean(ref.name)) {
    throw MlflowError.invalidParameter("Exactly one of endpoint_id or name must be provided");
  }
  const row = await ctx.db
    .select()
    .from(gatewayEndpoints)
    .where(
      ref.endpoint_id
        ? eq(gatewayEndpoints.endpointId, ref.endpoint_id)
        : eq(gatewayEndpoints.name, ref.name ?? ""),
    )
    .get();
  if (!row) {
    throw ref.endpoint_id
      ? notFound("GatewayEndpoint", "endpoint_id", ref.endpoint_id)
      : notFound("GatewayEndpoint", "name", ref.name ?? "");
  }
  return row;
}

/**
 * Endpoints with their mappings (each with its definition, in the order they were attached) and
 * tags. Two queries side by side, not one D1 batch: drizzle maps a batched join's columns by
 * position and mixes up the tables' same-named ones (created_at).
 */
async function endpointsToWire(ctx: TrackingContext, rows: EndpointRow[]): Promise<GatewayEndpointWire[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.endpointId);
  const [mappings, tags] = await Promise.all([
    ctx.db
      .select({ mapping: gatewayEndpointModels, ...definitionColumns })
      .from(gatewayEndpointModels)
      .innerJoin(
        gatewayModelDefinitions,
        eq(gatewayModelDefinitions.modelDefinitionId, gatewayEndpointModels.modelDefinitionId),
      )
      .leftJoin(gatewaySecrets, eq(gatewaySecrets.secretId, gatewayModelDefinitions.secretId))
      .where(inArray(gatewayEndpointModels.endpointId, ids))
      .orderBy(sql`${gatewayEndpointModels}.rowid`),
    ctx.db
      .select()
      .from(gatewayEndpointTags)
      .where(inArray(gatewayEndpointTags.endpointId, ids))
      .orderBy(asc(gatewayEndpointTags.key)),
  ]);
  return rows.map((row) => {
    const fallback = row.fallbackConfig ? JSON.parse(row.fallbackConfig) : undefined;
    return {
      endpoint_id: row.endpointId,
      name: row.name,
      created_at: row.createdAt,
      last_updated_at: row.lastUpdatedAt,
      model_mappings: mappings
        .filter((m) => m.mapping.endpointId === row.endpointId)
        .map(({ mapping, definition, secretName }) => ({
          mapping_id: mapping.mappingId,
          endpoint_id: mapping.endpointId,
          model_definition_id: mapping.modelDefinitionId,
          model_definition: definitionToWire(definition, secretName),
          weight: mapping.weight,
          created_at: mapping.createdAt,
          created_by: mapping.createdBy ?? undefined,
          linkage_type: mapping.linkageType,
          fallback_order: mapping.fallbackOrder ?? undefined,
        })),
      created_by: orEmpty(row.createdBy),
      last_updated_by: orEmpty(row.lastUpdatedBy),
      tags: tags.filter((t) => t.endpointId === row.endpointId).map(({ key, value }) => ({ key, value })),
      routing_strategy: (row.routingStrategy ?? undefined) as GatewayEndpointWire["routing_strategy"],
      fallback_config: fallback
        ? { strategy: fallback.strategy ?? undefined, max_attempts: fallback.max_attempts ?? undefined }
        : undefined,
      experiment_id: row.experimentId === null ? undefined : String(row.experimentId),
      usage_tracking: row.usageTracking,
    };
  });
}

export async function getGatewayEndpoint(
  ctx: TrackingContext,
  ref: { endpoint_id?: string; name?: string },
): Promise<GatewayEndpointWire> {
  const [endpoint] = await endpointsToWire(ctx, [await endpointRow(ctx, ref)]);
  return endpoint as GatewayEndpointWire;
}

/** Like MLflow's, the list leaves out endpoints without models; `provider` keeps those with one of its models. */
export async function listGatewayEndpoints(
  ctx: TrackingContext,
  provider: string | undefined,
): Promise<GatewayEndpointWire[]> {
  const withModels = ctx.db
    .select({ id: gatewayEndpointModels.endpointId })
    .from(gatewayEndpointModels)
    .innerJoin(
      gatewayModelDefinitions,
      eq(gatewayModelDefinitions.modelDefinitionId, gatewayEndpointModels.modelDefinitionId),
    )
    .where(provider ? eq(gatewayModelDefinitions.provider, provider) : undefined);
  const rows = await ctx.db
    .select()
    .from(gatewayEndpoints)
    .where(inArray(gatewayEndpoints.endpointId, withModels))
    .orderBy(asc(gatewayEndpoints.createdAt), asc(gatewayEndpoints.endpointId));
  return endpointsToWire(ctx, rows);
}

/** Non-empty model_configs replace every mapping, in the same batch as the endpoint's row. */
export async function updateGatewayEndpoint(
  ctx: TrackingContext,
  input: Infer<typeof wire.UpdateGatewayEndpoint.spec>,
): Promise<GatewayEndpointWire> {
  const row = await endpointRow(ctx, { endpoint_id: input.endpoint_id });
  if (input.name) validateEndpointName(input.name);
  const updatedBy = input.updated_by ?? row.lastUpdatedBy;
  const configs = input.model_configs ?? [];
  const mappings = configs.length > 0 ? await mappingRows(ctx, row.endpointId, configs, updatedBy) : [];
  const usageTracking = input.usage_tracking ?? row.usageTracking;
  let experimentId =
    input.experiment_id !== undefined ? experimentIdOf(input.experiment_id) : row.experimentId;
  // Turned on without an experiment: one is made, as on create.
  if (input.usage_tracking && experimentId === null) {
    experimentId = await trackingExperiment(ctx, input.name || row.name, row.endpointId);
  }
  const next: EndpointRow = {
    ...row,
    name: input.name || row.name,
    routingStrategy: input.routing_strategy ?? row.routingStrategy,
    fallbackConfig: input.fallback_config ? fallbackJson(input.fallback_config) : row.fallbackConfig,
    experimentId,
    usageTracking,
    lastUpdatedAt: ctx.now(),
    lastUpdatedBy: updatedBy,
  };
  const statements: BatchItem<"sqlite">[] = [
    ctx.db.update(gatewayEndpoints).set(next).where(eq(gatewayEndpoints.endpointId, row.endpointId)),
  ];
  if (mappings.length > 0) {
    statements.push(
      ctx.db.delete(gatewayEndpointModels).where(eq(gatewayEndpointModels.endpointId, row.endpointId)),
    );
    for (const m of mappings) statements.push(ctx.db.insert(gatewayEndpointModels).values(m));
  }
  try {
    await runAtomically(ctx.db, statements);
  } catch (error) {
    duplicateEndpoint(error, input.name);
  }
  return getGatewayEndpoint(ctx, { endpoint_id: row.endpointId });
}

/** Its mappings and tags go with it (ON DELETE CASCADE). */
export async function deleteGatewayEndpoint(ctx: TrackingContext, endpointId: string): Promise<void> {
  const gone = await ctx.db
    .delete(gatewayEndpoints)
    .where(eq(gatewayEndpoints.endpointId, endpointId))
    .returning({ id: gatewayEndpoints.endpointId });
  if (gone.length === 0) throw notFound("GatewayEndpoint", "endpoint_id", endpointId);
}

export async function attachModelToGatewayEndpoint(
  ctx: TrackingContext,
  input: Infer<typeof wire.AttachModelToGatewayEndpoint.spec>,
): Promise<NonNullable<GatewayEndpointWire["model_mappings"]>[number]> {
  const row = await endpointRow(ctx, { endpoint_id: input.endpoint_id });
  const [mapping] = await mappingRows(ctx, row.endpointId, [input.model_config], input.created_by ?? null);
  const added = mapping as MappingRow;
  try {
    await runAtomically(ctx.db, [
      ctx.db.insert(gatewayEndpointModels).values(added),
      ctx.db
        .update(gatewayEndpoints)
        .set({ lastUpdatedAt: ctx.now(), lastUpdatedBy: input.created_by ?? row.lastUpdatedBy })
        .where(eq(gatewayEndpoints.endpointId, row.endpointId)),
    ]);
  } catch (error) {
    if (isDuplicate(error, "gateway_endpoint_models")) {
      throw MlflowError.alreadyExists(
        `Model definition '${added.modelDefinitionId}' is already attached to endpoint '${row.endpointId}'`,
      );
    }
    throw error;
  }
  const endpoint = await getGatewayEndpoint(ctx, { endpoint_id: row.endpointId });
  return (endpoint.model_mappings ?? []).find((m) => m.mapping_id === added.mappingId) ?? {};
}

export async function detachModelFromGatewayEndpoint(
  ctx: TrackingContext,
  input: Infer<typeof wire.DetachModelFromGatewayEndpoint.spec>,
): Promise<void> {
  const row = await endpointRow(ctx, { endpoint_id: input.endpoint_id });
  const gone = await ctx.db
    .delete(gatewayEndpointModels)
    .where(
      and(
        eq(gatewayEndpointModels.endpointId, row.endpointId),
        eq(gatewayEndpointModels.modelDefinitionId, input.model_definition_id),
      ),
    )
    .returning({ id: gatewayEndpointModels.mappingId });
  if (gone.length === 0) {
    throw MlflowError.notFound(
      `Model definition '${input.model_definition_id}' is not attached to endpoint '${row.endpointId}'`,
    );
  }
}

/** The `limit` tag (limits.ts) must parse: a bad one would otherwise fail every call. */
export async function setGatewayEndpointTag(
  ctx: TrackingContext,
  input: Infer<typeof wire.SetGatewayEndpointTag.spec>,
): Promise<void> {
  if (input.key === LIMIT_TAG) parseCallLimit(input.value ?? "");
  const row = await endpointRow(ctx, { endpoint_id: input.endpoint_id });
  await ctx.db
    .insert(gatewayEndpointTags)
    .values({ endpointId: row.endpointId, key: input.key, value: input.value ?? "" })
    .onConflictDoUpdate({
      target: [gatewayEndpointTags.endpointId, gatewayEndpointTags.key],
      set: { value: sql`excluded.value` },
    });
}

/** Deleting a tag the endpoint does not have is not an error; the endpoint must exist. */
export async function deleteGatewayEndpointTag(
  ctx: TrackingContext,
  input: Infer<typeof wire.DeleteGatewayEndpointTag.spec>,
): Promise<void> {
  const row = await endpointRow(ctx, { endpoint_id: input.endpoint_id });
  await ctx.db
    .delete(gatewayEndpointTags)
    .where(and(eq(gatewayEndpointTags.endpointId, row.endpointId), eq(gatewayEndpointTags.key, input.key)));
}
