import {
  experimentPermissions,
  experiments,
  MlflowError,
  type PermissionName,
  registeredModelPermissions,
  runs,
} from "@edgeflow/schema";
import { and, eq, sql } from "drizzle-orm";
import type { Database } from "../db";
import { experimentIdNumber } from "../experiment-id";
import { jsonValues } from "../json-rows";
import type { Principal } from "./authenticate";
import { allows, type Need, permissionDenied } from "./permissions";

/**
 * Permission checks, as MLflow's before-request validators make them: an explicit permission of
 * the caller on the resource, else the default permission; runs answer with their experiment's
 * permission; admins pass everything.
 */
export interface Caller {
  principal: Principal;
  defaultPermission: PermissionName;
}

const LEVEL_NEEDED: Record<Need, PermissionName> = {
  read: "READ",
  update: "EDIT",
  delete: "MANAGE",
  manage: "MANAGE",
};

function check(caller: Caller, stored: string | null | undefined, need: Need, what: string): void {
  const permission = (stored ?? caller.defaultPermission) as PermissionName;
  if (allows(permission, need)) return;
  throw permissionDenied(
    `Permission denied: user '${caller.principal.username}' needs ${LEVEL_NEEDED[need]} on ${what}.`,
  );
}

/** Each listed experiment must allow `need`. An id naming no experiment gets the default permission. */
export async function requireExperiments(
  db: Database,
  caller: Caller,
  ids: readonly string[],
  need: Need,
): Promise<void> {
  if (caller.principal.isAdmin || ids.length === 0) return;
  const numeric = [...new Set(ids.flatMap((id) => experimentIdNumber(id) ?? []))];
  const rows =
    numeric.length === 0
      ? []
      : await db
          .select({ id: experimentPermissions.experimentId, permission: experimentPermissions.permission })
          .from(experimentPermissions)
          .where(
            and(
              eq(experimentPermissions.userId, caller.principal.id),
              sql`${experimentPermissions.experimentId} IN ${jsonValues(numeric)}`,
            ),
          );
  const stored = new Map(rows.map((row) => [String(row.id), row.permission]));
  for (const id of ids)
    check(caller, stored.get(String(experimentIdNumber(id) ?? id)), need, `experiment ${id}`);
}

/** Each listed run's experiment must allow `need`; a missing run is a 404, as in MLflow. */
export async function requireRuns(
  db: Database,
  caller: Caller,
  runIds: readonly string[],
  need: Need,
): Promise<void> {
  if (caller.principal.isAdmin || runIds.length === 0) return;
  const rows = await db
    .select({
      runId: runs.runUuid,
      experimentId: runs.experimentId,
      permission: experimentPermissions.permission,
    })
    .from(runs)
    .leftJoin(
      experimentPermissions,
      and(
        eq(experimentPermissions.experimentId, runs.experimentId),
        eq(experimentPermissions.userId, caller.principal.id),
      ),
    )
    .where(sql`${runs.runUuid} IN ${jsonValues([...new Set(runIds)])}`);
  const byRun = new Map(rows.map((row) => [row.runId, row]));
  for (const runId of runIds) {
    const row = byRun.get(runId);
    if (!row) throw MlflowError.notFound(`Run with id=${runId} not found`);
    check(caller, row.permission, need, `experiment ${row.experimentId} (run ${runId})`);
  }
}

/** MLflow looks the experiment up first: an unknown name is a 404 before any permission check. */
export async function requireExperimentByName(
  db: Database,
  caller: Caller,
  name: string,
  need: Need,
): Promise<void> {
  if (caller.principal.isAdmin) return;
  const row = await db
    .select({ id: experiments.experimentId, permission: experimentPermissions.permission })
    .from(experiments)
    .leftJoin(
      experimentPermissions,
      and(
        eq(experimentPermissions.experimentId, experiments.experimentId),
        eq(experimentPermissions.userId, caller.principal.id),
      ),
    )
    .where(eq(experiments.name, name))
    .get();
  if (!row) throw MlflowError.notFound(`Could not find experiment with name '${name}'`);
  check(caller, row.permission, need, `experiment ${row.id}`);
}

/** A registered model's permission; a name naming no model gets the default (the handler 404s). */
export async function requireRegisteredModel(
  db: Database,
  caller: Caller,
  name: string,
  need: Need,
): Promise<void> {
  if (caller.principal.isAdmin) return;
  const row = await db
    .select({ permission: registeredModelPermissions.permission })
    .from(registeredModelPermissions)
    .where(
      and(
        eq(registeredModelPermissions.userId, caller.principal.id),
        eq(registeredModelPermissions.name, name),
      ),
    )
    .get();
  check(caller, row?.permission, need, `registered model '${name}'`);
}

export function requireAdmin(caller: Caller): void {
  if (!caller.principal.isAdmin) throw permissionDenied("Permission denied: only an admin may do this.");
}
