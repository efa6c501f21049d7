import { traceRequestMetadata } from "@edgeflow/schema";
import { sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { TrackingContext } from "../context";
import type { IngestedSpan } from "../otlp/trace-service";
import { spanAttribute } from "../otlp/trace-service";

/**
 * What MLflow 3.11's log_spans derives from spans for the trace's info (sqlalchemy_store.py):
 * the request and response previews from the root span's inputs and outputs, and token usage,
 * cost and session id summed or taken over every span, into the trace's request metadata.
 * MLflow 3.5.1 derives none of these; its clients send them with StartTraceV3, which keeps them.
 */

export const TOKEN_USAGE_METADATA = "mlflow.trace.tokenUsage";
export const COST_METADATA = "mlflow.trace.cost";
export const SESSION_METADATA = "mlflow.trace.session";

const SPAN_INPUTS = "mlflow.spanInputs";
const SPAN_OUTPUTS = "mlflow.spanOutputs";
const SPAN_TOKEN_USAGE = "mlflow.chat.tokenUsage";
const SPAN_COST = "mlflow.llm.cost";
const SESSION_ID = "session.id";

const TOKEN_USAGE_KEYS = [
  "input_tokens",
  "output_tokens",
  "total_tokens",
  "cache_read_input_tokens",
  "cache_creation_input_tokens",
];
const COST_KEYS = ["input_cost", "output_cost", "total_cost"];

/** MLflow's TRACE_REQUEST_RESPONSE_PREVIEW_MAX_LENGTH_OSS, in characters (code points). */
export const PREVIEW_MAX_LENGTH = 1000;

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);
const isMessage = (item: unknown): item is Json => isObject(item) && "role" in item && "content" in item;

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Chat messages in OpenAI's request, response, Responses API or ResponsesAgent shapes. */
function messagesOf(obj: unknown): Json[] | undefined {
  if (!isObject(obj)) return undefined;
  const { messages, choices, input, output } = obj;
  if (Array.isArray(messages) && messages.length) return messages.filter(isMessage);
  if (Array.isArray(choices) && isObject(choices[0]) && isMessage(choices[0].message)) {
    return [choices[0].message];
  }
  if (Array.isArray(input) && input.length) return input.filter(isMessage);
  if (Array.isArray(output) && output.length) return output.filter(isMessage);
  if ("request" in obj) return messagesOf(obj.request);
  return undefined;
}

function textOf(message: Json): string | undefined {
  const { content } = message;
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  for (const part of content) {
    if (typeof part === "string") return part;
    if (isObject(part) && (part.type === "text" || part.type === "output_text")) {
      return typeof part.text === "string" ? part.text : undefined;
    }
  }
  return "";
}

/** MLflow's _get_truncated_preview: the last message of `role` if it is a chat, else the JSON. */
export function previewOf(value: string, role: "user" | "assistant"): string {
  let content: string | undefined;
  const messages = messagesOf(parseJson(value));
  if (messages?.length) {
    const last = [...messages].reverse().find((m) => m.role === role) ?? messages[messages.length - 1];
    content = textOf(last as Json);
  }
  const chars = Array.from(content || value);
  return chars.length <= PREVIEW_MAX_LENGTH
    ? chars.join("")
    : `${chars.slice(0, PREVIEW_MAX_LENGTH - 3).join("")}...`;
}

/** Sums `keys` over JSON objects given as text; undefined when no span had any. */
function sumOf(
  values: unknown[],
  keys: readonly string[],
  allKeys: boolean,
): Record<string, number> | undefined {
  let total: Record<string, number> | undefined;
  for (const raw of values) {
    const usage = typeof raw === "string" ? parseJson(raw) : undefined;
    if (!isObject(usage) || Object.keys(usage).length === 0) continue;
    total ??= {};
    for (const key of keys) {
      const add = Number(usage[key] ?? 0);
      if ((allKeys || key in usage || key in total) && Number.isFinite(add))
        total[key] = (total[key] ?? 0) + add;
    }
  }
  return total && Object.keys(total).length > 0 ? total : undefined;
}

export interface DerivedInfo {
  requestPreview?: string;
  responsePreview?: string;
  tokenUsage?: Record<string, number>;
  cost?: Record<string, number>;
  sessionId?: string;
}

export function deriveTraceInfo(batch: readonly IngestedSpan[]): DerivedInfo {
  const root = batch.find((span) => span.parentSpanIdHex === undefined);
  const text = (span: IngestedSpan | undefined, key: string) => {
    const value = span ? spanAttribute(span.json, key) : undefined;
    return typeof value === "string" && value !== "" ? value : undefined;
  };
  const inputs = text(root, SPAN_INPUTS);
  const outputs = text(root, SPAN_OUTPUTS);
  const session = batch.map((span) => text(span, SESSION_ID)).find((id) => id !== undefined);
  return {
    requestPreview: inputs === undefined ? undefined : previewOf(inputs, "user"),
    responsePreview: outputs === undefined ? undefined : previewOf(outputs, "assistant"),
    tokenUsage: sumOf(
      batch.map((span) => spanAttribute(span.json, SPAN_TOKEN_USAGE)),
      TOKEN_USAGE_KEYS,
      false,
    ),
    cost: sumOf(
      batch.map((span) => spanAttribute(span.json, SPAN_COST)),
      COST_KEYS,
      true,
    ),
    sessionId: session,
  };
}

/**
 * Adds `amounts` to the JSON object stored under `key`, in the statement itself (D1 runs each
 * statement alone, so concurrent exports of one trace's spans cannot lose each other's sums).
 */
function addToMetadata(
  ctx: TrackingContext,
  traceId: string,
  key: string,
  amounts: Record<string, number>,
): BatchItem<"sqlite"> {
  const old = sql`CASE WHEN json_valid(${traceRequestMetadata.value}) AND json_type(${traceRequestMetadata.value}) = 'object' THEN ${traceRequestMetadata.value} ELSE '{}' END`;
  return ctx.db
    .insert(traceRequestMetadata)
    .values({ traceId, key, value: JSON.stringify(amounts) })
    .onConflictDoUpdate({
      target: [traceRequestMetadata.traceId, traceRequestMetadata.key],
      set: {
        value: sql`(SELECT json_group_object(k, total) FROM (SELECT k, SUM(v) AS total FROM (SELECT key AS k, value AS v FROM json_each(${old}) UNION ALL SELECT key, value FROM json_each(excluded.value)) GROUP BY k))`,
      },
    });
}

/** The metadata statements of `derived`; previews go with the trace info's own update. */
export function derivedMetadataStatements(
  ctx: TrackingContext,
  traceId: string,
  derived: DerivedInfo,
): BatchItem<"sqlite">[] {
  const statements: BatchItem<"sqlite">[] = [];
  if (derived.tokenUsage)
    statements.push(addToMetadata(ctx, traceId, TOKEN_USAGE_METADATA, derived.tokenUsage));
  if (derived.cost) statements.push(addToMetadata(ctx, traceId, COST_METADATA, derived.cost));
  if (derived.sessionId !== undefined) {
    statements.push(
      ctx.db
        .insert(traceRequestMetadata)
        .values({ traceId, key: SESSION_METADATA, value: derived.sessionId })
        .onConflictDoNothing(),
    );
  }
  return statements;
}
