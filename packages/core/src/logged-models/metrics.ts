import { loggedModelMetrics, loggedModels, type MetricWire } from "@edgeflow/schema";
import { inArray, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { TrackingContext } from "../context";
import { jsonRows, jsonValues } from "../json-rows";
import { encodeMetricValue } from "../tracking/metric-values";
import { loggedModelNotFound } from "./reader";

/** [model_id, key, timestamp, step, value, is_nan, dataset_name, dataset_digest] */
type ModelPointRow = [string, string, number, number, number, 0 | 1, string | null, string | null];

function modelPointRows(metrics: readonly MetricWire[]): ModelPointRow[] {
  const unique = new Map<string, ModelPointRow>();
  for (const metric of metrics) {
    if (!metric.model_id) continue;
    const { value, isNan } = encodeMetricValue(metric.value);
    const row: ModelPointRow = [
      metric.model_id,
      metric.key,
      metric.timestamp,
      metric.step ?? 0,
      value,
      isNan ? 1 : 0,
      metric.dataset_name || null,
      metric.dataset_digest || null,
    ];
    // MLflow's key for a model's metric point: (model, key, timestamp, step, run).
    unique.set(JSON.stringify(row.slice(0, 4)), row);
  }
  return [...unique.values()];
}

/** Metrics naming a logged model must name one that exists (checked before the batch). */
export async function requireMetricModels(
  ctx: TrackingContext,
  metrics: readonly MetricWire[],
): Promise<void> {
  const ids = [...new Set(metrics.flatMap((m) => (m.model_id ? [m.model_id] : [])))];
  if (ids.length === 0) return;
  const found = await ctx.db
    .select({ id: loggedModels.modelId })
    .from(loggedModels)
    .where(inArray(loggedModels.modelId, jsonValues(ids)));
  const known = new Set(found.map((row) => row.id));
  const missing = ids.find((id) => !known.has(id));
  if (missing !== undefined) throw loggedModelNotFound(missing);
}

/**
 * The statement that also records metrics carrying a model_id against their logged model, for
 * the log-batch transaction. One JSON parameter carries every point; a point already stored for
 * the same (model, key, timestamp, step, run) is not stored twice, and the join on logged_models
 * keeps a model deleted meanwhile from failing the batch on its foreign key.
 */
export function modelMetricStatements(
  ctx: TrackingContext,
  runId: string,
  metrics: readonly MetricWire[],
): BatchItem<"sqlite">[] {
  const rows = modelPointRows(metrics);
  if (rows.length === 0) return [];
  return [
    ctx.db
      .insert(loggedModelMetrics)
      .select(
        sql`select j.value->>0, j.value->>1, j.value->>2, j.value->>3, j.value->>4, j.value->>5, ${runId}, j.value->>6, j.value->>7 from ${jsonRows(rows)} as j join ${loggedModels} on ${loggedModels.modelId} = j.value->>0 where not exists (select 1 from ${loggedModelMetrics} m where m.model_id = j.value->>0 and m.metric_name = j.value->>1 and m.metric_timestamp_ms = j.value->>2 and m.metric_step = j.value->>3 and m.run_id = ${runId})`,
      ),
  ];
}
