import { artifactEndpoints } from "./artifacts";
import { authEndpoints } from "./auth";
import { gatewayEndpoints } from "./gateway";
import { loggedModelEndpoints } from "./logged-models";
import { registryEndpoints } from "./registry";
import { traceEndpoints } from "./traces";
import { trackingEndpoints } from "./tracking";

export * from "./endpoint";

/**
 * Every message endpoint of MLflow's REST API that Edgeflow serves, by MLflow's RPC name
 * (camelCase): the one declaration of each path, method and message pair.
 */
export const endpoints = {
  ...trackingEndpoints,
  ...artifactEndpoints,
  ...registryEndpoints,
  ...loggedModelEndpoints,
  ...traceEndpoints,
  ...authEndpoints,
  ...gatewayEndpoints,
} as const;

export type EndpointName = keyof typeof endpoints;
