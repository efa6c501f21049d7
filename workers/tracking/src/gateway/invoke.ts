import {
  CallLimitExceeded,
  countCall,
  type EndpointKind,
  type Json,
  LIMIT_TAG,
  PROVIDERS,
  type ProviderTarget,
  parseCallLimit,
  routeOf,
} from "@edgeflow/core";
import { outboundFetch } from "@edgeflow/http";
import { MlflowError } from "@edgeflow/schema";
import type { GatewaySettings, RequestContext } from "../request-context";
import { gatewayEndpoint } from "./endpoint-cache";

/**
 * One gateway invocation: the endpoint's route (primary, then fallbacks), each model called through
 * its provider's mapping until one answers; streamed answers are passed on event by event.
 */

export interface Invocation {
  endpoint: string;
  kind: EndpointKind;
  payload: Json;
  /** `data: [DONE]` at a stream's end: OpenAI's wire has it, MLflow's own does not. */
  doneMarker: boolean;
}

/** Every secret value replaced in a text bound for the caller (a provider may echo a key back). */
function scrubbed(text: string, targets: readonly ProviderTarget[]): string {
  let out = text;
  for (const target of targets) {
    for (const value of Object.values(target.secret))
      if (value.length >= 4) out = out.split(value).join("***");
  }
  return out;
}

function providerOf(target: ProviderTarget, kind: EndpointKind) {
  const provider = PROVIDERS[target.provider];
  if (!provider) {
    throw MlflowError.invalidParameter(
      `Provider '${target.provider}' is not supported; supported: ${Object.keys(PROVIDERS).join(", ")}.`,
    );
  }
  if (!provider.kinds.includes(kind)) {
    throw new MlflowError(
      "NOT_IMPLEMENTED",
      `The ${kind} route is not implemented for ${target.provider} models.`,
    );
  }
  return provider;
}

/** "Provider openai (gpt-4o)": how every upstream failure names the model it was calling. */
const labelOf = (target: ProviderTarget) => `Provider ${target.provider} (${target.modelName})`;

/** An upstream failure as the caller sees it: 502 for anything the provider did (a timeout is a 504). */
const badGateway = (message: string) => new MlflowError("TEMPORARILY_UNAVAILABLE", message, { status: 502 });

async function call(
  settings: GatewaySettings,
  target: ProviderTarget,
  invocation: Invocation,
  stream: boolean,
) {
  const provider = providerOf(target, invocation.kind);
  const request = provider.request(invocation.kind, invocation.payload, target, stream);
  const timeout = settings.timeoutMs;
  let response: Response;
  try {
    response = await outboundFetch(
      request.url,
      {
        method: "POST",
        headers: request.headers,
        body: JSON.stringify(request.body),
        signal: AbortSignal.timeout(timeout),
      },
      settings.outboundAllow,
      `Provider ${target.provider}`,
    );
  } catch (error) {
    if (error instanceof MlflowError) throw error;
    const name = (error as Error).name;
    if (name === "TimeoutError" || name === "AbortError") {
      throw new MlflowError("DEADLINE_EXCEEDED", `${labelOf(target)} did not answer within ${timeout} ms.`);
    }
    throw badGateway(`${labelOf(target)} could not be reached.`);
  }
  if (!response.ok) {
    const text = await response.text().catch(() => "");
    let detail: string | undefined;
    try {
      detail = provider.errorMessage(JSON.parse(text));
    } catch {
      detail = undefined;
    }
    throw badGateway(`${labelOf(target)} answered ${response.status}${detail ? `: ${detail}` : "."}`);
  }
  return { provider, response };
}

async function answer(
  settings: GatewaySettings,
  target: ProviderTarget,
  invocation: Invocation,
): Promise<Response> {
  const { provider, response } = await call(settings, target, invocation, false);
  let body: Json;
  try {
    body = (await response.json()) as Json;
  } catch {
    throw badGateway(`${labelOf(target)} answered with a body that is not JSON.`);
  }
  return Response.json(provider.response(invocation.kind, body, target));
}

/**
 * The provider's event stream as llm/v1 chunks, each written as it arrives. Once the stream has
 * started its status is sent: a failure later is a last `error` event.
 */
async function streamed(
  settings: GatewaySettings,
  target: ProviderTarget,
  invocation: Invocation,
): Promise<Response> {
  const { provider, response } = await call(settings, target, invocation, true);
  const upstream = response.body;
  if (!upstream) throw badGateway(`${labelOf(target)} sent no stream.`);
  const encoder = new TextEncoder();
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
  const writer = writable.getWriter();
  const send = (data: unknown) => writer.write(encoder.encode(`data: ${JSON.stringify(data)}\n\n`));
  void (async () => {
    let buffer = "";
    try {
      const reader = upstream.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let newline = buffer.indexOf("\n");
        while (newline >= 0) {
          const line = buffer.slice(0, newline).trim();
          buffer = buffer.slice(newline + 1);
          newline = buffer.indexOf("\n");
          if (!line.startsWith("data:")) continue;
          const data = line.slice(5).trim();
          if (data === "[DONE]") continue;
          let event: Json;
          try {
            event = JSON.parse(data) as Json;
          } catch {
            throw new Error("malformed event");
          }
          for (const chunk of provider.chunk(invocation.kind, event, target)) await send(chunk);
        }
      }
    } catch {
      await send({
        error: {
          error_code: "TEMPORARILY_UNAVAILABLE",
          message: `The stream from provider ${target.provider} (${target.modelName}) broke off.`,
        },
      });
    } finally {
      if (invocation.doneMarker) await writer.write(encoder.encode("data: [DONE]\n\n"));
      await writer.close();
    }
  })();
  return new Response(readable, {
    headers: { "Content-Type": "text/event-stream", "Cache-Control": "no-cache" },
  });
}

/**
 * Tries the route's models in order (MLflow's FallbackProvider: any failure moves on); the last
 * failure is what the caller gets, with no secret in its text.
 */
export async function invoke(
  rc: RequestContext,
  invocation: Invocation,
  requestId: string,
): Promise<Response> {
  const route = routeOf(await gatewayEndpoint(rc, invocation.endpoint), requestId);
  const limit = route.tags[LIMIT_TAG];
  if (limit !== undefined) {
    try {
      await countCall(rc.tracking, route.endpointId, parseCallLimit(limit));
    } catch (error) {
      if (!(error instanceof CallLimitExceeded)) throw error;
      const response = Response.json(error.toJSON(), { status: 429 });
      response.headers.set("Retry-After", String(error.retryAfterSeconds));
      return response;
    }
  }
  const stream = invocation.payload.stream === true;
  let last: unknown;
  for (const target of route.attempts) {
    try {
      const response = await (stream
        ? streamed(rc.gateway, target, invocation)
        : answer(rc.gateway, target, invocation));
      response.headers.set("X-Edgeflow-Gateway-Model", target.definitionName);
      return response;
    } catch (error) {
      last = error;
    }
  }
  if (last instanceof MlflowError) {
    const message = scrubbed(last.message, route.attempts);
    const prefix =
      route.attempts.length > 1 ? `All ${route.attempts.length} attempts failed. Last error: ` : "";
    throw new MlflowError(last.errorCode, `${prefix}${message}`, { status: last.httpStatus });
  }
  throw last;
}
