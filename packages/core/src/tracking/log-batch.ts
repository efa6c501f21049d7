import {
  type Infer,
  type LogBatch,
  latestMetrics,
  type MetricWire,
  MlflowError,
  metrics,
  params,
  runs,
  tags,
} from "@edgeflow/schema";
import { and, eq, inArray, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { TrackingContext } from "../context";
import { databaseErrorText, runAtomically } from "../db";
import { jsonRows, jsonValues } from "../json-rows";
import { limits } from "../limits";
import { modelMetricStatements, requireMetricModels } from "../logged-models/metrics";
import {
  validateBatchLimit,
  validateMetric,
  validateParam,
  validateRunId,
  validateRunTag,
} from "../validation";
import { encodeMetricValue } from "./metric-values";
import { getRunRow, requireActiveRun } from "./run-reader";
import { RUN_NAME_TAG } from "./system-tags";

/** What a log-batch request logs; a metric with a model_id also belongs to that logged model. */
export type RunData = Omit<Infer<typeof LogBatch.spec>, "run_id">;

/** A stored metric point: [key, step, timestamp, value, isNan] — the JSON row shape fed to SQLite. */
type PointRow = [string, number, number, number, 0 | 1];

const PARAM_CONFLICT = "EDGEFLOW_PARAM_CONFLICT";

function validateRunData(data: RunData) {
  const metricInputs = data.metrics ?? [];
  const paramInputs = (data.params ?? []).map((p) => ({ key: p.key, value: p.value ?? "" }));
  const tagInputs = (data.tags ?? []).map((t) => ({ key: t.key, value: t.value ?? "" }));
  for (const metric of metricInputs) validateMetric(metric.key, metric.timestamp);
  for (const param of paramInputs) validateParam(param.key, param.value);
  for (const tag of tagInputs) validateRunTag(tag.key, tag.value);
  validateBatchLimit("metrics", limits.metricsPerBatch, metricInputs.length);
  validateBatchLimit("params", limits.paramsOrTagsPerBatch, paramInputs.length);
  validateBatchLimit("tags", limits.paramsOrTagsPerBatch, tagInputs.length);
  validateBatchLimit(
    "metrics, params, and tags",
    limits.entitiesPerBatch,
    metricInputs.length + paramInputs.length + tagInputs.length,
  );
  const seen = new Set<string>();
  const duplicates = paramInputs.map((p) => p.key).filter((key) => seen.size === seen.add(key).size);
  if (duplicates.length > 0) {
    throw MlflowError.invalidParameter(
      `Duplicate parameter keys have been submitted: [${duplicates.map((k) => `'${k}'`).join(", ")}]. Please ensure the request contains only one param value per param key.`,
    );
  }
  return { metricInputs, paramInputs, tagInputs };
}

function toPointRows(metricInputs: MetricWire[]): PointRow[] {
  const unique = new Map<string, PointRow>();
  for (const metric of metricInputs) {
    const { value, isNan } = encodeMetricValue(metric.value);
    const row: PointRow = [metric.key, metric.step ?? 0, metric.timestamp, value, isNan ? 1 : 0];
    unique.set(JSON.stringify(row), row);
  }
  return [...unique.values()];
}

/** (step, timestamp, value) decides which point is a metric's latest, as in MLflow. */
function isNewer(a: PointRow, b: PointRow): boolean {
  if (a[1] !== b[1]) return a[1] > b[1];
  if (a[2] !== b[2]) return a[2] > b[2];
  return a[3] > b[3];
}

function latestPerKey(points: PointRow[]): PointRow[] {
  const latest = new Map<string, PointRow>();
  for (const point of points) {
    const current = latest.get(point[0]);
    if (!current || isNewer(point, current)) latest.set(point[0], point);
  }
  return [...latest.values()];
}

/**
 * Statements that log metric points. The whole batch travels as one JSON parameter expanded by
 * json_each: a 1,000-point batch is two statements with two parameters each, far inside D1's
 * 100-parameter limit and faster than 16-row multi-value INSERTs (measured on local D1: about 68k vs 36k
 * points/s through drizzle; docs/architecture.md, "Limits as design inputs").
 */
function metricStatements(ctx: TrackingContext, runId: string, points: PointRow[]): BatchItem<"sqlite">[] {
  if (points.length === 0) return [];
  const latest = latestPerKey(points);
  return [
    ctx.db
      .insert(metrics)
      .select(
        sql`select ${runId}, j.value->>0, j.value->>1, j.value->>2, j.value->>3, j.value->>4 from ${jsonRows(points)} as j where true`,
      )
      .onConflictDoNothing(),
    ctx.db
      .insert(latestMetrics)
      .select(
        sql`select ${runId}, j.value->>0, j.value->>3, j.value->>2, j.value->>1, j.value->>4 from ${jsonRows(latest)} as j where true`,
      )
      .onConflictDoUpdate({
        target: [latestMetrics.runUuid, latestMetrics.key],
        set: {
          value: sql`excluded.value`,
          timestamp: sql`excluded.timestamp`,
          step: sql`excluded.step`,
          isNan: sql`excluded.is_nan`,
        },
        setWhere: sql`(excluded.step, excluded.timestamp, excluded.value) > (${latestMetrics.step}, ${latestMetrics.timestamp}, ${latestMetrics.value})`,
      }),
  ];
}

function paramStatements(ctx: TrackingContext, runId: string, rows: { key: string; value: string }[]) {
  if (rows.length === 0) return [];
  // A trigger (migration 0001) aborts the transaction if a key exists with another value;
  // re-logging the same value is a no-op, as in MLflow.
  return [
    ctx.db
      .insert(params)
      .select(
        sql`select ${runId}, j.value->>0, j.value->>1 from ${jsonRows(rows.map((r) => [r.key, r.value]))} as j where true`,
      )
      .onConflictDoNothing(),
  ];
}

function tagStatements(ctx: TrackingContext, runId: string, rows: { key: string; value: string }[]) {
  if (rows.length === 0) return [];
  // Later values win when a key repeats, as MLflow's set_tags resolves it.
  const byKey = new Map(rows.map((row) => [row.key, row.value]));
  const runName = byKey.get(RUN_NAME_TAG);
  return [
    ctx.db
      .insert(tags)
      .select(sql`select ${runId}, j.value->>0, j.value->>1 from ${jsonRows([...byKey])} as j where true`)
      .onConflictDoUpdate({ target: [tags.runUuid, tags.key], set: { value: sql`excluded.value` } }),
    ...(runName === undefined
      ? []
      : [ctx.db.update(runs).set({ name: runName }).where(eq(runs.runUuid, runId))]),
  ];
}

async function paramConflictError(
  ctx: TrackingContext,
  runId: string,
  attempted: { key: string; value: string }[],
): Promise<MlflowError> {
  const existing = await ctx.db
    .select()
    .from(params)
    .where(and(eq(params.runUuid, runId), inArray(params.key, jsonValues(attempted.map((p) => p.key)))));
  const oldValues = new Map(existing.map((row) => [row.key, row.value]));
  const conflicts = attempted.filter((p) => oldValues.has(p.key) && oldValues.get(p.key) !== p.value);
  const [single] = conflicts;
  if (conflicts.length === 1 && attempted.length === 1 && single) {
    return MlflowError.invalidParameter(
      `Changing param values is not allowed. Param with key='${single.key}' was already logged with value='${oldValues.get(single.key)}' for run ID='${runId}'. Attempted logging new value '${single.value}'.`,
    );
  }
  const described = conflicts
    .map((p) => `{'key': '${p.key}', 'old_value': '${oldValues.get(p.key)}', 'new_value': '${p.value}'}`)
    .join(", ");
  return MlflowError.invalidParameter(
    `Changing param values is not allowed. Params were already logged='[${described}]' for run ID='${runId}'.`,
  );
}

/** Logs metrics, params and tags to an active run as one transaction: all of it lands or none. */
export async function logRunData(ctx: TrackingContext, runId: string, data: RunData): Promise<void> {
  validateRunId(runId);
  const { metricInputs, paramInputs, tagInputs } = validateRunData(data);
  requireActiveRun(await getRunRow(ctx, runId));
  await requireMetricModels(ctx, metricInputs);
  try {
    await runAtomically(ctx.db, [
      ...paramStatements(ctx, runId, paramInputs),
      ...metricStatements(ctx, runId, toPointRows(metricInputs)),
      ...modelMetricStatements(ctx, runId, metricInputs),
      ...tagStatements(ctx, runId, tagInputs),
    ]);
  } catch (error) {
    if (databaseErrorText(error).includes(PARAM_CONFLICT)) {
      throw await paramConflictError(ctx, runId, paramInputs);
    }
    throw error;
  }
}
