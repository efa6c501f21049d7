import type { ModelRef } from "@edgeflow/core";
import { type ServedVersion, servedVersion } from "./models";
import type { RequestContext } from "./routes/route";

/** The header naming the version that answered (after a traffic split, the one the request id picked). */
export const MODEL_VERSION_HEADER = "X-Edgeflow-Model-Version";
/** Present when a shadow version was handed a copy of the request. */
export const SHADOW_VERSION_HEADER = "X-Edgeflow-Shadow-Version";

/** Builds the answer of one model request with a given version (the live one, or the shadow). */
export type Answer = (served: ServedVersion) => Promise<Response>;

/**
 * One model request: the version resolved (an alias's traffic split choosing by request id), the
 * answer built with it and labelled, and, when the alias has a shadow, the same answer built again
 * with the shadow version after the response is sent — its result and failures are dropped, so
 * the caller's answer and latency do not depend on it.
 */
export async function serve(ctx: RequestContext, ref: ModelRef, answer: Answer): Promise<Response> {
  const served = await servedVersion(ctx.env, ref, ctx.authorization, ctx.requestId);
  const response = await answer(served);
  response.headers.set(MODEL_VERSION_HEADER, served.identity.version ?? served.identity.id);
  const shadow = served.identity.shadowVersion;
  if (shadow !== null) {
    response.headers.set(SHADOW_VERSION_HEADER, String(shadow));
    ctx.waitUntil(runShadow(ctx, { name: served.identity.name, version: shadow }, answer));
  }
  return response;
}

async function runShadow(ctx: RequestContext, ref: ModelRef, answer: Answer): Promise<void> {
  try {
    const served = await servedVersion(ctx.env, ref, ctx.authorization, ctx.requestId);
    // Drained, so a streamed answer runs to its end as it would for a caller.
    await (await answer(served)).arrayBuffer();
  } catch (error) {
    console.warn(`Shadow version ${JSON.stringify(ref)} failed: ${(error as Error).message}`);
  }
}
