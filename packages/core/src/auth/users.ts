import {
  experimentPermissions,
  MlflowError,
  registeredModelPermissions,
  type UserRow,
  type UserWire,
  users,
} from "@edgeflow/schema";
import { asc, eq } from "drizzle-orm";
import { type Database, databaseErrorText } from "../db";
import { hashPassword, validatePassword, validateUsername } from "./password";

/** MLflow's user store (mlflow/server/auth/sqlalchemy_store.py): its rules and its messages. */

export function userNotFound(username: string): MlflowError {
  return MlflowError.notFound(`User with username=${username} not found`);
}

export async function findUser(db: Database, username: string): Promise<UserRow | undefined> {
  return db.select().from(users).where(eq(users.username, username)).get();
}

export async function getUserRow(db: Database, username: string): Promise<UserRow> {
  const row = await findUser(db, username);
  if (!row) throw userNotFound(username);
  return row;
}

export async function createUser(
  db: Database,
  input: { username: string; password: string; isAdmin?: boolean },
  now: number,
): Promise<UserWire> {
  const username = validateUsername(input.username);
  const passwordHash = await hashPassword(validatePassword(input.password));
  try {
    const [row] = await db
      .insert(users)
      .values({ username, passwordHash, isAdmin: input.isAdmin ?? false, creationTime: now })
      .returning();
    return userToWire(row as UserRow, [], []);
  } catch (error) {
    if (/UNIQUE constraint failed: users\.username/.test(databaseErrorText(error))) {
      throw MlflowError.alreadyExists(`User (username=${username}) already exists.`);
    }
    throw error;
  }
}

/** The user with every permission granted to them, as MLflow's users/get answers. */
export async function getUser(db: Database, username: string): Promise<UserWire> {
  const row = await getUserRow(db, username);
  const [experimentRows, modelRows] = await db.batch([
    db
      .select()
      .from(experimentPermissions)
      .where(eq(experimentPermissions.userId, row.id))
      .orderBy(asc(experimentPermissions.experimentId)),
    db
      .select()
      .from(registeredModelPermissions)
      .where(eq(registeredModelPermissions.userId, row.id))
      .orderBy(asc(registeredModelPermissions.name)),
  ]);
  return userToWire(row, experimentRows, modelRows);
}

export async function updateUserPassword(db: Database, username: string, password: string): Promise<void> {
  const passwordHash = await hashPassword(validatePassword(password));
  const updated = await db
    .update(users)
    .set({ passwordHash })
    .where(eq(users.username, username))
    .returning({ id: users.id });
  if (updated.length === 0) throw userNotFound(username);
}

export async function updateUserAdmin(db: Database, username: string, isAdmin: boolean): Promise<void> {
  const updated = await db
    .update(users)
    .set({ isAdmin })
    .where(eq(users.username, username))
    .returning({ id: users.id });
  if (updated.length === 0) throw userNotFound(username);
}

/** Deletes the user; their permissions and API tokens go with them (ON DELETE CASCADE). */
export async function deleteUser(db: Database, username: string): Promise<void> {
  const deleted = await db.delete(users).where(eq(users.username, username)).returning({ id: users.id });
  if (deleted.length === 0) throw userNotFound(username);
}

function userToWire(
  row: UserRow,
  experimentRows: { experimentId: number; userId: number; permission: string }[],
  modelRows: { name: string; userId: number; permission: string }[],
): UserWire {
  return {
    id: row.id,
    username: row.username,
    is_admin: row.isAdmin,
    experiment_permissions: experimentRows.map((p) => ({
      experiment_id: String(p.experimentId),
      user_id: p.userId,
      permission: p.permission,
    })),
    registered_model_permissions: modelRows.map((p) => ({
      name: p.name,
      user_id: p.userId,
      permission: p.permission,
    })),
  };
}
