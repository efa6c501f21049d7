import { handleRequest } from "./app";
import type { InferenceEnv } from "./env";

export default {
  fetch: (request, env, ctx) => handleRequest(request, env, ctx),
} satisfies ExportedHandler<InferenceEnv>;
