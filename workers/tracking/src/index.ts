import { handleRequest } from "./app";
import type { TrackingEnv } from "./env";

export default {
  fetch: (request, env) => handleRequest(request, env),
} satisfies ExportedHandler<TrackingEnv>;
