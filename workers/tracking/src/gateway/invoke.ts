import {
  aggregateChunks,
  BudgetExceeded,
  type BudgetState,
  CallLimitExceeded,
  checkBudgets,
  costOfAnswer,
  countCall,
  type EndpointKind,
  type GatewayAttempt,
  type GatewayRoute,
  gatewayTrace,
  type Json,
  LIMIT_TAG,
  loadBudgetStates,
  newGatewayTraceId,
  PROVIDERS,
  type ProviderCall,
  type ProviderTarget,
  parseCallLimit,
  recordBudgetSpend,
  recordServedRequests,
  routeOf,
  type TokenUsage,
  usageOfAnswer,
} from "@edgeflow/core";
import { outboundFetch } from "@edgeflow/http";
import { MlflowError } from "@edgeflow/schema";
import type { GatewaySettings, RequestContext } from "../request-context";
import { gatewayEndpoint } from "./endpoint-cache";

/**
 * One gateway invocation: the endpoint's route (primary, then fallbacks), each model called through
 * its provider's mapping until one answers; streamed answers are passed on event by event. With
 * the endpoint's usage tracking on, the call becomes a trace in its experiment once it is over.
 */

export interface Invocation {
  endpoint: string;
  kind: EndpointKind;
  payload: Json;
  /** `data: [DONE]` at a stream's end: OpenAI's wire has it, MLflow's own does not. */
  doneMarker: boolean;
  /** The caller's Authorization header: passed on to Edgeflow's own models only (they check it). */
  authorization: string | null;
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

const unbound = (target: ProviderTarget, binding: string, hint: string) =>
  badGateway(
    `${labelOf(target)} needs the tracking worker's ${binding} binding, which is not bound; ${hint}`,
  );

/** The call sent the way its provider says: the internet (allow-listed), or a binding. */
async function send(
  settings: GatewaySettings,
  target: ProviderTarget,
  request: ProviderCall,
  invocation: Invocation,
  signal: AbortSignal,
): Promise<Response> {
  const body = JSON.stringify(request.body);
  switch (request.via) {
    case "internet":
      return outboundFetch(
        request.url,
        { method: "POST", headers: request.headers, body, signal },
        settings.outboundAllow,
        `Provider ${target.provider}`,
      );
    case "INFERENCE": {
      if (!settings.inference) {
        throw unbound(target, "INFERENCE", "see wrangler.toml's [[services]] (docs/gateway.md).");
      }
      const headers: Record<string, string> = { ...request.headers };
      if (invocation.authorization) headers.Authorization = invocation.authorization;
      // The host is a placeholder: a service binding delivers to its worker whatever the URL says.
      return settings.inference.fetch(`https://inference.internal${request.url}`, {
        method: "POST",
        headers,
        body,
        signal,
      });
    }
    case "AI": {
      const ai = settings.ai;
      if (!ai) {
        throw unbound(
          target,
          "AI",
          'add [ai] binding = "AI" to wrangler.toml, or name an account_id in the secret\'s auth_config to use the REST API.',
        );
      }
      const aborted = new Promise<never>((_, reject) =>
        signal.addEventListener("abort", () => reject(signal.reason), { once: true }),
      );
      let answer: unknown;
      try {
        answer = await Promise.race([ai.run(request.url, request.body), aborted]);
      } catch (error) {
        const name = (error as Error).name;
        if (name === "TimeoutError" || name === "AbortError") throw error;
        throw badGateway(`${labelOf(target)} failed: ${(error as Error).message}`);
      }
      return answer instanceof ReadableStream
        ? new Response(answer, { headers: { "Content-Type": "text/event-stream" } })
        : Response.json(answer);
    }
  }
}

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
    response = await send(settings, target, request, invocation, AbortSignal.timeout(timeout));
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

/** What one invocation has learnt by its end, for its trace. */
interface CallLog {
  attempts: GatewayAttempt[];
  /** The answer (a stream's, put together) once there is one. */
  output?: unknown;
  usage?: TokenUsage;
  /** The call's cost in USD, where the provider's answer reports one (budgets count it). */
  cost?: number;
}

async function answer(
  settings: GatewaySettings,
  target: ProviderTarget,
  invocation: Invocation,
  log: CallLog,
): Promise<Response> {
  const { provider, response } = await call(settings, target, invocation, false);
  let body: Json;
  try {
    body = (await response.json()) as Json;
  } catch {
    throw badGateway(`${labelOf(target)} answered with a body that is not JSON.`);
  }
  const mapped = provider.response(invocation.kind, body, target);
  log.output = mapped;
  log.usage = usageOfAnswer(mapped);
  log.cost = costOfAnswer(body);
  return Response.json(mapped);
}

/**
 * The provider's event stream as llm/v1 chunks, each written as it arrives. Once the stream has
 * started its status is sent: a failure later is a last `error` event. `done` runs when it ends.
 */
async function streamed(
  settings: GatewaySettings,
  target: ProviderTarget,
  invocation: Invocation,
  log: CallLog,
  done: (error?: string) => void,
): Promise<Response> {
  const { provider, response } = await call(settings, target, invocation, true);
  const upstream = response.body;
  if (!upstream) throw badGateway(`${labelOf(target)} sent no stream.`);
  const encoder = new TextEncoder();
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
  const writer = writable.getWriter();
  const send = (data: unknown) => writer.write(encoder.encode(`data: ${JSON.stringify(data)}\n\n`));
  const chunks: Json[] = [];
  void (async () => {
    let buffer = "";
    let failure: string | undefined;
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
          const usage = provider.streamUsage?.(event);
          if (usage) log.usage = { ...log.usage, ...usage };
          log.cost = costOfAnswer(event) ?? log.cost;
          for (const chunk of provider.chunk(invocation.kind, event, target)) {
            chunks.push(chunk);
            await send(chunk);
          }
        }
      }
    } catch {
      failure = `The stream from provider ${target.provider} (${target.modelName}) broke off.`;
      await send({ error: { error_code: "TEMPORARILY_UNAVAILABLE", message: failure } }).catch(
        () => undefined,
      );
    } finally {
      if (invocation.doneMarker)
        await writer.write(encoder.encode("data: [DONE]\n\n")).catch(() => undefined);
      await writer.close().catch(() => undefined);
      log.output = aggregateChunks(invocation.kind, chunks);
      done(failure);
    }
  })();
  return new Response(readable, {
    headers: { "Content-Type": "text/event-stream", "Cache-Control": "no-cache" },
  });
}

/** The call as a trace in the endpoint's experiment, written after the answer (never costing it). */
function recordCall(
  rc: RequestContext,
  route: GatewayRoute,
  invocation: Invocation,
  requestId: string,
  startMs: number,
  log: CallLog,
  status: number,
): void {
  const experimentId = route.traceExperimentId;
  if (experimentId === null) return;
  const trace = gatewayTrace({
    traceId: newGatewayTraceId(),
    experimentId,
    endpointId: route.endpointId,
    endpointName: route.name,
    kind: invocation.kind,
    requestId,
    payload: invocation.payload,
    output: log.output,
    status,
    startMs,
    durationMs: Date.now() - startMs,
    attempts: log.attempts,
  });
  rc.waitUntil(
    recordServedRequests(rc.tracking, [trace]).catch((error) => {
      console.warn(`Gateway trace for endpoint '${route.name}' dropped: ${(error as Error).message}`);
    }),
  );
}

/**
 * Budget policies and their current windows' spend, kept per isolate for BUDGET_TTL_MS (MLflow's
 * tracker refreshes from its database on an interval too): while it is fresh a call's budget
 * check costs no D1 round trip. This isolate's budget writes empty it at once (routes/gateway.ts).
 */
export const BUDGET_TTL_MS = 5_000;
let budgets: { states: BudgetState[]; at: number } | undefined;

export function forgetBudgets(): void {
  budgets = undefined;
}

async function budgetStates(rc: RequestContext): Promise<BudgetState[]> {
  const now = Date.now();
  if (budgets && now - budgets.at < BUDGET_TTL_MS) return budgets.states;
  const states = await loadBudgetStates(rc.tracking);
  budgets = { states, at: now };
  return states;
}

/** A priced call's cost added to every budget's current window, after the answer. */
function recordSpend(rc: RequestContext, route: GatewayRoute, log: CallLog): void {
  const cost = log.cost;
  if (cost === undefined) return;
  rc.waitUntil(
    (async () => {
      const states = await budgetStates(rc);
      if (states.length === 0) return;
      const at = budgets?.at ?? Date.now();
      budgets = { states: await recordBudgetSpend(rc.tracking, states, cost), at };
    })().catch((error) => {
      console.warn(`Gateway spend for endpoint '${route.name}' dropped: ${(error as Error).message}`);
    }),
  );
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
  try {
    checkBudgets(await budgetStates(rc), rc.tracking.now());
  } catch (error) {
    if (!(error instanceof BudgetExceeded)) throw error;
    // As MLflow's check_budget_limit: a 429, and an error trace where usage is tracked.
    const log: CallLog = { attempts: [], output: error.toJSON() };
    recordCall(rc, route, invocation, requestId, Date.now(), log, 429);
    const response = Response.json(error.toJSON(), { status: 429 });
    response.headers.set("Retry-After", String(error.retryAfterSeconds));
    return response;
  }
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
  const startMs = Date.now();
  const log: CallLog = { attempts: [] };
  let last: unknown;
  for (const target of route.attempts) {
    const attempt: GatewayAttempt = {
      provider: target.provider,
      modelName: target.modelName,
      startMs: Date.now(),
      durationMs: 0,
    };
    log.attempts.push(attempt);
    const finish = (error?: string) => {
      attempt.durationMs = Date.now() - attempt.startMs;
      if (error !== undefined) attempt.error = error;
      if (log.usage) attempt.usage = log.usage;
    };
    try {
      const response = await (stream
        ? streamed(rc.gateway, target, invocation, log, (error) => {
            finish(error);
            recordCall(rc, route, invocation, requestId, startMs, log, 200);
            recordSpend(rc, route, log);
          })
        : answer(rc.gateway, target, invocation, log));
      if (!stream) {
        finish();
        recordCall(rc, route, invocation, requestId, startMs, log, 200);
        recordSpend(rc, route, log);
      }
      response.headers.set("X-Edgeflow-Gateway-Model", target.definitionName);
      return response;
    } catch (error) {
      finish(scrubbed(error instanceof Error ? error.message : String(error), route.attempts));
      last = error;
    }
  }
  if (last instanceof MlflowError) {
    const message = scrubbed(last.message, route.attempts);
    const prefix =
      route.attempts.length > 1 ? `All ${route.attempts.length} attempts failed. Last error: ` : "";
    const failure = new MlflowError(last.errorCode, `${prefix}${message}`, { status: last.httpStatus });
    log.output = failure.toJSON();
    recordCall(rc, route, invocation, requestId, startMs, log, failure.httpStatus);
    throw failure;
  }
  throw last;
}
