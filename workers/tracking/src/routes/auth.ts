import * as core from "@edgeflow/core";
import * as wire from "@edgeflow/schema";
import { MlflowError } from "@edgeflow/schema";
import type { Access } from "../auth/access";
import { type RequestContext, type Route, route } from "./route";

/**
 * MLflow's basic-auth endpoints (mlflow/server/auth/routes.py, 2.12.2) with its methods, shapes
 * and errors, plus Edgeflow's API tokens and model visibility. Each row declares its access; with
 * auth off (EDGEFLOW_AUTH=off) nothing is checked, so users can be set up before turning it on.
 */

// Auth requests are small: a username, a password, a permission.
const MAX_BODY = 64 * 1024;
const text = (value: unknown) => (typeof value === "string" ? value : undefined);
const field = (name: string) => (input: { message?: Record<string, unknown> }) => text(input.message?.[name]);

const ADMIN: Access = { kind: "admin" };
const SELF: Access = { kind: "self", username: field("username") };
const experimentManage: Access = { kind: "experiment", need: "manage", id: field("experiment_id") };
const modelManage: Access = { kind: "model", need: "manage", name: field("name") };

function options(access: Access) {
  return { access, maxBodyBytes: MAX_BODY };
}

const empty = async () => ({});

const userRoutes: Route[] = [
  route(
    "POST",
    "/mlflow/users/create",
    wire.CreateUser,
    wire.UserResponse,
    async (input, ctx) => ({ user: await core.createUser(ctx.db, input, ctx.now()) }),
    options(ADMIN),
  ),
  route(
    "GET",
    "/mlflow/users/get",
    wire.UsernameOnly,
    wire.UserResponse,
    async (input, ctx) => ({ user: await core.getUser(ctx.db, input.username) }),
    options(SELF),
  ),
  route(
    "PATCH",
    "/mlflow/users/update-password",
    wire.UpdateUserPassword,
    wire.Empty,
    (input, ctx) => core.updateUserPassword(ctx.db, input.username, input.password).then(empty),
    options({ ...SELF, password: true }),
  ),
  route(
    "PATCH",
    "/mlflow/users/update-admin",
    wire.UpdateUserAdmin,
    wire.Empty,
    (input, ctx) => core.updateUserAdmin(ctx.db, input.username, input.is_admin).then(empty),
    options(ADMIN),
  ),
  route(
    "DELETE",
    "/mlflow/users/delete",
    wire.UsernameOnly,
    wire.Empty,
    (input, ctx) => core.deleteUser(ctx.db, input.username).then(empty),
    options(ADMIN),
  ),
];

const permissionRoutes: Route[] = [
  route(
    "POST",
    "/mlflow/experiments/permissions/create",
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
    options(experimentManage),
  ),
  route(
    "GET",
    "/mlflow/experiments/permissions/get",
    wire.ExperimentPermissionRef,
    wire.ExperimentPermissionResponse,
    async (input, ctx) => ({
      experiment_permission: await core.getExperimentPermission(ctx.db, input.experiment_id, input.username),
    }),
    options(experimentManage),
  ),
  route(
    "PATCH",
    "/mlflow/experiments/permissions/update",
    wire.ExperimentPermissionChange,
    wire.Empty,
    (input, ctx) =>
      core
        .updateExperimentPermission(ctx.db, input.experiment_id, input.username, input.permission)
        .then(empty),
    options(experimentManage),
  ),
  route(
    "DELETE",
    "/mlflow/experiments/permissions/delete",
    wire.ExperimentPermissionRef,
    wire.Empty,
    (input, ctx) => core.deleteExperimentPermission(ctx.db, input.experiment_id, input.username).then(empty),
    options(experimentManage),
  ),
  route(
    "POST",
    "/mlflow/registered-models/permissions/create",
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
    options(modelManage),
  ),
  route(
    "GET",
    "/mlflow/registered-models/permissions/get",
    wire.RegisteredModelPermissionRef,
    wire.RegisteredModelPermissionResponse,
    async (input, ctx) => ({
      registered_model_permission: await core.getRegisteredModelPermission(
        ctx.db,
        input.name,
        input.username,
      ),
    }),
    options(modelManage),
  ),
  route(
    "PATCH",
    "/mlflow/registered-models/permissions/update",
    wire.RegisteredModelPermissionChange,
    wire.Empty,
    (input, ctx) =>
      core.updateRegisteredModelPermission(ctx.db, input.name, input.username, input.permission).then(empty),
    options(modelManage),
  ),
  route(
    "DELETE",
    "/mlflow/registered-models/permissions/delete",
    wire.RegisteredModelPermissionRef,
    wire.Empty,
    (input, ctx) => core.deleteRegisteredModelPermission(ctx.db, input.name, input.username).then(empty),
    options(modelManage),
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
    wire.CreateApiToken,
    wire.CreateApiTokenResponse,
    (input, ctx, request) => core.createApiToken(ctx.db, caller(request), input, ctx.now()),
    // A token cannot mint tokens: a leaked one must not outlive its own expiry.
    options({ kind: "user", password: true }),
  ),
  route(
    "GET",
    "/edgeflow/tokens/list",
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
    options({ kind: "user" }),
  ),
  route(
    "POST",
    "/edgeflow/tokens/revoke",
    wire.RevokeApiToken,
    wire.Empty,
    (input, ctx, request) => {
      const me = caller(request);
      return core.revokeApiToken(ctx.db, input.id, me.isAdmin ? undefined : me).then(empty);
    },
    options({ kind: "user" }),
  ),
];

const visibilityRoutes: Route[] = [
  route(
    "POST",
    "/edgeflow/registered-models/set-visibility",
    wire.SetRegisteredModelVisibility,
    wire.Empty,
    (input, ctx) => core.setModelVisibility(ctx.db, input.name, input.visibility, ctx.now()).then(empty),
    options(modelManage),
  ),
  route(
    "GET",
    "/edgeflow/registered-models/get-visibility",
    wire.RegisteredModelVisibility,
    wire.RegisteredModelVisibilityResponse,
    async (input, ctx) => ({
      name: input.name,
      visibility: await core.getModelVisibility(ctx.db, input.name),
    }),
    options({ kind: "model", need: "read", name: field("name") }),
  ),
];

export const authRoutes: Route[] = [...userRoutes, ...permissionRoutes, ...tokenRoutes, ...visibilityRoutes];
