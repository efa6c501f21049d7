import { text } from "@edgeflow/http";
import { PUBLIC, route } from "./route";

/** MLflow's scoring server answers /ping and /health with 200; /version with the MLflow version. */
export const serviceRoutes = [
  route("GET", "/ping", PUBLIC, async () => text("\n")),
  route("GET", "/health", PUBLIC, async () => text("OK")),
  route("GET", "/version", PUBLIC, async (_request, { env }) => text(env.EDGEFLOW_VERSION)),
];
