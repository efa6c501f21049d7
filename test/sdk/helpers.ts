import { SELF } from "cloudflare:test";
import { createClient, type MlflowClient } from "@edgeflow/sdk";

export const BASE = "http://127.0.0.1:5000";

/** The worker under test as a fetch function. */
export const workerFetch = (request: Request) => SELF.fetch(request);

/** What the client sent, and a hook to answer (or fail) in the server's place. */
export interface Wire {
  requests: Request[];
  /** Return a Response to answer instead of the worker, throw to fail like a dropped connection. */
  before?: (request: Request, index: number) => Response | undefined;
  /** Runs after the worker answered: throw to lose the answer (the server has done the work). */
  after?: (request: Request, index: number) => void;
}

/** An SDK client whose fetch is the worker under test (workerd, local D1), and the S3 server for part URLs. */
export function sdkClient(options: Parameters<typeof createClient>[0] = {}): {
  client: MlflowClient;
  wire: Wire;
} {
  const wire: Wire = { requests: [] };
  const client = createClient({
    trackingUri: BASE,
    retry: { baseDelayMs: 1, maxDelayMs: 5 },
    ...options,
    fetch: async (request) => {
      const index = wire.requests.push(request.clone()) - 1;
      const replaced = wire.before?.(request, index);
      if (replaced) return replaced;
      // The worker at BASE; anything else is the bucket's presigned part URLs, on the S3 server.
      const response =
        new URL(request.url).origin === BASE ? await SELF.fetch(request) : await fetch(request);
      wire.after?.(request, index);
      return response;
    },
  });
  return { client, wire };
}

export const isLogBatch = (request: Request) => new URL(request.url).pathname.endsWith("/runs/log-batch");
