import type { D1Migration } from "cloudflare:test";
import type { TrackingEnv } from "../workers/tracking/src/env";

declare global {
  namespace Cloudflare {
    interface Env extends TrackingEnv {
      TEST_MIGRATIONS: D1Migration[];
    }
  }
}
