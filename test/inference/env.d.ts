import type { D1Migration } from "cloudflare:test";
import type { InferenceEnv } from "../../workers/inference/src/env";

declare global {
  namespace Cloudflare {
    interface Env extends InferenceEnv {
      TEST_MIGRATIONS: D1Migration[];
    }
  }
}
