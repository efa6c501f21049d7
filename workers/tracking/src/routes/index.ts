import { artifactRoutes, rootArtifactRoutes } from "./artifacts";
import { authRoutes, gatewayPermissionRoutes } from "./auth";
import { experimentRoutes } from "./experiments";
import { gatewayRoutes } from "./gateway";
import { gatewayInvocationRoutes } from "./gateway-invocations";
import { gatewayProxyRoutes } from "./gateway-proxy";
import { graphqlRoutes } from "./graphql";
import { loggedModelRoutes } from "./logged-models";
import { metricRoutes } from "./metrics";
import { registryRoutes } from "./registry";
import type { Route } from "./route";
import { runRoutes } from "./runs";
import { otlpRoutes, traceRoutesV2, traceRoutesV3 } from "./traces";
import { uiRoutes } from "./ui";

/** Every MLflow REST endpoint this worker serves: one row each. */
export const apiRoutes: Route[] = [
  ...experimentRoutes,
  ...runRoutes,
  ...metricRoutes,
  ...artifactRoutes,
  ...registryRoutes,
  ...loggedModelRoutes,
  ...authRoutes,
  ...traceRoutesV2,
];

/** MLflow serves each endpoint under both prefixes (the UI uses /ajax-api). */
export const API_PREFIXES = ["/api/2.0", "/ajax-api/2.0"] as const;

/** Endpoints MLflow serves at the root and under /ajax-api/2.0/mlflow (browser downloads). */
export const rootRoutes: Route[] = [...rootArtifactRoutes];
export const ROOT_PREFIXES = ["", "/ajax-api/2.0/mlflow"] as const;

/**
 * Endpoints MLflow keeps for its web UI, outside its protos: served under /ajax-api/2.0 only
 * (routes/ui.ts, and the prompt lab's gateway proxy, routes/gateway-proxy.ts).
 */
export const webUiRoutes: Route[] = [...uiRoutes, ...gatewayProxyRoutes];
export const UI_PREFIXES = ["/ajax-api/2.0"] as const;

/** MLflow's GraphQL endpoint (routes/graphql.ts). */
export { graphqlRoutes };
export const GRAPHQL_PREFIXES = ["", "/ajax-api"] as const;

/** Endpoints MLflow 3 declares `since` 3.0: served under /api/3.0 and /ajax-api/3.0 only. */
export const apiRoutesV3: Route[] = [...traceRoutesV3, ...gatewayRoutes, ...gatewayPermissionRoutes];
export const API_V3_PREFIXES = ["/api/3.0", "/ajax-api/3.0"] as const;

/** OpenTelemetry's OTLP/HTTP trace export, at the path OTLP exporters use; the gateway's invocation paths. */
export { gatewayInvocationRoutes, otlpRoutes };

/**
 * Every table with the prefixes it is mounted under, in the order requests try them: the one
 * list the worker routes by and the route-table test and router bench walk.
 */
export const ROUTE_GROUPS: readonly { routes: readonly Route[]; prefixes: readonly string[] }[] = [
  { routes: apiRoutes, prefixes: API_PREFIXES },
  { routes: apiRoutesV3, prefixes: API_V3_PREFIXES },
  { routes: otlpRoutes, prefixes: [""] },
  // The AI gateway's invocation paths, where each client expects them (routes/gateway-invocations.ts).
  { routes: gatewayInvocationRoutes, prefixes: [""] },
  { routes: rootRoutes, prefixes: ROOT_PREFIXES },
  { routes: webUiRoutes, prefixes: UI_PREFIXES },
  { routes: graphqlRoutes, prefixes: GRAPHQL_PREFIXES },
];
