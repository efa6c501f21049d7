import {
  type ExperimentPermissionWire,
  experimentPermissions,
  experiments,
  MlflowError,
  type PermissionName,
  type RegisteredModelPermissionWire,
  registeredModelPermissions,
} from "@edgeflow/schema";
import { and, eq } from "drizzle-orm";
import type { AnySQLiteColumn } from "drizzle-orm/sqlite-core";
import { type Database, databaseErrorText } from "../db";
import { experimentIdNumber } from "../experiment-id";
import { validatePermission } from "./permissions";
import { getUserRow } from "./users";
import { requireModel } from "./visibility";

/**
 * MLflow's experiment and registered-model permission store, with its messages. One difference:
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

type PermissionTable = typeof experimentPermissions | typeof registeredModelPermissions;

/**
 * One kind of permission: its table and the column naming the resource, how a request's id (an
 * experiment id, a model name) becomes that column's value, and MLflow's words for both.
 */
interface GrantKind<Key, Wire> {
  table: PermissionTable;
  column: AnySQLiteColumn;
  label: string;
  idName: string;
  /** The stored key of the resource `id` names, or the resource's 404 (creating a permission). */
  existing(db: Database, id: string): Promise<Key>;
  /** The stored key `id` stands for, without a lookup (reading, changing, deleting a permission). */
  keyOf(id: string): Key;
  row(key: Key, userId: number, permission: PermissionName): PermissionTable["$inferInsert"];
  wire(key: Key, userId: number, permission: PermissionName): Wire;
}

/** MLflow's create, get, update and delete of one kind of permission, plus the creator's grant. */
function grantStore<Key, Wire>(kind: GrantKind<Key, Wire>) {
  const where = (id: string, userId: number) =>
    and(eq(kind.column, kind.keyOf(id)), eq(kind.table.userId, userId));
  const notFound = (id: string, username: string) =>
    MlflowError.notFound(`${kind.label} with ${kind.idName}=${id} and username=${username} not found`);
  return {
    async create(db: Database, id: string, username: string, permission: string): Promise<Wire> {
      const level = validatePermission(permission);
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
      return kind.wire(kind.keyOf(id), user.id, row.permission);
    },
    async update(db: Database, id: string, username: string, permission: string): Promise<void> {
      const level = validatePermission(permission);
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
    async grant(db: Database, key: Key, userId: number, permission: PermissionName): Promise<void> {
      await db
        .insert(kind.table)
        .values(kind.row(key, userId, permission))
        .onConflictDoUpdate({ target: [kind.table.userId, kind.column], set: { permission } });
    },
  };
}

const experimentGrants = grantStore<number, ExperimentPermissionWire>({
  table: experimentPermissions,
  column: experimentPermissions.experimentId,
  label: "Experiment permission",
  idName: "experiment_id",
  existing: requireExperiment,
  keyOf: (id) => experimentIdNumber(id) ?? -1,
  row: (experimentId, userId, permission) => ({ experimentId, userId, permission }),
  wire: (experimentId, userId, permission) => ({
    experiment_id: String(experimentId),
    user_id: userId,
    permission,
  }),
});

const modelGrants = grantStore<string, RegisteredModelPermissionWire>({
  table: registeredModelPermissions,
  column: registeredModelPermissions.name,
  label: "Registered model permission",
  idName: "name",
  existing: async (db, name) => {
    await requireModel(db, name);
    return name;
  },
  keyOf: (name) => name,
  row: (name, userId, permission) => ({ name, userId, permission }),
  wire: (name, userId, permission) => ({ name, user_id: userId, permission }),
});

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

/** MLflow's after-request hooks: the creator of an experiment or model gets MANAGE on it. */
export async function grantCreator(
  db: Database,
  userId: number,
  resource: { experimentId: string } | { modelName: string },
  permission: PermissionName = "MANAGE",
): Promise<void> {
  if ("experimentId" in resource)
    await experimentGrants.grant(db, Number(resource.experimentId), userId, permission);
  else await modelGrants.grant(db, resource.modelName, userId, permission);
}
