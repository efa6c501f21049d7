import type { Principal, ReadScope, SecretBox, TrackingContext } from "@edgeflow/core";
import type { Guard, Landing } from "@edgeflow/http";

/** What a route's handler learns about auth (auth/gate.ts builds it). */
export interface RequestAuth extends Guard {
  /** False when EDGEFLOW_AUTH is off: then nobody is authenticated and everything is allowed. */
  enabled: boolean;
  /** The authenticated caller (undefined when auth is off or the route is public). */
  principal?: Principal;
  /** For non-admin callers: what searches may show them. */
  readScope?: ReadScope;
}

/** Everything a tracking handler is given: the operations' context, where it landed, the caller. */
export interface RequestContext extends Landing {
  tracking: TrackingContext;
  auth: RequestAuth;
  gateway: GatewaySettings;
}

/** What the AI gateway's handlers need of the worker's bindings. */
export interface GatewaySettings {
  /** Seals and opens gateway secrets; undefined when EDGEFLOW_SECRETS_KEY is not set. */
  secrets: SecretBox | undefined;
  /** EDGEFLOW_OUTBOUND_ALLOW: loopback or private hosts a provider's base URL may name. */
  outboundAllow: string[];
  /** GATEWAY_TIMEOUT_MS: how long a provider may take to start answering. */
  timeoutMs: number;
}
