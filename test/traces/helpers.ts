import { SELF } from "cloudflare:test";
import { encodeExportRequest, hex, randomBytes, type TestSpan } from "./otlp-encoder";

const BASE = "http://127.0.0.1:5000";

export interface Reply<T = Record<string, unknown>> {
  status: number;
  body: T;
}

/** Calls /api/<version>/mlflow/<path>: GET sends `body` as the query string, others as JSON. */
export async function call<T = Record<string, unknown>>(
  method: string,
  path: string,
  body: Record<string, unknown> = {},
  version = "3.0",
): Promise<Reply<T>> {
  let url = `${BASE}/api/${version}/mlflow/${path}`;
  const init: RequestInit = { method };
  if (method === "GET") {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(body)) {
      for (const item of Array.isArray(value) ? value : [value]) params.append(key, String(item));
    }
    url += `?${params}`;
  } else {
    init.headers = { "Content-Type": "application/json" };
    init.body = JSON.stringify(body);
  }
  const response = await SELF.fetch(url, init);
  return { status: response.status, body: (await response.json()) as T };
}

export async function sendSpans(experimentId: string, spans: TestSpan[]): Promise<Response> {
  return SELF.fetch(`${BASE}/v1/traces`, {
    method: "POST",
    headers: { "Content-Type": "application/x-protobuf", "x-mlflow-experiment-id": experimentId },
    body: encodeExportRequest(spans),
  });
}

/** A finished two-span trace as the MLflow client exports it; returns its ids and spans. */
export function clientTrace(startMs = Date.now()) {
  const traceId = randomBytes(16);
  const mlflowId = `tr-${hex(traceId)}`;
  const root = randomBytes(8);
  const child = randomBytes(8);
  const start = BigInt(startMs) * 1_000_000n + 123_456n;
  const spans: TestSpan[] = [
    {
      traceId,
      spanId: root,
      name: "predict",
      start,
      end: start + 50_000_000n,
      attributes: {
        "mlflow.traceRequestId": mlflowId,
        "mlflow.spanType": '"CHAIN"',
        "mlflow.spanInputs": '{"x": 1}',
        count: 3n,
        ratio: 0.5,
        flag: true,
        list: ["a", 2n],
        nested: { k: "v" },
      },
      status: { code: 1 },
    },
    {
      traceId,
      spanId: child,
      parentSpanId: root,
      name: "child",
      start: start + 1_000_000n,
      end: start + 40_000_000n,
      attributes: { "mlflow.traceRequestId": mlflowId, "mlflow.spanType": '"LLM"' },
      events: [{ name: "exception", time: start + 2_000_000n, attributes: { "exception.message": "boom" } }],
      status: { code: 2, message: "failed" },
    },
  ];
  return { traceId, mlflowId, root, child, start, spans };
}

export function traceInfo(
  experimentId: string,
  traceId: string,
  requestTimeMs: number,
  extra: Record<string, unknown> = {},
) {
  return {
    trace: {
      trace_info: {
        trace_id: traceId,
        trace_location: { type: "MLFLOW_EXPERIMENT", mlflow_experiment: { experiment_id: experimentId } },
        request_time: new Date(requestTimeMs).toISOString(),
        execution_duration: "0.050s",
        state: "OK",
        trace_metadata: { "mlflow.traceInputs": '{"x": 1}' },
        tags: { "mlflow.traceName": "predict" },
        ...extra,
      },
    },
  };
}
