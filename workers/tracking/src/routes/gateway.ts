import * as core from "@edgeflow/core";
import { endpoints as api } from "@edgeflow/schema";
import * as rule from "../auth/rules";
import { forgetGatewayEndpoints } from "../gateway/endpoint-cache";
import { forgetBudgets } from "../gateway/invoke";
import type { RequestContext } from "../request-context";
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

/** A budget policy write: invocations in this isolate see it at once (gateway/invoke.ts). */
const budgetWrite: typeof route = (api, access, handler, options) =>
  route(
    api,
    access,
    async (input, ctx, rc) => {
      const out = await handler(input, ctx, rc);
      forgetBudgets();
      return out;
    },
    options,
  );

/** A list cut to what the caller may read (every item for an admin, or with auth off). */
async function readable<T>(
  rc: RequestContext,
  resource: core.GatewayResource,
  items: T[],
  idOf: (item: T) => string | undefined,
): Promise<T[]> {
  const { caller } = rc.auth;
  if (!caller) return items;
  const may = await core.gatewayReadable(rc.tracking.db, caller, resource);
  return items.filter((item) => may(idOf(item) ?? ""));
}

/**
 * MLflow 3's AI gateway store API (/api/3.0/mlflow/gateway/...): secrets, model definitions,
 * endpoints and their model mappings, tags and bindings, budget policies, with MLflow 3.11's per-resource permissions
 * (auth/rules.ts): any signed-in user may create, and gets MANAGE on what they create; building
 * on a secret or model definition needs USE on it; reads need READ, changes EDIT, deletes MANAGE.
 * Lists show only what the caller may read (MLflow 3.11 lists everything to everyone).
 */
export const gatewayRoutes: Route[] = [
  write(api.createGatewaySecret, rule.gatewaySecretCreator, async (input, ctx, rc) => ({
    secret: await core.createGatewaySecret(ctx, rc.gateway.secrets, input),
  })),
  route(api.getGatewaySecretInfo, rule.gatewaySecret("read"), async (input, ctx) => ({
    secret: await core.getGatewaySecretInfo(ctx, input.secret_id),
  })),
  write(api.updateGatewaySecret, rule.gatewaySecret("update"), async (input, ctx, rc) => ({
    secret: await core.updateGatewaySecret(ctx, rc.gateway.secrets, input),
  })),
  write(api.deleteGatewaySecret, rule.gatewaySecret("delete"), async (input, ctx) => {
    await core.deleteGatewaySecret(ctx, input.secret_id);
    return {};
  }),
  route(api.listGatewaySecretInfos, rule.USER, async (input, ctx, rc) => ({
    secrets: await readable(
      rc,
      "secret",
      await core.listGatewaySecretInfos(ctx, input.provider),
      (s) => s.secret_id,
    ),
  })),
  write(api.createGatewayModelDefinition, rule.gatewayModelDefinitionCreator, async (input, ctx) => ({
    model_definition: await core.createGatewayModelDefinition(ctx, input),
  })),
  route(api.getGatewayModelDefinition, rule.gatewayModelDefinition("read"), async (input, ctx) => ({
    model_definition: await core.getGatewayModelDefinition(ctx, input.model_definition_id),
  })),
  route(api.listGatewayModelDefinitions, rule.USER, async (input, ctx, rc) => ({
    model_definitions: await readable(
      rc,
      "modelDefinition",
      await core.listGatewayModelDefinitions(ctx, input),
      (d) => d.model_definition_id,
    ),
  })),
  write(api.updateGatewayModelDefinition, rule.gatewayModelDefinitionUpdate, async (input, ctx) => ({
    model_definition: await core.updateGatewayModelDefinition(ctx, input),
  })),
  write(api.deleteGatewayModelDefinition, rule.gatewayModelDefinition("delete"), async (input, ctx) => {
    await core.deleteGatewayModelDefinition(ctx, input.model_definition_id);
    return {};
  }),
  write(api.createGatewayEndpoint, rule.gatewayEndpointCreator, async (input, ctx) => ({
    endpoint: await core.createGatewayEndpoint(ctx, input),
  })),
  route(api.getGatewayEndpoint, rule.gatewayEndpoint("read", true), async (input, ctx) => ({
    endpoint: await core.getGatewayEndpoint(ctx, input),
  })),
  write(api.updateGatewayEndpoint, rule.gatewayEndpointUpdate, async (input, ctx) => ({
    endpoint: await core.updateGatewayEndpoint(ctx, input),
  })),
  write(api.deleteGatewayEndpoint, rule.gatewayEndpoint("delete"), async (input, ctx) => {
    await core.deleteGatewayEndpoint(ctx, input.endpoint_id);
    return {};
  }),
  route(api.listGatewayEndpoints, rule.USER, async (input, ctx, rc) => ({
    endpoints: await readable(
      rc,
      "endpoint",
      await core.listGatewayEndpoints(ctx, input.provider),
      (e) => e.endpoint_id,
    ),
  })),
  write(api.attachModelToGatewayEndpoint, rule.gatewayEndpointUpdate, async (input, ctx) => ({
    mapping: await core.attachModelToGatewayEndpoint(ctx, input),
  })),
  write(api.detachModelFromGatewayEndpoint, rule.gatewayEndpoint("update"), async (input, ctx) => {
    await core.detachModelFromGatewayEndpoint(ctx, input);
    return {};
  }),
  write(api.setGatewayEndpointTag, rule.gatewayEndpoint("update"), async (input, ctx) => {
    await core.setGatewayEndpointTag(ctx, input);
    return {};
  }),
  write(api.deleteGatewayEndpointTag, rule.gatewayEndpoint("update"), async (input, ctx) => {
    await core.deleteGatewayEndpointTag(ctx, input);
    return {};
  }),
  route(api.createEndpointBinding, rule.gatewayEndpoint("update"), async (input, ctx) => ({
    binding: await core.createEndpointBinding(ctx, input),
  })),
  route(api.deleteEndpointBinding, rule.gatewayEndpoint("update"), async (input, ctx) => {
    await core.deleteEndpointBinding(ctx, input);
    return {};
  }),
  route(api.listEndpointBindings, rule.gatewayEndpointBindingList, async (input, ctx, rc) => ({
    bindings: await readable(
      rc,
      "endpoint",
      await core.listEndpointBindings(ctx, input),
      (b) => b.endpoint_id,
    ),
  })),
  budgetWrite(api.createBudgetPolicy, rule.gatewayBudgetChange, async (input, ctx) => ({
    budget_policy: await core.createBudgetPolicy(ctx, input),
  })),
  route(api.getBudgetPolicy, rule.gatewayBudgetRead, async (input, ctx) => ({
    budget_policy: await core.getBudgetPolicy(ctx, input.budget_policy_id),
  })),
  budgetWrite(api.updateBudgetPolicy, rule.gatewayBudgetChange, async (input, ctx) => ({
    budget_policy: await core.updateBudgetPolicy(ctx, input),
  })),
  budgetWrite(api.deleteBudgetPolicy, rule.gatewayBudgetChange, async (input, ctx) => {
    await core.deleteBudgetPolicy(ctx, input.budget_policy_id);
    return {};
  }),
  route(api.listBudgetPolicies, rule.gatewayBudgetRead, async (input, ctx) =>
    core.listBudgetPolicies(ctx, input),
  ),
  route(api.listBudgetWindows, rule.gatewayBudgetRead, async (_input, ctx) => ({
    windows: await core.listBudgetWindows(ctx),
  })),
];
