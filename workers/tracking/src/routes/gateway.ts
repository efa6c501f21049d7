import * as core from "@edgeflow/core";
import { endpoints as api } from "@edgeflow/schema";
import * as rule from "../auth/rules";
import { forgetGatewayEndpoints } from "../gateway/endpoint-cache";
import { type Route, route } from "./route";

/** A store write: invocations in this isolate see it at once (gateway/endpoint-cache.ts). */
const write: typeof route = (api, access, handler, options) =>
  route(
    api,
    access,
    async (input, ctx, rc) => {
      const out = await handler(input, ctx, rc);
      forgetGatewayEndpoints();
      return out;
    },
    options,
  );

/**
 * MLflow 3's AI gateway store API (/api/3.0/mlflow/gateway/...): secrets, model definitions,
 * endpoints and their model mappings and tags. Secrets and every write need an admin (MLflow's
 * gateway resources are workspace-level; Edgeflow has no per-endpoint grants yet); reading
 * endpoints and model definitions, which never carry a secret, needs any signed-in caller.
 */
export const gatewayRoutes: Route[] = [
  write(api.createGatewaySecret, rule.ADMIN, async (input, ctx, rc) => ({
    secret: await core.createGatewaySecret(ctx, rc.gateway.secrets, input),
  })),
  route(api.getGatewaySecretInfo, rule.ADMIN, async (input, ctx) => ({
    secret: await core.getGatewaySecretInfo(ctx, input.secret_id),
  })),
  write(api.updateGatewaySecret, rule.ADMIN, async (input, ctx, rc) => ({
    secret: await core.updateGatewaySecret(ctx, rc.gateway.secrets, input),
  })),
  write(api.deleteGatewaySecret, rule.ADMIN, async (input, ctx) => {
    await core.deleteGatewaySecret(ctx, input.secret_id);
    return {};
  }),
  route(api.listGatewaySecretInfos, rule.ADMIN, async (input, ctx) => ({
    secrets: await core.listGatewaySecretInfos(ctx, input.provider),
  })),
  write(api.createGatewayModelDefinition, rule.ADMIN, async (input, ctx) => ({
    model_definition: await core.createGatewayModelDefinition(ctx, input),
  })),
  route(api.getGatewayModelDefinition, rule.USER, async (input, ctx) => ({
    model_definition: await core.getGatewayModelDefinition(ctx, input.model_definition_id),
  })),
  route(api.listGatewayModelDefinitions, rule.USER, async (input, ctx) => ({
    model_definitions: await core.listGatewayModelDefinitions(ctx, input),
  })),
  write(api.updateGatewayModelDefinition, rule.ADMIN, async (input, ctx) => ({
    model_definition: await core.updateGatewayModelDefinition(ctx, input),
  })),
  write(api.deleteGatewayModelDefinition, rule.ADMIN, async (input, ctx) => {
    await core.deleteGatewayModelDefinition(ctx, input.model_definition_id);
    return {};
  }),
  write(api.createGatewayEndpoint, rule.ADMIN, async (input, ctx) => ({
    endpoint: await core.createGatewayEndpoint(ctx, input),
  })),
  route(api.getGatewayEndpoint, rule.USER, async (input, ctx) => ({
    endpoint: await core.getGatewayEndpoint(ctx, input),
  })),
  write(api.updateGatewayEndpoint, rule.ADMIN, async (input, ctx) => ({
    endpoint: await core.updateGatewayEndpoint(ctx, input),
  })),
  write(api.deleteGatewayEndpoint, rule.ADMIN, async (input, ctx) => {
    await core.deleteGatewayEndpoint(ctx, input.endpoint_id);
    return {};
  }),
  route(api.listGatewayEndpoints, rule.USER, async (input, ctx) => ({
    endpoints: await core.listGatewayEndpoints(ctx, input.provider),
  })),
  write(api.attachModelToGatewayEndpoint, rule.ADMIN, async (input, ctx) => ({
    mapping: await core.attachModelToGatewayEndpoint(ctx, input),
  })),
  write(api.detachModelFromGatewayEndpoint, rule.ADMIN, async (input, ctx) => {
    await core.detachModelFromGatewayEndpoint(ctx, input);
    return {};
  }),
  write(api.setGatewayEndpointTag, rule.ADMIN, async (input, ctx) => {
    await core.setGatewayEndpointTag(ctx, input);
    return {};
  }),
  write(api.deleteGatewayEndpointTag, rule.ADMIN, async (input, ctx) => {
    await core.deleteGatewayEndpointTag(ctx, input);
    return {};
  }),
];
