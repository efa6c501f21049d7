import type { ModelRef } from "@edgeflow/core";
import { MlflowError } from "@edgeflow/schema";
import { type ServedVersion, servedVersion } from "./models";
import { type Invocation, logInvocation } from "./request-log";
import type { RequestContext } from "./routes/route";
import { warmUpRuntime } from "./runtime/warm-up";

/** The header naming the version that answered (after a traffic split, the one the request id picked). */
export const MODEL_VERSION_HEADER = "X-Edgeflow-Model-Version";
/** Present when a shadow version was handed a copy of the request. */
export const SHADOW_VERSION_HEADER = "X-Edgeflow-Shadow-Version";

/** Builds the answer of one model request with a given version (the live one, or the shadow). */
export type Answer = (served: ServedVersion) => Promise<Response>;

/** One model request as serve() sees it: which endpoint, and the body it was sent (for request logs). */
export interface ModelRequest {
  ref: ModelRef;
  endpoint: string;
  body: string;
}

/**
 * One model request: the version resolved (an alias's traffic split choosing by request id), the
 * answer built with it, labelled and (when the model logs requests) recorded as a trace, and, when
 * the alias has a shadow, the same answer built again with the shadow version after the response
 * is sent — its result and failures are dropped, so the caller's answer and latency do not
 * depend on it.
 */
export async function serve(ctx: RequestContext, request: ModelRequest, answer: Answer): Promise<Response> {
  // A cold isolate starts its runtime while the lookups below wait on D1 and the bucket.
  ctx.waitUntil(warmUpRuntime());
  const served = await servedVersion(ctx.env, request.ref, ctx.authorization, ctx.requestId);
  const invocation: Invocation = {
    endpoint: request.endpoint,
    requestBody: request.body,
    startMs: Date.now(),
  };
  const response = await answered(ctx, served, invocation, answer);
  response.headers.set(MODEL_VERSION_HEADER, served.identity.version ?? served.identity.id);
  const shadow = served.identity.shadowVersion;
  if (shadow !== null) {
    response.headers.set(SHADOW_VERSION_HEADER, String(shadow));
    ctx.waitUntil(
      runShadow(ctx, { ...request, ref: { name: served.identity.name, version: shadow } }, answer),
    );
  }
  return response;
}

/** The answer, logged whether it succeeded or was refused (a refusal is rethrown unchanged). */
async function answered(
  ctx: RequestContext,
  served: ServedVersion,
  invocation: Invocation,
  answer: Answer,
): Promise<Response> {
  try {
    return (await logInvocation(ctx, served, invocation, await answer(served))) as Response;
  } catch (error) {
    const refusal =
      error instanceof MlflowError
        ? { status: error.httpStatus, errorBody: JSON.stringify(error) }
        : { status: 500, errorBody: JSON.stringify({ error_code: "INTERNAL_ERROR" }) };
    await logInvocation(ctx, served, invocation, refusal);
    throw error;
  }
}

async function runShadow(ctx: RequestContext, request: ModelRequest, answer: Answer): Promise<void> {
  try {
    const served = await servedVersion(ctx.env, request.ref, ctx.authorization, ctx.requestId);
    const invocation = {
      endpoint: request.endpoint,
      requestBody: request.body,
      startMs: Date.now(),
      shadow: true,
    };
    // Drained, so a streamed answer runs to its end as it would for a caller.
    await (await answered(ctx, served, invocation, answer)).arrayBuffer();
  } catch (error) {
    console.warn(`Shadow version ${JSON.stringify(request.ref)} failed: ${(error as Error).message}`);
  }
}
