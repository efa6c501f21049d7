import {
  cappedPayload,
  hashOf,
  type RequestLogging,
  recordServedRequests,
  type ServedRequestTrace,
} from "@edgeflow/core";
import type { ServedVersion } from "./models";
import { registryOf } from "./models";
import type { RequestContext } from "./routes/route";

/**
 * Invocations of models whose request-logging tag is on, recorded as MLflow 3 traces after the
 * response: queued in this isolate and written together, one D1 batch for whatever is queued when
 * a request's FLUSH_DELAY_MS timer fires (or at once at MAX_BATCH). Each request waits on its own
 * timer only (Workers does not let one request await another's promises); the first timer to
 * fire writes the others' traces too, and theirs then find the queue empty.
 * Only the bodies are copied, never a header (no Authorization, no cookies).
 */
const FLUSH_DELAY_MS = 25;
/** Each trace is at most ~2 × 16 KiB of payload: 25 keep one batch's JSON parameters far below D1's 2 MB. */
const MAX_BATCH = 25;

interface Queued {
  db: ReturnType<typeof registryOf>;
  trace: ServedRequestTrace;
}

let queue: Queued[] = [];

async function flush(): Promise<void> {
  const batch = queue;
  queue = [];
  const byDatabase = new Map<Queued["db"], ServedRequestTrace[]>();
  for (const { db, trace } of batch) {
    const traces = byDatabase.get(db);
    if (traces) traces.push(trace);
    else byDatabase.set(db, [trace]);
  }
  for (const [db, traces] of byDatabase) {
    try {
      await recordServedRequests(
        {
          db,
          now: Date.now,
          artifactRoot: "mlflow-artifacts:/",
          get artifacts(): never {
            throw new Error("request logs are rows only");
          },
        },
        traces,
      );
    } catch (error) {
      // Logging must never cost a caller their answer; the batch is dropped and said so.
      console.warn(`Request log batch of ${traces.length} dropped: ${(error as Error).message}`);
    }
  }
}

function enqueue(ctx: RequestContext, trace: ServedRequestTrace): void {
  queue.push({ db: registryOf(ctx.env), trace });
  const later =
    queue.length >= MAX_BATCH ? Promise.resolve() : new Promise((r) => setTimeout(r, FLUSH_DELAY_MS));
  ctx.waitUntil(later.then(flush));
}

const newTraceId = () => `tr-${crypto.randomUUID().replaceAll("-", "")}`;

export interface Invocation {
  /** The root span's name: the endpoint, e.g. "invocations". */
  endpoint: string;
  requestBody: string;
  startMs: number;
  /** Set for the shadow's copy of a request. */
  shadow?: boolean;
}

/**
 * Records one invocation when the served model logs requests: status and latency always, the
 * bodies when the request id falls in the sample, and returns the response to send. A sampled
 * JSON answer is read here and sent from that copy (a clone's branch would wait on the caller
 * reading theirs); a streamed (event-stream) answer is passed on uncopied.
 */
export async function logInvocation(
  ctx: RequestContext,
  served: ServedVersion,
  invocation: Invocation,
  response: Response | { status: number; errorBody: string },
): Promise<Response | undefined> {
  const logging = served.identity.requestLogging;
  if (!logging) return response instanceof Response ? response : undefined;
  const durationMs = Date.now() - invocation.startMs;
  const sampled = hashOf(`sample\n${ctx.requestId}`) / 0x1_0000_0000 < logging.sampleRate;
  let outputs: string | undefined;
  let answer: Response | undefined;
  if (!(response instanceof Response)) outputs = response.errorBody;
  else if (sampled && !response.headers.get("Content-Type")?.startsWith("text/event-stream")) {
    outputs = await response.text();
    answer = new Response(outputs, response);
  } else answer = response;
  enqueue(ctx, traceOf(ctx, served, invocation, logging, response.status, durationMs, sampled, outputs));
  return answer;
}

function traceOf(
  ctx: RequestContext,
  served: ServedVersion,
  invocation: Invocation,
  logging: RequestLogging,
  status: number,
  durationMs: number,
  sampled: boolean,
  outputs: string | undefined,
): ServedRequestTrace {
  const { identity } = served;
  const inputs = sampled ? cappedPayload(invocation.requestBody, logging.maxPayloadBytes) : undefined;
  const answer =
    sampled && outputs !== undefined ? cappedPayload(outputs, logging.maxPayloadBytes) : undefined;
  const payload = !sampled ? "not_sampled" : inputs?.truncated || answer?.truncated ? "truncated" : "sampled";
  return {
    traceId: newTraceId(),
    experimentId: logging.experimentId,
    runId: identity.runId,
    requestId: ctx.requestId,
    name: invocation.endpoint,
    startMs: invocation.startMs,
    durationMs,
    status,
    inputs: inputs?.json,
    outputs: answer?.json,
    tags: {
      "mlflow.traceName": invocation.endpoint,
      "edgeflow.model.name": identity.name,
      "edgeflow.model.version": identity.version ?? "",
      "edgeflow.status": String(status),
      "edgeflow.payload": payload,
      ...(invocation.shadow ? { "edgeflow.shadow": "true" } : {}),
    },
    metadata: {
      "edgeflow.request_id": ctx.requestId,
      "edgeflow.latency_ms": String(durationMs),
      // MLflow 3 links traces to the logged model behind a version through this key.
      ...(identity.modelId ? { "mlflow.modelId": identity.modelId } : {}),
    },
  };
}
