import {
  experimentPermissions,
  type GatewayPermissionName,
  registeredModelPermissions,
} from "@edgeflow/schema";
import { type SQL, type SQLWrapper, sql } from "drizzle-orm";
import { allows, READABLE_PERMISSIONS } from "./permissions";

/**
 * What a caller may see in search results, as SQL conditions the searches AND into their WHERE
 * clause: filtering happens in the query, so pages stay full and page tokens stay valid (MLflow
 * filters each page after the fact and re-fetches to fill it). Each condition is one indexed
 * probe of the caller's (user_id, resource) permission row and costs one bound parameter.
 */
export interface ReadScope {
  experiments(experimentId: SQLWrapper): SQL;
  registeredModels(name: SQLWrapper): SQL;
}

const readable = sql.raw(READABLE_PERMISSIONS.map((name) => `'${name}'`).join(", "));

export function readScopeOf(userId: number, defaultPermission: GatewayPermissionName): ReadScope {
  // With a readable default, only an explicit non-reading permission hides a resource; otherwise
  // only an explicit reading permission shows one.
  const byDefault = allows(defaultPermission, "read");
  const visible = (exists: SQL) => (byDefault ? sql`NOT EXISTS (${exists})` : sql`EXISTS (${exists})`);
  const wanted = byDefault ? sql`NOT IN (${readable})` : sql`IN (${readable})`;
  return {
    experiments: (experimentId) =>
      visible(
        sql`SELECT 1 FROM ${experimentPermissions} WHERE ${experimentPermissions.userId} = ${userId} AND ${experimentPermissions.experimentId} = ${experimentId} AND ${experimentPermissions.permission} ${wanted}`,
      ),
    registeredModels: (name) =>
      visible(
        sql`SELECT 1 FROM ${registeredModelPermissions} WHERE ${registeredModelPermissions.userId} = ${userId} AND ${registeredModelPermissions.name} = ${name} AND ${registeredModelPermissions.permission} ${wanted}`,
      ),
  };
}
