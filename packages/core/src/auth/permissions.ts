import {
  type GatewayPermissionName,
  gatewayPermissionNames,
  MlflowError,
  type PermissionName,
  permissionNames,
} from "@edgeflow/schema";

/**
 * MLflow's permission levels (mlflow/server/auth/permissions.py): what each lets its holder do
 * with an experiment (and its runs and artifacts), a registered model (and its versions), or one
 * of the AI gateway's secrets, model definitions and endpoints. `use` (MLflow 3's USE: invoking an
 * endpoint, building on a secret or model definition) only matters to the gateway.
 */
export type Need = "read" | "use" | "update" | "delete" | "manage";

const ALLOWS: Record<GatewayPermissionName, readonly Need[]> = {
  READ: ["read"],
  USE: ["read", "use"],
  EDIT: ["read", "use", "update"],
  MANAGE: ["read", "use", "update", "delete", "manage"],
  NO_PERMISSIONS: [],
};

export function allows(permission: GatewayPermissionName, need: Need): boolean {
  return ALLOWS[permission].includes(need);
}

export function isPermissionName(value: string): value is PermissionName {
  return (permissionNames as readonly string[]).includes(value);
}

function invalidPermission(value: string, names: readonly string[]): MlflowError {
  const valid = `(${names.map((name) => `'${name}'`).join(", ")})`;
  return MlflowError.invalidParameter(`Invalid permission '${value}'. Valid permissions are: ${valid}`);
}

/**
 * MLflow's _validate_permission, with its message, for experiments and registered models: MLflow
 * 2.12.2's four levels and words (MLflow 3.11 also lists USE, which means READ there).
 */
export function validatePermission(value: string): PermissionName {
  if (isPermissionName(value)) return value;
  throw invalidPermission(value, permissionNames);
}

/** The same for the gateway's resources: MLflow 3.11's five levels, USE among them, and its words. */
export function validateGatewayPermission(value: string): GatewayPermissionName {
  if ((gatewayPermissionNames as readonly string[]).includes(value)) return value as GatewayPermissionName;
  throw invalidPermission(value, gatewayPermissionNames);
}

/** The permissions that let their holder read, for SQL `IN (...)` lists (constants, no parameters). */
export const READABLE_PERMISSIONS = permissionNames.filter((name) => allows(name, "read"));

export function permissionDenied(message = "Permission denied"): MlflowError {
  return new MlflowError("PERMISSION_DENIED", message);
}
