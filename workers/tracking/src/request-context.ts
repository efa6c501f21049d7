import type { Caller, Principal, ReadScope, SecretBox, TrackingContext } from "@edgeflow/core";
import type { Guard, Landing } from "@edgeflow/http";

/** What a route's handler learns about auth (auth/gate.ts builds it). */
export interface RequestAuth extends Guard {
  /** False when EDGEFLOW_AUTH is off: then nobody is authenticated and everything is allowed. */
  enabled: boolean;
  /** The authenticated caller (undefined when auth is off or the route is public). */
  principal?: Principal;
  /** The caller with the default permission (undefined when auth is off or the route is public). */
  caller?: Caller;
  /** For non-admin callers: what searches may show them. */
  readScope?: ReadScope;
}

/** Everything a tracking handler is given: the operations' context, where it landed, the caller. */
export interface RequestContext extends Landing {
  tracking: TrackingContext;
  auth: RequestAuth;
  gateway: GatewaySettings;
  /** Work that goes on after the response (the Workers ExecutionContext's waitUntil). */
  waitUntil(work: Promise<unknown>): void;
  /** Serves another request in this worker, through the same gate (the UI's gateway proxy). */
  subrequest(request: Request): Promise<Response>;
}

/** What Workers AI's binding offers the gateway: `run(model, inputs)`, an answer or an event stream. */
export interface WorkersAi {
  run(model: string, inputs: Record<string, unknown>): Promise<unknown>;
}

/** What the AI gateway's handlers need of the worker's bindings. */
export interface GatewaySettings {
  /** Seals and opens gateway secrets; undefined when EDGEFLOW_SECRETS_KEY is not set. */
  secrets: SecretBox | undefined;
  /** EDGEFLOW_OUTBOUND_ALLOW: loopback or private hosts a provider's base URL may name. */
  outboundAllow: string[];
  /** GATEWAY_TIMEOUT_MS: how long a provider may take to start answering. */
  timeoutMs: number;
  /** The inference worker (service binding INFERENCE): the `edgeflow` provider's way there. */
  inference: Fetcher | undefined;
  /** Workers AI (binding AI): the `cloudflare` provider's way there when bound. */
  ai: WorkersAi | undefined;
}
