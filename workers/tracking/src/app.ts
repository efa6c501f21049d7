import { type Database, secretBox, type TrackingContext } from "@edgeflow/core";
import { findRoute, json, outboundAllowList, Router, text } from "@edgeflow/http";
import * as schema from "@edgeflow/schema";
import { drizzle } from "drizzle-orm/d1";
import { artifactStoreOf } from "./artifact-store";
import { openGate } from "./auth/gate";
import type { TrackingEnv } from "./env";
import type { GatewaySettings, RequestAuth } from "./request-context";
import { ROUTE_GROUPS } from "./routes/index";

// Tried in this order; built once per isolate.
const routers = ROUTE_GROUPS.map(({ routes, prefixes }) => new Router(routes, prefixes));

function contextOf(env: TrackingEnv, db: Database, auth: RequestAuth): TrackingContext {
  return {
    db,
    readScope: auth.readScope,
    now: () => Date.now(),
    artifactRoot: env.DEFAULT_ARTIFACT_ROOT || "mlflow-artifacts:/",
    artifactBucket: { name: env.S3_BUCKET ?? "", prefix: env.S3_PREFIX },
    // Built on first use: most requests never touch the bucket.
    get artifacts() {
      return artifactStoreOf(env);
    },
  };
}

/** drizzle over D1, one per binding: building one walks the whole schema (~0.3 ms a request). */
const databases = new WeakMap<D1Database, Database>();
function databaseOf(env: TrackingEnv): Database {
  let db = databases.get(env.DB);
  if (!db) {
    db = drizzle(env.DB, { schema });
    databases.set(env.DB, db);
  }
  return db;
}

/** MLflow's deployments server waits 300 s for a provider; a Worker's request should not. */
const GATEWAY_TIMEOUT_MS = 120_000;

/** Built once per set of bindings (the key is imported once, on first use). */
let gateway: { env: TrackingEnv; settings: GatewaySettings } | undefined;
function gatewayOf(env: TrackingEnv): GatewaySettings {
  if (gateway && gateway.env === env) return gateway.settings;
  const settings: GatewaySettings = {
    secrets: secretBox(env.EDGEFLOW_SECRETS_KEY),
    outboundAllow: outboundAllowList(env.EDGEFLOW_OUTBOUND_ALLOW),
    timeoutMs: Number(env.GATEWAY_TIMEOUT_MS) || GATEWAY_TIMEOUT_MS,
    inference: env.INFERENCE,
    ai: env.AI,
  };
  gateway = { env, settings };
  return settings;
}

/** What the runtime lends a request beyond its response (the Workers ExecutionContext's part we use). */
export interface AfterResponse {
  waitUntil(work: Promise<unknown>): void;
}

/** Outside a Worker (tests calling in directly) later work just runs; failures are its own to log. */
const runDetached: AfterResponse = { waitUntil: (work) => void work.catch(() => undefined) };

export async function handleRequest(
  request: Request,
  env: TrackingEnv,
  after: AfterResponse = runDetached,
): Promise<Response> {
  const url = new URL(request.url);
  // Host check and CORS come first, for every path; credentials are checked per route below.
  const gate = openGate(request, url, env);
  if (gate.early) return gate.early;
  try {
    // Public by design (auth/gate.ts PUBLIC_PATHS): no credentials, no database.
    if (url.pathname === "/health") return gate.finish(text("OK"));
    if (url.pathname === "/version") return gate.finish(text(env.EDGEFLOW_VERSION));
    // What a client needs to find the rest of the deployment (the CLI's default --inference-uri).
    // Read only: any other method falls through to the router's 404 ENDPOINT_NOT_FOUND.
    if (url.pathname === "/edgeflow/info" && (request.method === "GET" || request.method === "HEAD")) {
      return gate.finish(
        json({ version: env.EDGEFLOW_VERSION, inference_url: env.EDGEFLOW_INFERENCE_URL || null }),
      );
    }
    const found = findRoute(routers, request, url);
    if (found instanceof Response) return gate.finish(found);
    const { route, landing } = found;
    const db = databaseOf(env);
    const auth = await gate.admit(route, request, url, landing.tail, db);
    return gate.finish(
      await route.handle(request, {
        ...landing,
        tracking: contextOf(env, db, auth),
        auth,
        gateway: gatewayOf(env),
        waitUntil: (work) => after.waitUntil(work),
        subrequest: (inner) => handleRequest(inner, env, after),
      }),
    );
  } catch (error) {
    return gate.fail(error);
  }
}
