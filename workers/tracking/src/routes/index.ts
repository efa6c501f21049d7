import { experimentRoutes } from "./experiments";
import { metricRoutes } from "./metrics";
import type { Route } from "./route";
import { runRoutes } from "./runs";

/** Every MLflow REST endpoint this worker serves: one row each. */
export const apiRoutes: Route[] = [...experimentRoutes, ...runRoutes, ...metricRoutes];

/** MLflow serves each endpoint under both prefixes (the UI uses /ajax-api). */
export const API_PREFIXES = ["/api/2.0", "/ajax-api/2.0"] as const;
