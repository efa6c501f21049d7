import { handleRequest } from "./app";
import type { TrackingEnv } from "./env";

export default {
  fetch: (request, env, ctx) => handleRequest(request, env, ctx),
} satisfies ExportedHandler<TrackingEnv>;
