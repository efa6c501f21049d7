import * as core from "@edgeflow/core";
import { endpoints as api, MlflowError } from "@edgeflow/schema";
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
    api.createUser,
    rule.ADMIN,
    async (input, ctx) => ({ user: await core.createUser(ctx.db, input, ctx.now()) }),
    SMALL_BODY,
  ),
  route(
    api.getUser,
    rule.SELF,
    async (input, ctx) => ({ user: await core.getUser(ctx.db, input.username) }),
    SMALL_BODY,
  ),
  route(
    api.updateUserPassword,
    rule.SELF_BY_PASSWORD,
    (input, ctx) => core.updateUserPassword(ctx.db, input.username, input.password).then(empty),
    SMALL_BODY,
  ),
  route(
    api.updateUserAdmin,
    rule.ADMIN,
    (input, ctx) => core.updateUserAdmin(ctx.db, input.username, input.is_admin).then(empty),
    SMALL_BODY,
  ),
  route(
    api.deleteUser,
    rule.ADMIN,
    (input, ctx) => core.deleteUser(ctx.db, input.username).then(empty),
    SMALL_BODY,
  ),
];

const permissionRoutes: Route[] = [
  route(
    api.createExperimentPermission,
    rule.experiment("manage"),
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
    api.getExperimentPermission,
    rule.experiment("manage"),
    async (input, ctx) => ({
      experiment_permission: await core.getExperimentPermission(ctx.db, input.experiment_id, input.username),
    }),
    SMALL_BODY,
  ),
  route(
    api.updateExperimentPermission,
    rule.experiment("manage"),
    (input, ctx) =>
      core
        .updateExperimentPermission(ctx.db, input.experiment_id, input.username, input.permission)
        .then(empty),
    SMALL_BODY,
  ),
  route(
    api.deleteExperimentPermission,
    rule.experiment("manage"),
    (input, ctx) => core.deleteExperimentPermission(ctx.db, input.experiment_id, input.username).then(empty),
    SMALL_BODY,
  ),
  route(
    api.createRegisteredModelPermission,
    rule.model("manage"),
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
    api.getRegisteredModelPermission,
    rule.model("manage"),
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
    api.updateRegisteredModelPermission,
    rule.model("manage"),
    (input, ctx) =>
      core.updateRegisteredModelPermission(ctx.db, input.name, input.username, input.permission).then(empty),
    SMALL_BODY,
  ),
  route(
    api.deleteRegisteredModelPermission,
    rule.model("manage"),
    (input, ctx) => core.deleteRegisteredModelPermission(ctx.db, input.name, input.username).then(empty),
    SMALL_BODY,
  ),
];

/**
 * MLflow 3.11's gateway permissions (/api/3.0/mlflow/gateway/{secrets,model-definitions,
 * endpoints}/permissions/...): each needs MANAGE on its resource, as its BEFORE_REQUEST map has it.
 */
export const gatewayPermissionRoutes: Route[] = [
  route(
    api.createGatewaySecretPermission,
    rule.gatewaySecret("manage"),
    async (input, ctx) => ({
      gateway_secret_permission: await core.createGatewaySecretPermission(
        ctx.db,
        input.secret_id,
        input.username,
        input.permission,
      ),
    }),
    SMALL_BODY,
  ),
  route(
    api.getGatewaySecretPermission,
    rule.gatewaySecret("manage"),
    async (input, ctx) => ({
      gateway_secret_permission: await core.getGatewaySecretPermission(
        ctx.db,
        input.secret_id,
        input.username,
      ),
    }),
    SMALL_BODY,
  ),
  route(
    api.updateGatewaySecretPermission,
    rule.gatewaySecret("manage"),
    (input, ctx) =>
      core
        .updateGatewaySecretPermission(ctx.db, input.secret_id, input.username, input.permission)
        .then(empty),
    SMALL_BODY,
  ),
  route(
    api.deleteGatewaySecretPermission,
    rule.gatewaySecret("manage"),
    (input, ctx) => core.deleteGatewaySecretPermission(ctx.db, input.secret_id, input.username).then(empty),
    SMALL_BODY,
  ),
  route(
    api.createGatewayModelDefinitionPermission,
    rule.gatewayModelDefinition("manage"),
    async (input, ctx) => ({
      gateway_model_definition_permission: await core.createGatewayModelDefinitionPermission(
        ctx.db,
        input.model_definition_id,
        input.username,
        input.permission,
      ),
    }),
    SMALL_BODY,
  ),
  route(
    api.getGatewayModelDefinitionPermission,
    rule.gatewayModelDefinition("manage"),
    async (input, ctx) => ({
      gateway_model_definition_permission: await core.getGatewayModelDefinitionPermission(
        ctx.db,
        input.model_definition_id,
        input.username,
      ),
    }),
    SMALL_BODY,
  ),
  route(
    api.updateGatewayModelDefinitionPermission,
    rule.gatewayModelDefinition("manage"),
    (input, ctx) =>
      core
        .updateGatewayModelDefinitionPermission(
          ctx.db,
          input.model_definition_id,
          input.username,
          input.permission,
        )
        .then(empty),
    SMALL_BODY,
  ),
  route(
    api.deleteGatewayModelDefinitionPermission,
    rule.gatewayModelDefinition("manage"),
    (input, ctx) =>
      core
        .deleteGatewayModelDefinitionPermission(ctx.db, input.model_definition_id, input.username)
        .then(empty),
    SMALL_BODY,
  ),
  route(
    api.createGatewayEndpointPermission,
    rule.gatewayEndpoint("manage"),
    async (input, ctx) => ({
      gateway_endpoint_permission: await core.createGatewayEndpointPermission(
        ctx.db,
        input.endpoint_id,
        input.username,
        input.permission,
      ),
    }),
    SMALL_BODY,
  ),
  route(
    api.getGatewayEndpointPermission,
    rule.gatewayEndpoint("manage"),
    async (input, ctx) => ({
      gateway_endpoint_permission: await core.getGatewayEndpointPermission(
        ctx.db,
        input.endpoint_id,
        input.username,
      ),
    }),
    SMALL_BODY,
  ),
  route(
    api.updateGatewayEndpointPermission,
    rule.gatewayEndpoint("manage"),
    (input, ctx) =>
      core
        .updateGatewayEndpointPermission(ctx.db, input.endpoint_id, input.username, input.permission)
        .then(empty),
    SMALL_BODY,
  ),
  route(
    api.deleteGatewayEndpointPermission,
    rule.gatewayEndpoint("manage"),
    (input, ctx) =>
      core.deleteGatewayEndpointPermission(ctx.db, input.endpoint_id, input.username).then(empty),
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
    api.createApiToken, // A token cannot mint tokens: a leaked one must not outlive its own expiry.
    rule.USER_BY_PASSWORD,
    (input, ctx, request) => core.createApiToken(ctx.db, caller(request), input, ctx.now()),
    SMALL_BODY,
  ),
  route(
    api.listApiTokens,
    rule.USER,
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
    api.revokeApiToken,
    rule.USER,
    (input, ctx, request) => {
      const me = caller(request);
      return core.revokeApiToken(ctx.db, input.id, me.isAdmin ? undefined : me).then(empty);
    },
    SMALL_BODY,
  ),
];

const visibilityRoutes: Route[] = [
  route(
    api.setRegisteredModelVisibility,
    rule.model("manage"),
    (input, ctx) => core.setModelVisibility(ctx.db, input.name, input.visibility, ctx.now()).then(empty),
    SMALL_BODY,
  ),
  route(
    api.getRegisteredModelVisibility,
    rule.model("read"),
    async (input, ctx) => ({
      name: input.name,
      visibility: await core.getModelVisibility(ctx.db, input.name),
    }),
    SMALL_BODY,
  ),
];

export const authRoutes: Route[] = [...userRoutes, ...permissionRoutes, ...tokenRoutes, ...visibilityRoutes];
