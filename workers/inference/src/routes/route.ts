import type { Route as KitRoute, Landing, Method } from "@edgeflow/http";
import type { InferenceEnv } from "../env";

/**
 * What an inference endpoint demands: nothing (the scoring server's health checks), or READ on
 * the registered model it serves, checked as the version is resolved (models.ts servedVersion).
 * Only "model" rows see the caller's credentials, so a row declared public cannot score a model.
 */
export type InferenceAccess = { kind: "public" } | { kind: "model" };

export const PUBLIC: InferenceAccess = { kind: "public" };
export const MODEL_READ: InferenceAccess = { kind: "model" };

export interface RequestContext extends Landing {
  env: InferenceEnv;
  /** The Authorization header, for "model" rows only. */
  authorization: string | null;
  /** The caller's X-Request-Id when it sent a usable one, else a fresh id; it picks a traffic split's version. */
  requestId: string;
  /** Work that finishes after the response (a shadow version's copy, request logs). */
  waitUntil: (work: Promise<unknown>) => void;
}

/** One endpoint: a packages/http row; "{ref+}" stands for a model reference (it may hold "/"). */
export type Route = KitRoute<RequestContext, InferenceAccess>;

export function route(method: Method, path: string, access: InferenceAccess, handle: Route["handle"]): Route {
  return { method, path, access, handle };
}
