import { cappedPayload } from "../inference/request-logging";
import type { ServedRequestTrace } from "../traces/serving-log";
import type { EndpointKind, Json, TokenUsage } from "./providers/provider";

/**
 * A gateway call as an MLflow 3 trace, shaped as MLflow 3.11's gateway writes one
 * (mlflow/gateway/tracing_utils.py, providers/base.py): a root span `gateway/<endpoint>` with the
 * caller's payload and the answer, one LLM span `provider/<provider>/<model>` per model tried with
 * its token usage, and the endpoint's id and request type in the trace's metadata. Secrets are in
 * neither: the payload is the caller's, attempts carry provider and model names only.
 */

/** One model tried: what its span records. */
export interface GatewayAttempt {
  provider: string;
  modelName: string;
  startMs: number;
  durationMs: number;
  /** The failure's message, already scrubbed of secrets; absent when it answered. */
  error?: string;
  usage?: TokenUsage;
}

export interface GatewayCallRecord {
  traceId: string;
  experimentId: string;
  endpointId: string;
  endpointName: string;
  kind: EndpointKind;
  requestId: string;
  payload: Json;
  /** The llm/v1 answer (a stream's, put together), or the error answered. */
  output: unknown;
  status: number;
  startMs: number;
  durationMs: number;
  attempts: readonly GatewayAttempt[];
}

/** MLflow's GatewayRequestType for the unified routes; completions have none in MLflow 3.x. */
const REQUEST_TYPES: Partial<Record<EndpointKind, string>> = {
  "llm/v1/chat": "unified/chat",
  "llm/v1/embeddings": "unified/embeddings",
};

const METHODS: Record<EndpointKind, string> = {
  "llm/v1/chat": "chat",
  "llm/v1/completions": "completions",
  "llm/v1/embeddings": "embeddings",
};

/** Bodies kept in a trace, each at most this many bytes (as the inference worker's request logs). */
const MAX_PAYLOAD_BYTES = 16 * 1024;

export const newGatewayTraceId = () => `tr-${crypto.randomUUID().replaceAll("-", "")}`;

export function gatewayTrace(call: GatewayCallRecord): ServedRequestTrace {
  const requestType = REQUEST_TYPES[call.kind];
  return {
    traceId: call.traceId,
    experimentId: call.experimentId,
    runId: null,
    requestId: call.requestId,
    name: `gateway/${call.endpointName}`,
    spanType: "LLM",
    startMs: call.startMs,
    durationMs: call.durationMs,
    status: call.status,
    inputs: cappedPayload(JSON.stringify(call.payload), MAX_PAYLOAD_BYTES).json,
    outputs: cappedPayload(JSON.stringify(call.output ?? null), MAX_PAYLOAD_BYTES).json,
    attributes: { endpoint_id: call.endpointId, endpoint_name: call.endpointName },
    tags: {},
    metadata: {
      "mlflow.gateway.endpointId": call.endpointId,
      ...(requestType ? { "mlflow.gateway.requestType": requestType } : {}),
    },
    children: call.attempts.map((attempt) => ({
      name: `provider/${attempt.provider}/${attempt.modelName}`,
      spanType: "LLM",
      startMs: attempt.startMs,
      durationMs: attempt.durationMs,
      error: attempt.error,
      attributes: {
        "mlflow.llm.provider": attempt.provider,
        "mlflow.llm.model": attempt.modelName,
        method: METHODS[call.kind],
        ...(attempt.usage ? { "mlflow.chat.tokenUsage": attempt.usage } : {}),
      },
    })),
  };
}

/** A chat or completions stream's chunks put together as one answer, as MLflow's output reducer does. */
export function aggregateChunks(kind: EndpointKind, chunks: readonly Json[]): Json | null {
  if (chunks.length === 0) return null;
  const texts = new Map<number, { text: string; finish: unknown }>();
  for (const chunk of chunks) {
    for (const choice of (Array.isArray(chunk.choices) ? chunk.choices : []) as Json[]) {
      const index = typeof choice.index === "number" ? choice.index : 0;
      const state = texts.get(index) ?? { text: "", finish: null };
      const delta = (choice.delta ?? {}) as Json;
      if (typeof delta.content === "string") state.text += delta.content;
      if (choice.finish_reason) state.finish = choice.finish_reason;
      texts.set(index, state);
    }
  }
  const last = chunks.at(-1) as Json;
  return {
    id: last.id ?? null,
    object: kind === "llm/v1/completions" ? "text_completion" : "chat.completion",
    created: last.created ?? null,
    model: last.model ?? null,
    choices: [...texts.entries()]
      .sort(([a], [b]) => a - b)
      .map(([index, state]) =>
        kind === "llm/v1/completions"
          ? { index, text: state.text, finish_reason: state.finish ?? "stop" }
          : {
              index,
              message: { role: "assistant", content: state.text || null },
              finish_reason: state.finish ?? "stop",
            },
      ),
  };
}
