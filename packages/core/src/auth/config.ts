import { MlflowError, type PermissionName, permissionNames } from "@edgeflow/schema";
import { isPermissionName } from "./permissions";

/**
 * Auth settings, read from plain strings (wrangler vars and secrets, or any other source): no
 * runtime is assumed, so the inference worker reads the same settings the same way.
 */
export interface AuthVars {
  /** "off" (or "false", "0", "no") turns auth off; anything else, or nothing, leaves it on. */
  EDGEFLOW_AUTH?: string;
  /** What a user may do with an experiment or model they hold no permission on (MLflow: READ). */
  EDGEFLOW_DEFAULT_PERMISSION?: string;
  /** The first admin, created while no admin exists (wrangler secrets). */
  EDGEFLOW_ADMIN_USERNAME?: string;
  EDGEFLOW_ADMIN_PASSWORD?: string;
}

export interface AuthConfig {
  enabled: boolean;
  defaultPermission: PermissionName;
  bootstrapAdmin?: { username: string; password: string };
}

/** Private unless granted: safer than MLflow's READ for a server on the internet. */
export const DEFAULT_PERMISSION: PermissionName = "NO_PERMISSIONS";

const OFF = new Set(["off", "false", "0", "no"]);

export function authConfigOf(vars: AuthVars): AuthConfig {
  const enabled = !OFF.has((vars.EDGEFLOW_AUTH ?? "").trim().toLowerCase());
  const configured = (vars.EDGEFLOW_DEFAULT_PERMISSION ?? "").trim();
  if (configured !== "" && !isPermissionName(configured)) {
    // Refusing to serve is safer than guessing what a misspelt permission meant.
    throw new MlflowError(
      "TEMPORARILY_UNAVAILABLE",
      `EDGEFLOW_DEFAULT_PERMISSION is '${configured}'; it must be one of ${permissionNames.join(", ")}.`,
    );
  }
  // `echo ... | wrangler secret put` keeps the newline: it is never meant as part of the secret.
  const username = (vars.EDGEFLOW_ADMIN_USERNAME ?? "").replace(/[\r\n]+$/, "");
  const password = (vars.EDGEFLOW_ADMIN_PASSWORD ?? "").replace(/[\r\n]+$/, "");
  return {
    enabled,
    defaultPermission: configured === "" ? DEFAULT_PERMISSION : (configured as PermissionName),
    bootstrapAdmin: username !== "" || password !== "" ? { username, password } : undefined,
  };
}
