import * as core from "@edgeflow/core";
import * as wire from "@edgeflow/schema";
import { MlflowError } from "@edgeflow/schema";
import * as rule from "../auth/rules";
import type { RequestContext } from "../request-context";
import { type Route, route } from "./route";

/**
 * MLflow's basic-auth endpoints (mlflow/server/auth/routes.py, 2.12.2) with its methods, shapes
 * and errors, plus Edgeflow's API tokens and model visibility. Each row declares its access; with
 * auth off (EDGEFLOW_AUTH=off) nothing is checked, so users can be set up before turning it on.
 */

// Auth requests are small: a username, a password, a permission.
const SMALL_BODY = { maxBodyBytes: 64 * 1024 };

const empty = async () => ({});

const userRoutes: Route[] = [
  route(
    "POST",
    "/mlflow/users/create",
    rule.ADMIN,
    wire.CreateUser,
    wire.UserResponse,
    async (input, ctx) => ({ user: await core.createUser(ctx.db, input, ctx.now()) }),
    SMALL_BODY,
  ),
  route(
    "GET",
    "/mlflow/users/get",
    rule.SELF,
    wire.UsernameOnly,
    wire.UserResponse,
    async (input, ctx) => ({ user: await core.getUser(ctx.db, input.username) }),
    SMALL_BODY,
  ),
  route(
    "PATCH",
    "/mlflow/users/update-password",
    rule.SELF_BY_PASSWORD,
    wire.UpdateUserPassword,
    wire.Empty,
    (input, ctx) => core.updateUserPassword(ctx.db, input.username, input.password).then(empty),
    SMALL_BODY,
  ),
  route(
    "PATCH",
    "/mlflow/users/update-admin",
    rule.ADMIN,
    wire.UpdateUserAdmin,
    wire.Empty,
    (input, ctx) => core.updateUserAdmin(ctx.db, input.username, input.is_admin).then(empty),
    SMALL_BODY,
  ),
  route(
    "DELETE",
    "/mlflow/users/delete",
    rule.ADMIN,
    wire.UsernameOnly,
    wire.Empty,
    (input, ctx) => core.deleteUser(ctx.db, input.username).then(empty),
    SMALL_BODY,
  ),
];

const permissionRoutes: Route[] = [
  route(
    "POST",
    "/mlflow/experiments/permissions/create",
    rule.experiment("manage"),
    wire.ExperimentPermissionChange,
    wire.ExperimentPermissionResponse,
    async (input, ctx) => ({
      experiment_permission: await core.createExperimentPermission(
        ctx.db,
        input.experiment_id,
        input.username,
        input.permission,
      ),
    }),
    SMALL_BODY,
  ),
  route(
    "GET",
    "/mlflow/experiments/permissions/get",
    rule.experiment("manage"),
    wire.ExperimentPermissionRef,
    wire.ExperimentPermissionResponse,
    async (input, ctx) => ({
      experiment_permission: await core.getExperimentPermission(ctx.db, input.experiment_id, input.username),
    }),
    SMALL_BODY,
  ),
  route(
    "PATCH",
    "/mlflow/experiments/permissions/update",
    rule.experiment("manage"),
    wire.ExperimentPermissionChange,
    wire.Empty,
    (input, ctx) =>
      core
        .updateExperimentPermission(ctx.db, input.experiment_id, input.username, input.permission)
        .then(empty),
    SMALL_BODY,
  ),
  route(
    "DELETE",
    "/mlflow/experiments/permissions/delete",
    rule.experiment("manage"),
    wire.ExperimentPermissionRef,
    wire.Empty,
    (input, ctx) => core.deleteExperimentPermission(ctx.db, input.experiment_id, input.username).then(empty),
    SMALL_BODY,
  ),
  route(
    "POST",
    "/mlflow/registered-models/permissions/create",
    rule.model("manage"),
    wire.RegisteredModelPermissionChange,
    wire.RegisteredModelPermissionResponse,
    async (input, ctx) => ({
      registered_model_permission: await core.createRegisteredModelPermission(
        ctx.db,
        input.name,
        input.username,
        input.permission,
      ),
    }),
    SMALL_BODY,
  ),
  route(
    "GET",
    "/mlflow/registered-models/permissions/get",
    rule.model("manage"),
    wire.RegisteredModelPermissionRef,
    wire.RegisteredModelPermissionResponse,
    async (input, ctx) => ({
      registered_model_permission: await core.getRegisteredModelPermission(
        ctx.db,
        input.name,
        input.username,
      ),
    }),
    SMALL_BODY,
  ),
  route(
    "PATCH",
    "/mlflow/registered-models/permissions/update",
    rule.model("manage"),
    wire.RegisteredModelPermissionChange,
    wire.Empty,
    (input, ctx) =>
      core.updateRegisteredModelPermission(ctx.db, input.name, input.username, input.permission).then(empty),
    SMALL_BODY,
  ),
  route(
    "DELETE",
    "/mlflow/registered-models/permissions/delete",
    rule.model("manage"),
    wire.RegisteredModelPermissionRef,
    wire.Empty,
    (input, ctx) => core.deleteRegisteredModelPermission(ctx.db, input.name, input.username).then(empty),
    SMALL_BODY,
  ),
];

/** The authenticated caller; tokens belong to someone, so they need auth on. */
function caller(request: RequestContext): core.Principal {
  const { principal } = request.auth;
  if (!principal) {
    throw MlflowError.invalidParameter("API tokens need auth: this server runs with EDGEFLOW_AUTH=off.");
  }
  return principal;
}

const tokenRoutes: Route[] = [
  route(
    "POST",
    "/edgeflow/tokens/create",
    // A token cannot mint tokens: a leaked one must not outlive its own expiry.
    rule.USER_BY_PASSWORD,
    wire.CreateApiToken,
    wire.CreateApiTokenResponse,
    (input, ctx, request) => core.createApiToken(ctx.db, caller(request), input, ctx.now()),
    SMALL_BODY,
  ),
  route(
    "GET",
    "/edgeflow/tokens/list",
    rule.USER,
    wire.ListApiTokens,
    wire.ListApiTokensResponse,
    async (input, ctx, request) => {
      const me = caller(request);
      if (input.username !== undefined && input.username !== me.username && !me.isAdmin) {
        throw core.permissionDenied("Permission denied: only an admin may list another user's tokens.");
      }
      const user = input.username === undefined ? me : await core.getUserRow(ctx.db, input.username);
      return { tokens: await core.listApiTokens(ctx.db, user) };
    },
    SMALL_BODY,
  ),
  route(
    "POST",
    "/edgeflow/tokens/revoke",
    rule.USER,
    wire.RevokeApiToken,
    wire.Empty,
    (input, ctx, request) => {
      const me = caller(request);
      return core.revokeApiToken(ctx.db, input.id, me.isAdmin ? undefined : me).then(empty);
    },
    SMALL_BODY,
  ),
];

const visibilityRoutes: Route[] = [
  route(
    "POST",
    "/edgeflow/registered-models/set-visibility",
    rule.model("manage"),
    wire.SetRegisteredModelVisibility,
    wire.Empty,
    (input, ctx) => core.setModelVisibility(ctx.db, input.name, input.visibility, ctx.now()).then(empty),
    SMALL_BODY,
  ),
  route(
    "GET",
    "/edgeflow/registered-models/get-visibility",
    rule.model("read"),
    wire.RegisteredModelVisibility,
    wire.RegisteredModelVisibilityResponse,
    async (input, ctx) => ({
      name: input.name,
      visibility: await core.getModelVisibility(ctx.db, input.name),
    }),
    SMALL_BODY,
  ),
];

export const authRoutes: Route[] = [...userRoutes, ...permissionRoutes, ...tokenRoutes, ...visibilityRoutes];
