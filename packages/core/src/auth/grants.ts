import {
  type ExperimentPermissionWire,
  experimentPermissions,
  experiments,
  type GatewayEndpointPermissionWire,
  type GatewayModelDefinitionPermissionWire,
  type GatewayPermissionName,
  type GatewaySecretPermissionWire,
  gatewayEndpointPermissions,
  gatewayEndpoints,
  gatewayModelDefinitionPermissions,
  gatewayModelDefinitions,
  gatewaySecretPermissions,
  gatewaySecrets,
  MlflowError,
  type PermissionName,
  type RegisteredModelPermissionWire,
  registeredModelPermissions,
} from "@edgeflow/schema";
import { and, eq } from "drizzle-orm";
import type { AnySQLiteColumn, AnySQLiteTable } from "drizzle-orm/sqlite-core";
import { type Database, databaseErrorText } from "../db";
import { experimentIdNumber } from "../experiment-id";
import { validateGatewayPermission, validatePermission } from "./permissions";
import { getUserRow } from "./users";
import { requireModel } from "./visibility";

/**
 * MLflow's experiment, registered-model and (3.11) gateway permission store, with its messages. One difference:
 * a permission names an existing experiment or model (a foreign key, so it follows renames and
 * goes away with its resource); MLflow accepts any id or name.
 */

async function requireExperiment(db: Database, experimentId: string): Promise<number> {
  const id = experimentIdNumber(experimentId);
  const row =
    id === undefined
      ? undefined
      : await db
          .select({ id: experiments.experimentId })
          .from(experiments)
          .where(eq(experiments.experimentId, id))
          .get();
  if (!row) throw MlflowError.notFound(`No Experiment with id=${experimentId} exists`);
  return row.id;
}

const isDuplicate = (error: unknown) => /UNIQUE constraint failed/.test(databaseErrorText(error));

type PermissionTable =
  | typeof experimentPermissions
  | typeof registeredModelPermissions
  | typeof gatewaySecretPermissions
  | typeof gatewayModelDefinitionPermissions
  | typeof gatewayEndpointPermissions;

/**
 * One kind of permission: its table and the column naming the resource, how a request's id (an
 * experiment id, a model name) becomes that column's value, and MLflow's words for both.
 */
interface GrantKind<Key, Wire, Level extends GatewayPermissionName> {
  table: PermissionTable;
  column: AnySQLiteColumn;
  label: string;
  idName: string;
  /** The levels this kind takes: MLflow 2.12.2's four, or 3.11's five (with USE) for the gateway. */
  validate(permission: string): Level;
  /** The stored key of the resource `id` names, or the resource's 404 (creating a permission). */
  existing(db: Database, id: string): Promise<Key>;
  /** The stored key `id` stands for, without a lookup (reading, changing, deleting a permission). */
  keyOf(id: string): Key;
  row(key: Key, userId: number, permission: Level): PermissionTable["$inferInsert"];
  wire(key: Key, userId: number, permission: Level): Wire;
}

/** MLflow's create, get, update and delete of one kind of permission, plus the creator's grant. */
function grantStore<Key, Wire, Level extends GatewayPermissionName>(kind: GrantKind<Key, Wire, Level>) {
  const where = (id: string, userId: number) =>
    and(eq(kind.column, kind.keyOf(id)), eq(kind.table.userId, userId));
  const notFound = (id: string, username: string) =>
    MlflowError.notFound(`${kind.label} with ${kind.idName}=${id} and username=${username} not found`);
  return {
    async create(db: Database, id: string, username: string, permission: string): Promise<Wire> {
      const level = kind.validate(permission);
      const user = await getUserRow(db, username);
      const key = await kind.existing(db, id);
      try {
        await db.insert(kind.table).values(kind.row(key, user.id, level));
      } catch (error) {
        if (!isDuplicate(error)) throw error;
        throw MlflowError.alreadyExists(
          `${kind.label} (${kind.idName}=${id}, username=${username}) already exists.`,
        );
      }
      return kind.wire(key, user.id, level);
    },
    async get(db: Database, id: string, username: string): Promise<Wire> {
      const user = await getUserRow(db, username);
      const row = await db
        .select({ permission: kind.table.permission })
        .from(kind.table)
        .where(where(id, user.id))
        .get();
      if (!row) throw notFound(id, username);
      return kind.wire(kind.keyOf(id), user.id, row.permission as Level);
    },
    async update(db: Database, id: string, username: string, permission: string): Promise<void> {
      const level = kind.validate(permission);
      const user = await getUserRow(db, username);
      const updated = await db
        .update(kind.table)
        .set({ permission: level })
        .where(where(id, user.id))
        .returning({ key: kind.column });
      if (updated.length === 0) throw notFound(id, username);
    },
    async delete(db: Database, id: string, username: string): Promise<void> {
      const user = await getUserRow(db, username);
      const deleted = await db.delete(kind.table).where(where(id, user.id)).returning({ key: kind.column });
      if (deleted.length === 0) throw notFound(id, username);
    },
    /** Sets the permission whether or not one exists (no lookup of the resource). */
    async grant(db: Database, key: Key, userId: number, permission: Level): Promise<void> {
      await db
        .insert(kind.table)
        .values(kind.row(key, userId, permission))
        .onConflictDoUpdate({ target: [kind.table.userId, kind.column], set: { permission } });
    },
  };
}

const experimentGrants = grantStore<number, ExperimentPermissionWire, PermissionName>({
  table: experimentPermissions,
  column: experimentPermissions.experimentId,
  label: "Experiment permission",
  idName: "experiment_id",
  validate: validatePermission,
  existing: requireExperiment,
  keyOf: (id) => experimentIdNumber(id) ?? -1,
  row: (experimentId, userId, permission) => ({ experimentId, userId, permission }),
  wire: (experimentId, userId, permission) => ({
    experiment_id: String(experimentId),
    user_id: userId,
    permission,
  }),
});

const modelGrants = grantStore<string, RegisteredModelPermissionWire, PermissionName>({
  table: registeredModelPermissions,
  column: registeredModelPermissions.name,
  label: "Registered model permission",
  idName: "name",
  validate: validatePermission,
  existing: async (db, name) => {
    await requireModel(db, name);
    return name;
  },
  keyOf: (name) => name,
  row: (name, userId, permission) => ({ name, userId, permission }),
  wire: (name, userId, permission) => ({ name, user_id: userId, permission }),
});

/** A gateway resource by id, or the store's own 404 (packages/core/src/gateway/store.ts's words). */
function gatewayResource(table: AnySQLiteTable, column: AnySQLiteColumn, entity: string, idName: string) {
  return async (db: Database, id: string): Promise<string> => {
    const row = await db.select({ id: column }).from(table).where(eq(column, id)).get();
    if (!row) throw MlflowError.notFound(`${entity} not found (${idName}='${id}')`);
    return id;
  };
}

const gatewaySecretGrants = grantStore<string, GatewaySecretPermissionWire, GatewayPermissionName>({
  table: gatewaySecretPermissions,
  column: gatewaySecretPermissions.secretId,
  label: "Gateway secret permission",
  idName: "secret_id",
  validate: validateGatewayPermission,
  existing: gatewayResource(gatewaySecrets, gatewaySecrets.secretId, "GatewaySecret", "secret_id"),
  keyOf: (id) => id,
  row: (secretId, userId, permission) => ({ secretId, userId, permission }),
  wire: (secretId, userId, permission) => ({ secret_id: secretId, user_id: userId, permission }),
});

const gatewayModelDefinitionGrants = grantStore<
  string,
  GatewayModelDefinitionPermissionWire,
  GatewayPermissionName
>({
  table: gatewayModelDefinitionPermissions,
  column: gatewayModelDefinitionPermissions.modelDefinitionId,
  label: "Gateway model definition permission",
  idName: "model_definition_id",
  validate: validateGatewayPermission,
  existing: gatewayResource(
    gatewayModelDefinitions,
    gatewayModelDefinitions.modelDefinitionId,
    "GatewayModelDefinition",
    "model_definition_id",
  ),
  keyOf: (id) => id,
  row: (modelDefinitionId, userId, permission) => ({ modelDefinitionId, userId, permission }),
  wire: (modelDefinitionId, userId, permission) => ({
    model_definition_id: modelDefinitionId,
    user_id: userId,
    permission,
  }),
});

const gatewayEndpointGrants = grantStore<string, GatewayEndpointPermissionWire, GatewayPermissionName>({
  table: gatewayEndpointPermissions,
  column: gatewayEndpointPermissions.endpointId,
  label: "Gateway endpoint permission",
  idName: "endpoint_id",
  validate: validateGatewayPermission,
  existing: gatewayResource(gatewayEndpoints, gatewayEndpoints.endpointId, "GatewayEndpoint", "endpoint_id"),
  keyOf: (id) => id,
  row: (endpointId, userId, permission) => ({ endpointId, userId, permission }),
  wire: (endpointId, userId, permission) => ({ endpoint_id: endpointId, user_id: userId, permission }),
});

export const {
  create: createGatewaySecretPermission,
  get: getGatewaySecretPermission,
  update: updateGatewaySecretPermission,
  delete: deleteGatewaySecretPermission,
} = gatewaySecretGrants;

export const {
  create: createGatewayModelDefinitionPermission,
  get: getGatewayModelDefinitionPermission,
  update: updateGatewayModelDefinitionPermission,
  delete: deleteGatewayModelDefinitionPermission,
} = gatewayModelDefinitionGrants;

export const {
  create: createGatewayEndpointPermission,
  get: getGatewayEndpointPermission,
  update: updateGatewayEndpointPermission,
  delete: deleteGatewayEndpointPermission,
} = gatewayEndpointGrants;

export const {
  create: createExperimentPermission,
  get: getExperimentPermission,
  update: updateExperimentPermission,
  delete: deleteExperimentPermission,
} = experimentGrants;

export const {
  create: createRegisteredModelPermission,
  get: getRegisteredModelPermission,
  update: updateRegisteredModelPermission,
  delete: deleteRegisteredModelPermission,
} = modelGrants;

/**
 * MLflow's after-request hooks: the creator of an experiment, a model or (3.11) a gateway secret,
 * model definition or endpoint gets MANAGE on it.
 */
export type CreatedResource =
  | { experimentId: string }
  | { modelName: string }
  | { gatewaySecretId: string }
  | { gatewayModelDefinitionId: string }
  | { gatewayEndpointId: string };

export async function grantCreator(
  db: Database,
  userId: number,
  resource: CreatedResource,
  permission: PermissionName = "MANAGE",
): Promise<void> {
  if ("experimentId" in resource)
    await experimentGrants.grant(db, Number(resource.experimentId), userId, permission);
  else if ("modelName" in resource) await modelGrants.grant(db, resource.modelName, userId, permission);
  else if ("gatewaySecretId" in resource)
    await gatewaySecretGrants.grant(db, resource.gatewaySecretId, userId, permission);
  else if ("gatewayModelDefinitionId" in resource)
    await gatewayModelDefinitionGrants.grant(db, resource.gatewayModelDefinitionId, userId, permission);
  else await gatewayEndpointGrants.grant(db, resource.gatewayEndpointId, userId, permission);
}
