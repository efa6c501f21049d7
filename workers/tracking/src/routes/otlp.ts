import * as core from "@edgeflow/core";
import { MlflowError } from "@edgeflow/schema";
import * as rule from "../auth/rules";
import { readOtlpBody } from "../http/otlp-body";
import type { Route } from "./route";

/**
 * OpenTelemetry's OTLP/HTTP trace export at /v1/traces, as MLflow 3.11's otel_api.py serves it:
 * protobuf only (MLflow refuses OTLP's JSON encoding with the same 400), optionally gzip- or
 * deflate-compressed, for the experiment named by the x-mlflow-experiment-id header. The rule
 * (EDIT on that experiment) is checked by the gate before this handler runs.
 */

/** OTLP/HTTP bodies, received and decompressed: MLflow's client sends one trace's spans at a time. */
export const OTLP_MAX_BODY_BYTES = 16 * 1024 * 1024;
export const EXPERIMENT_ID_HEADER = "x-mlflow-experiment-id";
const PROTOBUF = "application/x-protobuf";

/** OTLP errors are FastAPI's in MLflow: `{"detail": ...}` with the status. */
function detail(status: number, message: string): Response {
  return new Response(JSON.stringify({ detail: message }), {
    status,
    headers: { "Content-Type": "application/json" },
  });
}

export const otlpRoutes: Route[] = [
  {
    method: "POST",
    path: "/v1/traces",
    access: rule.experiment("update", rule.otlpExperiment),
    async handle(request, ctx) {
      try {
        // Protobuf only: like every endpoint here, no body a browser form could send cross-site.
        const contentType = request.headers.get("Content-Type");
        if (contentType !== PROTOBUF) {
          return detail(400, `Invalid Content-Type: ${contentType}. Expected: ${PROTOBUF}`);
        }
        const experimentId = request.headers.get(EXPERIMENT_ID_HEADER);
        if (experimentId === null) return detail(422, `Missing required header: ${EXPERIMENT_ID_HEADER}`);
        const spans = core.decodeExportTraceRequest(await readOtlpBody(request, OTLP_MAX_BODY_BYTES));
        const byTrace = new Map<string, typeof spans>();
        for (const span of spans) byTrace.set(span.traceId, [...(byTrace.get(span.traceId) ?? []), span]);
        for (const traceSpans of byTrace.values())
          await core.logSpans(ctx.tracking, experimentId, traceSpans);
        // An empty ExportTraceServiceResponse (no partial success), as protobuf.
        return new Response(new Uint8Array(0), { status: 200, headers: { "Content-Type": PROTOBUF } });
      } catch (error) {
        if (error instanceof core.OtlpFormatError) return detail(error.status, error.message);
        // MLflow answers a store error in FastAPI's form; anything else leaves through the gate.
        if (error instanceof MlflowError) {
          return detail(
            error.httpStatus === 404 ? 422 : error.httpStatus,
            `Cannot store OpenTelemetry spans: ${error.message}`,
          );
        }
        throw error;
      }
    },
  },
];
