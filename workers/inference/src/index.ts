import { handleRequest } from "./app";
import type { InferenceEnv } from "./env";

export default {
  fetch: (request, env) => handleRequest(request, env),
} satisfies ExportedHandler<InferenceEnv>;
