import { type GatewayPermissionName, gatewayPermissionNames, MlflowError } from "@edgeflow/schema";

/**
 * Auth settings, read from plain strings (wrangler vars and secrets, or any other source): no
 * runtime is assumed, so the inference worker reads the same settings the same way.
 */
export interface AuthVars {
  /** "off" (or "false", "0", "no") turns auth off; anything else, or nothing, leaves it on. */
  EDGEFLOW_AUTH?: string;
  /**
   * What a user may do with an experiment, model or gateway resource they hold no permission on
   * (MLflow: READ). MLflow 3.11's five levels: USE reads experiments and models and also invokes
   * gateway endpoints.
   */
  EDGEFLOW_DEFAULT_PERMISSION?: string;
  /** The first admin, created while no admin exists (wrangler secrets). */
  EDGEFLOW_ADMIN_USERNAME?: string;
  EDGEFLOW_ADMIN_PASSWORD?: string;
}

export interface AuthConfig {
  enabled: boolean;
  defaultPermission: GatewayPermissionName;
  bootstrapAdmin?: { username: string; password: string };
}

/** Private unless granted: safer than MLflow's READ for a server on the internet. */
export const DEFAULT_PERMISSION: GatewayPermissionName = "NO_PERMISSIONS";

const OFF = new Set(["off", "false", "0", "no"]);

export function authConfigOf(vars: AuthVars): AuthConfig {
  const enabled = !OFF.has((vars.EDGEFLOW_AUTH ?? "").trim().toLowerCase());
  const configured = (vars.EDGEFLOW_DEFAULT_PERMISSION ?? "").trim();
  if (configured !== "" && !(gatewayPermissionNames as readonly string[]).includes(configured)) {
    // Refusing to serve is safer than guessing what a misspelt permission meant.
    throw new MlflowError(
      "TEMPORARILY_UNAVAILABLE",
      `EDGEFLOW_DEFAULT_PERMISSION is '${configured}'; it must be one of ${gatewayPermissionNames.join(", ")}.`,
    );
  }
  // `echo ... | wrangler secret put` keeps the newline: it is never meant as part of the secret.
  const username = (vars.EDGEFLOW_ADMIN_USERNAME ?? "").replace(/[\r\n]+$/, "");
  const password = (vars.EDGEFLOW_ADMIN_PASSWORD ?? "").replace(/[\r\n]+$/, "");
  return {
    enabled,
    defaultPermission: configured === "" ? DEFAULT_PERMISSION : (configured as GatewayPermissionName),
    bootstrapAdmin: username !== "" || password !== "" ? { username, password } : undefined,
  };
}
