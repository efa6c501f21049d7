import { route } from "./route";

const text = (body: string) => new Response(body, { headers: { "Content-Type": "text/plain" } });

/** MLflow's scoring server answers /ping and /health with 200; /version with the MLflow version. */
export const serviceRoutes = [
  route("GET", "/ping", async () => text("\n")),
  route("GET", "/health", async () => text("OK")),
  route("GET", "/version", async (_request, { env }) => text(env.EDGEFLOW_VERSION)),
];
