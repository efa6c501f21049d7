import { ExpiringCache } from "@edgeflow/adapters";
import { type GatewayEndpointModels, loadGatewayEndpoint } from "@edgeflow/core";
import type { RequestContext } from "../request-context";

/**
 * Gateway endpoints as invocations use them (models, weights, opened secrets), kept per isolate for
 * GATEWAY_ENDPOINT_TTL_MS: building one costs two D1 round trips and a decryption per model, a
 * few milliseconds a call. Any change made through this isolate's store API empties it at once;
 * one made through another isolate is seen here within the TTL (as the inference worker's alias
 * targets are). The secrets held are the ones the next call would open anyway.
 */
export const GATEWAY_ENDPOINT_TTL_MS = 5_000;

const endpoints = new ExpiringCache<GatewayEndpointModels>(GATEWAY_ENDPOINT_TTL_MS, 500);

export async function gatewayEndpoint(rc: RequestContext, name: string): Promise<GatewayEndpointModels> {
  const now = Date.now();
  const cached = endpoints.get(name, now);
  if (cached) return cached;
  const loaded = await loadGatewayEndpoint(rc.tracking, rc.gateway.secrets, name);
  endpoints.set(name, loaded, now);
  return loaded;
}

/** After any write to the gateway's store. */
export function forgetGatewayEndpoints(): void {
  endpoints.clear();
}
