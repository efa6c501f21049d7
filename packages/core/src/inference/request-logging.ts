import { MlflowError, REQUEST_LOGGING_TAG } from "@edgeflow/schema";

/**
 * Request logging, per registered model, off unless its `edgeflow.request_logging` tag turns it
 * on: every invocation becomes an MLflow 3 trace (latency, status, version) in an experiment, with
 * a sampled, size-capped copy of the request and response bodies. Headers are never recorded.
 *
 *   "true"                                                 defaults below
 *   {"experiment_id": "3", "sample_rate": 0.1, "max_payload_bytes": 4096}
 */
export { REQUEST_LOGGING_TAG };

export interface RequestLogging {
  /** Where the traces go; null: the version's source run's experiment, else the Default (0). */
  experimentId: string | null;
  /** The share of requests whose bodies are copied (decided by request id); 0 to 1. */
  sampleRate: number;
  /** Each body's copy is cut to this many bytes (UTF-8). */
  maxPayloadBytes: number;
}

export const REQUEST_LOGGING_DEFAULTS: RequestLogging = {
  experimentId: null,
  sampleRate: 1,
  maxPayloadBytes: 8 * 1024,
};
/** A span's attributes stay inline in D1 (traces' INLINE_SPAN_BYTES is 64 KiB). */
const MAX_PAYLOAD_BYTES = 16 * 1024;

const refuse = (detail: string) =>
  MlflowError.invalidParameter(
    `Tag '${REQUEST_LOGGING_TAG}' ${detail}: use "true", "false" or {"experiment_id": "<id>", "sample_rate": 0.1, "max_payload_bytes": 4096}.`,
  );

/** The tag's value, checked; null when it turns logging off. */
export function parseRequestLoggingTag(value: string | null): RequestLogging | null {
  const text = (value ?? "").trim().toLowerCase();
  if (text === "true" || text === "on") return REQUEST_LOGGING_DEFAULTS;
  if (text === "false" || text === "off" || text === "") return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value ?? "");
  } catch {
    throw refuse("is neither a switch nor JSON");
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) throw refuse("must be an object");
  const { experiment_id, sample_rate, max_payload_bytes, ...unknown } = parsed as Record<string, unknown>;
  const extra = Object.keys(unknown);
  if (extra.length) throw refuse(`has unknown field(s) ${extra.join(", ")}`);
  if (experiment_id !== undefined && !(typeof experiment_id === "string" && /^\d{1,18}$/.test(experiment_id)))
    throw refuse("has an experiment_id that is not an experiment id string");
  if (sample_rate !== undefined && !(typeof sample_rate === "number" && sample_rate >= 0 && sample_rate <= 1))
    throw refuse("has a sample_rate outside 0..1");
  if (
    max_payload_bytes !== undefined &&
    !(
      typeof max_payload_bytes === "number" &&
      Number.isInteger(max_payload_bytes) &&
      max_payload_bytes >= 0 &&
      max_payload_bytes <= MAX_PAYLOAD_BYTES
    )
  )
    throw refuse(`has a max_payload_bytes outside 0..${MAX_PAYLOAD_BYTES}`);
  return {
    experimentId: (experiment_id as string | undefined) ?? null,
    sampleRate: (sample_rate as number | undefined) ?? REQUEST_LOGGING_DEFAULTS.sampleRate,
    maxPayloadBytes: (max_payload_bytes as number | undefined) ?? REQUEST_LOGGING_DEFAULTS.maxPayloadBytes,
  };
}

/**
 * A body's copy for a trace: JSON text as is when it fits, else a JSON string of its first bytes
 * (whole characters) with "…" — still valid JSON, as MLflow's span attributes must be.
 */
export function cappedPayload(text: string, maxBytes: number): { json: string; truncated: boolean } {
  const bytes = new TextEncoder().encode(text);
  if (bytes.byteLength <= maxBytes) {
    try {
      JSON.parse(text);
      return { json: text, truncated: false };
    } catch {
      return { json: JSON.stringify(text), truncated: false };
    }
  }
  const head = new TextDecoder().decode(bytes.subarray(0, maxBytes)).replace(/\uFFFD$/, "");
  return { json: JSON.stringify(`${head}…`), truncated: true };
}
