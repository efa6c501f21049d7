import {
  experimentPermissions,
  experiments,
  MlflowError,
  type PermissionName,
  registeredModelPermissions,
} from "@edgeflow/schema";
import { and, eq } from "drizzle-orm";
import { type Database, databaseErrorText } from "../db";
import { validatePermission } from "./permissions";
import { getUserRow } from "./users";
import { requireModel } from "./visibility";

/**
 * MLflow's experiment and registered-model permission store, with its messages. One difference:
 * a permission names an existing experiment or model (a foreign key, so it follows renames and
 * goes away with its resource); MLflow accepts any id or name.
 */

const EXPERIMENT_ID = /^\d{1,15}$/;

async function requireExperiment(db: Database, experimentId: string): Promise<number> {
  const id = EXPERIMENT_ID.test(experimentId) ? Number(experimentId) : undefined;
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

export interface ExperimentGrant {
  experiment_id: string;
  user_id: number;
  permission: string;
}

export interface ModelGrant {
  name: string;
  user_id: number;
  permission: string;
}

export async function createExperimentPermission(
  db: Database,
  experimentId: string,
  username: string,
  permission: string,
): Promise<ExperimentGrant> {
  const level = validatePermission(permission);
  const user = await getUserRow(db, username);
  const id = await requireExperiment(db, experimentId);
  try {
    await db.insert(experimentPermissions).values({ experimentId: id, userId: user.id, permission: level });
  } catch (error) {
    if (!isDuplicate(error)) throw error;
    throw MlflowError.alreadyExists(
      `Experiment permission (experiment_id=${experimentId}, username=${username}) already exists.`,
    );
  }
  return { experiment_id: String(id), user_id: user.id, permission: level };
}

function experimentGrantNotFound(experimentId: string, username: string): MlflowError {
  return MlflowError.notFound(
    `Experiment permission with experiment_id=${experimentId} and username=${username} not found`,
  );
}

function experimentGrantWhere(experimentId: string, userId: number) {
  const id = EXPERIMENT_ID.test(experimentId) ? Number(experimentId) : -1;
  return and(eq(experimentPermissions.experimentId, id), eq(experimentPermissions.userId, userId));
}

export async function getExperimentPermission(
  db: Database,
  experimentId: string,
  username: string,
): Promise<ExperimentGrant> {
  const user = await getUserRow(db, username);
  const row = await db
    .select()
    .from(experimentPermissions)
    .where(experimentGrantWhere(experimentId, user.id))
    .get();
  if (!row) throw experimentGrantNotFound(experimentId, username);
  return { experiment_id: String(row.experimentId), user_id: row.userId, permission: row.permission };
}

export async function updateExperimentPermission(
  db: Database,
  experimentId: string,
  username: string,
  permission: string,
): Promise<void> {
  const level = validatePermission(permission);
  const user = await getUserRow(db, username);
  const updated = await db
    .update(experimentPermissions)
    .set({ permission: level })
    .where(experimentGrantWhere(experimentId, user.id))
    .returning({ id: experimentPermissions.experimentId });
  if (updated.length === 0) throw experimentGrantNotFound(experimentId, username);
}

export async function deleteExperimentPermission(
  db: Database,
  experimentId: string,
  username: string,
): Promise<void> {
  const user = await getUserRow(db, username);
  const deleted = await db
    .delete(experimentPermissions)
    .where(experimentGrantWhere(experimentId, user.id))
    .returning({ id: experimentPermissions.experimentId });
  if (deleted.length === 0) throw experimentGrantNotFound(experimentId, username);
}

export async function createRegisteredModelPermission(
  db: Database,
  name: string,
  username: string,
  permission: string,
): Promise<ModelGrant> {
  const level = validatePermission(permission);
  const user = await getUserRow(db, username);
  await requireModel(db, name);
  try {
    await db.insert(registeredModelPermissions).values({ name, userId: user.id, permission: level });
  } catch (error) {
    if (!isDuplicate(error)) throw error;
    throw MlflowError.alreadyExists(
      `Registered model permission (name=${name}, username=${username}) already exists.`,
    );
  }
  return { name, user_id: user.id, permission: level };
}

function modelGrantNotFound(name: string, username: string): MlflowError {
  return MlflowError.notFound(
    `Registered model permission with name=${name} and username=${username} not found`,
  );
}

function modelGrantWhere(name: string, userId: number) {
  return and(eq(registeredModelPermissions.name, name), eq(registeredModelPermissions.userId, userId));
}

export async function getRegisteredModelPermission(
  db: Database,
  name: string,
  username: string,
): Promise<ModelGrant> {
  const user = await getUserRow(db, username);
  const row = await db.select().from(registeredModelPermissions).where(modelGrantWhere(name, user.id)).get();
  if (!row) throw modelGrantNotFound(name, username);
  return { name: row.name, user_id: row.userId, permission: row.permission };
}

export async function updateRegisteredModelPermission(
  db: Database,
  name: string,
  username: string,
  permission: string,
): Promise<void> {
  const level = validatePermission(permission);
  const user = await getUserRow(db, username);
  const updated = await db
    .update(registeredModelPermissions)
    .set({ permission: level })
    .where(modelGrantWhere(name, user.id))
    .returning({ name: registeredModelPermissions.name });
  if (updated.length === 0) throw modelGrantNotFound(name, username);
}

export async function deleteRegisteredModelPermission(
  db: Database,
  name: string,
  username: string,
): Promise<void> {
  const user = await getUserRow(db, username);
  const deleted = await db
    .delete(registeredModelPermissions)
    .where(modelGrantWhere(name, user.id))
    .returning({ name: registeredModelPermissions.name });
  if (deleted.length === 0) throw modelGrantNotFound(name, username);
}

/** MLflow's after-request hooks: the creator of an experiment or model gets MANAGE on it. */
export async function grantCreator(
  db: Database,
  userId: number,
  resource: { experimentId: string } | { modelName: string },
  permission: PermissionName = "MANAGE",
): Promise<void> {
  if ("experimentId" in resource) {
    await db
      .insert(experimentPermissions)
      .values({ experimentId: Number(resource.experimentId), userId, permission })
      .onConflictDoUpdate({
        target: [experimentPermissions.userId, experimentPermissions.experimentId],
        set: { permission },
      });
    return;
  }
  await db
    .insert(registeredModelPermissions)
    .values({ name: resource.modelName, userId, permission })
    .onConflictDoUpdate({
      target: [registeredModelPermissions.userId, registeredModelPermissions.name],
      set: { permission },
    });
}
