import { artifactRoutes, rootArtifactRoutes } from "./artifacts";
import { authRoutes } from "./auth";
import { experimentRoutes } from "./experiments";
import { metricRoutes } from "./metrics";
import { registryRoutes } from "./registry";
import type { Route } from "./route";
import { runRoutes } from "./runs";

/** Every MLflow REST endpoint this worker serves: one row each. */
export const apiRoutes: Route[] = [
  ...experimentRoutes,
  ...runRoutes,
  ...metricRoutes,
  ...artifactRoutes,
  ...registryRoutes,
  ...authRoutes,
];

/** MLflow serves each endpoint under both prefixes (the UI uses /ajax-api). */
export const API_PREFIXES = ["/api/2.0", "/ajax-api/2.0"] as const;

/** Endpoints MLflow serves at the root and under /ajax-api/2.0/mlflow (browser downloads). */
export const rootRoutes: Route[] = [...rootArtifactRoutes];
export const ROOT_PREFIXES = ["", "/ajax-api/2.0/mlflow"] as const;
