import { MlflowError, type PermissionName, permissionNames } from "@edgeflow/schema";

/**
 * MLflow's permission levels (mlflow/server/auth/permissions.py): what each lets its holder do
 * with an experiment (and its runs and artifacts) or a registered model (and its versions).
 */
export type Need = "read" | "update" | "delete" | "manage";

const ALLOWS: Record<PermissionName, readonly Need[]> = {
  READ: ["read"],
  EDIT: ["read", "update"],
  MANAGE: ["read", "update", "delete", "manage"],
  NO_PERMISSIONS: [],
};

export function allows(permission: PermissionName, need: Need): boolean {
  return ALLOWS[permission].includes(need);
}

export function isPermissionName(value: string): value is PermissionName {
  return (permissionNames as readonly string[]).includes(value);
}

/** MLflow's _validate_permission, with its message. */
export function validatePermission(value: string): PermissionName {
  if (isPermissionName(value)) return value;
  const valid = `(${permissionNames.map((name) => `'${name}'`).join(", ")})`;
  throw MlflowError.invalidParameter(`Invalid permission '${value}'. Valid permissions are: ${valid}`);
}

/** The permissions that let their holder read, for SQL `IN (...)` lists (constants, no parameters). */
export const READABLE_PERMISSIONS = permissionNames.filter((name) => allows(name, "read"));

export function permissionDenied(message = "Permission denied"): MlflowError {
  return new MlflowError("PERMISSION_DENIED", message);
}
