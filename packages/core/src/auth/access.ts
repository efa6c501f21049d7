import {
  experimentPermissions,
  experiments,
  type GatewayPermissionName,
  gatewayEndpointPermissions,
  gatewayEndpoints,
  gatewayModelDefinitionPermissions,
  gatewaySecretPermissions,
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
  defaultPermission: GatewayPermissionName;
}

const LEVEL_NEEDED: Record<Need, GatewayPermissionName> = {
  read: "READ",
  use: "USE",
  update: "EDIT",
  delete: "MANAGE",
  manage: "MANAGE",
};

function check(caller: Caller, stored: string | null | undefined, need: Need, what: string): void {
  const permission = (stored ?? caller.defaultPermission) as GatewayPermissionName;
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

/** The AI gateway's three kinds of resource, each with its own permissions (MLflow 3.11). */
export type GatewayResource = "secret" | "modelDefinition" | "endpoint";

const GATEWAY_GRANTS = {
  secret: {
    table: gatewaySecretPermissions,
    column: gatewaySecretPermissions.secretId,
    what: "gateway secret",
  },
  modelDefinition: {
    table: gatewayModelDefinitionPermissions,
    column: gatewayModelDefinitionPermissions.modelDefinitionId,
    what: "gateway model definition",
  },
  endpoint: {
    table: gatewayEndpointPermissions,
    column: gatewayEndpointPermissions.endpointId,
    what: "gateway endpoint",
  },
} as const;

/** The caller's stored permissions on `ids` (all of theirs of this kind when `ids` is omitted). */
async function gatewayPermissions(
  db: Database,
  caller: Caller,
  resource: GatewayResource,
  ids?: readonly string[],
): Promise<Map<string, string>> {
  const { table, column } = GATEWAY_GRANTS[resource];
  const mine = eq(table.userId, caller.principal.id);
  const rows = await db
    .select({ id: column, permission: table.permission })
    .from(table)
    .where(ids ? and(mine, sql`${column} IN ${jsonValues([...new Set(ids)])}`) : mine);
  return new Map(rows.map((row) => [row.id, row.permission]));
}

/**
 * Each listed gateway resource must allow `need` (MLflow 3.11's validate_can_*_gateway_*). An id
 * naming no resource gets the default permission, and the handler answers its 404.
 */
export async function requireGateway(
  db: Database,
  caller: Caller,
  resource: GatewayResource,
  ids: readonly string[],
  need: Need,
): Promise<void> {
  if (caller.principal.isAdmin || ids.length === 0) return;
  const stored = await gatewayPermissions(db, caller, resource, ids);
  for (const id of ids) check(caller, stored.get(id), need, `${GATEWAY_GRANTS[resource].what} ${id}`);
}

/**
 * An endpoint by name (invocations, endpoints/get by name): MLflow 3.11's
 * _validate_gateway_use_permission. A name naming no endpoint passes, so the caller gets the
 * handler's 404 rather than a 403 for something that is not there.
 */
export async function requireGatewayEndpointByName(
  db: Database,
  caller: Caller,
  name: string,
  need: Need,
): Promise<void> {
  if (caller.principal.isAdmin) return;
  const row = await db
    .select({ id: gatewayEndpoints.endpointId, permission: gatewayEndpointPermissions.permission })
    .from(gatewayEndpoints)
    .leftJoin(
      gatewayEndpointPermissions,
      and(
        eq(gatewayEndpointPermissions.endpointId, gatewayEndpoints.endpointId),
        eq(gatewayEndpointPermissions.userId, caller.principal.id),
      ),
    )
    .where(eq(gatewayEndpoints.name, name))
    .get();
  if (row) check(caller, row.permission, need, `gateway endpoint '${name}'`);
}

/** What a gateway list may show the caller: the resources they may read (all, for an admin). */
export async function gatewayReadable(
  db: Database,
  caller: Caller,
  resource: GatewayResource,
): Promise<(id: string) => boolean> {
  if (caller.principal.isAdmin) return () => true;
  const stored = await gatewayPermissions(db, caller, resource);
  return (id) => allows((stored.get(id) ?? caller.defaultPermission) as GatewayPermissionName, "read");
}

export function requireAdmin(caller: Caller): void {
  if (!caller.principal.isAdmin) throw permissionDenied("Permission denied: only an admin may do this.");
}
