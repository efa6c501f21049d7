import type { Database } from "../db";
import { requireLoggedModels } from "../logged-models/access";
import { requireRegisteredModel } from "./access";
import { authenticate, type Principal } from "./authenticate";
import type { AuthConfig } from "./config";
import type { Need } from "./permissions";
import { isModelPublic } from "./visibility";

/**
 * The one call a worker other than the tracking worker (the inference worker) needs to guard a
 * registered model: may the request's credentials `need` the model `name`?
 *
 *   const config = authConfigOf(env);                       // EDGEFLOW_AUTH, admin secrets...
 *   const access = await authorizeModelRequest(drizzle(env.DB, { schema }), {
 *     config, model: name, authorization: request.headers.get("Authorization"),
 *   });
 *
 * Resolves when allowed: auth is off, or the model is PUBLIC and only `read` is needed (a call
 * is a read), or the caller holds the permission (admins always do). Throws MlflowError:
 * UNAUTHENTICATED (401, with the kit's `WWW-Authenticate` challenge), PERMISSION_DENIED (403)
 * or TEMPORARILY_UNAVAILABLE (503: auth on, no admin yet, none configured). A model that does
 * not exist is checked against the default permission; the caller answers the 404 after.
 */
export async function authorizeModelRequest(
  db: Database,
  request: {
    config: AuthConfig;
    model: string;
    authorization: string | null | undefined;
    need?: Need;
    now?: number;
  },
): Promise<{ allowedBy: "auth-off" | "public" | "permission"; principal?: Principal }> {
  const { config, model } = request;
  const need = request.need ?? "read";
  if (!config.enabled) return { allowedBy: "auth-off" };
  // Public models skip credential checks entirely: nothing to verify, nothing to spend CPU on.
  if (need === "read" && (await isModelPublic(db, model))) return { allowedBy: "public" };
  const principal = await authenticate(db, config, request.authorization, request.now ?? Date.now());
  await requireRegisteredModel(db, { principal, defaultPermission: config.defaultPermission }, model, need);
  return { allowedBy: "permission", principal };
}

/**
 * The same guard for an MLflow 3 logged model served by id: MLflow judges a logged model by its
 * experiment's permission, so the caller needs READ on that experiment. Logged models have no
 * PUBLIC mark; a missing one is a 404 (requireLoggedModels), after the credentials are checked.
 */
export async function authorizeLoggedModelRequest(
  db: Database,
  request: { config: AuthConfig; modelId: string; authorization: string | null | undefined; now?: number },
): Promise<{ allowedBy: "auth-off" | "permission"; principal?: Principal }> {
  const { config } = request;
  if (!config.enabled) return { allowedBy: "auth-off" };
  const principal = await authenticate(db, config, request.authorization, request.now ?? Date.now());
  await requireLoggedModels(
    db,
    { principal, defaultPermission: config.defaultPermission },
    [request.modelId],
    "read",
  );
  return { allowedBy: "permission", principal };
}
