import { type MetricBandWire, type MetricWithRunIdWire, metrics } from "@edgeflow/schema";
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import type { TrackingContext } from "../context";
import { limits } from "../limits";
import { decodeMetricValue } from "./metric-values";
import { metricToWire } from "./wire";

/**
 * Downsampling for get-history-bulk-interval without ever scanning a long history.
 *
 * MLflow's rule (abstract_store.py, 3.5.1): of the n distinct steps in [start, end] across the
 * runs, keep those at index int(i * (n / max)) for i < max, plus the last one, plus each run's
 * first and last step when in range. Applied literally it reads every step, so:
 * - when the steps in range span at most `EXACT_SPAN` values, the distinct steps are read (a
 *   bounded index range) and the rule is applied as MLflow does;
 * - wider, sample i is the first logged step at or after start + int(i * (span / max)): one index
 *   seek per run and sample. For contiguous steps (the usual `step += 1` logging) this is exactly
 *   MLflow's choice; with gaps it spreads samples evenly over steps rather than over indexes.
 * Either way the rows read and returned are bounded by runs × (max + 3).
 */
const EXACT_SPAN = 25_000;

export interface SampledHistory {
  metrics: MetricWithRunIdWire[];
  bands: MetricBandWire[];
}

export interface SampleRequest {
  runIds: string[];
  metricKey: string;
  start?: number;
  end?: number;
  maxResults: number;
  minMax: boolean;
}

/** Each run's first and last step: two index seeks per run. */
async function runEdges(ctx: TrackingContext, ids: string, key: string): Promise<number[]> {
  const rows = await ctx.db.all<{ lo: number | null; hi: number | null }>(sql`
    select (select min(step) from metrics where run_uuid = r.value and key = ${key}) as lo,
           (select max(step) from metrics where run_uuid = r.value and key = ${key}) as hi
    from json_each(${ids}) as r`);
  return rows.flatMap((row) => (row.lo === null || row.hi === null ? [] : [row.lo, row.hi]));
}

/** MLflow's index sampling over the distinct steps in [lo, hi] (a span of at most EXACT_SPAN). */
async function exactSample(ctx: TrackingContext, ids: string, req: SampleRequest, lo: number, hi: number) {
  const rows = await ctx.db.all<{ step: number }>(sql`
    select distinct step from metrics
    where run_uuid in (select value from json_each(${ids})) and key = ${req.metricKey}
      and step between ${lo} and ${hi}
    order by step`);
  const steps = rows.map((row) => row.step);
  if (steps.length <= req.maxResults) return steps;
  const interval = steps.length / req.maxResults;
  const sampled: number[] = [];
  for (let i = 0; i < req.maxResults; i++) sampled.push(steps[Math.trunc(i * interval)] as number);
  sampled.push(steps[steps.length - 1] as number);
  return sampled;
}

/** Evenly spaced step values in [lo, hi], each moved to the first step logged at or after it. */
async function seekSample(ctx: TrackingContext, ids: string, req: SampleRequest, lo: number, hi: number) {
  const interval = (hi - lo + 1) / req.maxResults;
  const rows = await ctx.db.all<{ step: number | null }>(sql`
    with recursive i(k) as (select 0 union all select k + 1 from i where k < ${req.maxResults - 1}),
    targets as (select ${lo} + cast(k * ${interval} as integer) as t from i)
    select min((select step from metrics
                where run_uuid = r.value and key = ${req.metricKey} and step >= t and step <= ${hi}
                order by step limit 1)) as step
    from targets, json_each(${ids}) as r
    group by t
    union
    select max((select step from metrics
                where run_uuid = r.value and key = ${req.metricKey} and step <= ${hi}
                order by step desc limit 1))
    from json_each(${ids}) as r`);
  return rows.flatMap((row) => (row.step === null ? [] : [row.step]));
}

/**
 * Each run's min and max value from each sampled step up to the next (the last step alone).
 * CROSS JOIN pins SQLite's loop order: per run and interval, one index range of the metric.
 */
async function bandsOf(ctx: TrackingContext, ids: string, key: string, steps: number[]) {
  const bounds = steps.map((step, i) => [step, steps[i + 1] ?? step + 1]);
  const rows = await ctx.db.all<{
    run_id: string;
    step: number;
    end_step: number;
    min_value: number;
    max_value: number;
  }>(sql`
    select r.value as run_id, b.value ->> 0 as step, max(m.step) as end_step,
      min(m.value) as min_value, max(m.value) as max_value
    from json_each(${ids}) as r cross join json_each(${JSON.stringify(bounds)}) as b cross join metrics m
    where m.run_uuid = r.value and m.key = ${key}
      and m.step >= b.value ->> 0 and m.step < b.value ->> 1 and m.is_nan = 0
    group by r.key, b.key
    order by r.key, b.key`);
  return rows.map((row) => ({
    ...row,
    min_value: decodeMetricValue(row.min_value, false),
    max_value: decodeMetricValue(row.max_value, false),
  }));
}

export async function sampleMetricHistory(ctx: TrackingContext, req: SampleRequest): Promise<SampledHistory> {
  const ids = JSON.stringify(req.runIds);
  const edges = await runEdges(ctx, ids, req.metricKey);
  if (edges.length === 0) return { metrics: [], bands: [] };
  const start = req.start ?? 0;
  const end = req.end ?? Math.max(...edges);
  const lo = Math.max(start, Math.min(...edges));
  const hi = Math.min(end, Math.max(...edges));
  const sampled =
    lo > hi
      ? []
      : hi - lo + 1 <= EXACT_SPAN
        ? await exactSample(ctx, ids, req, lo, hi)
        : await seekSample(ctx, ids, req, lo, hi);
  const stepSet = new Set([...sampled, ...edges.filter((step) => step >= start && step <= end)]);
  const steps = [...stepSet].sort((a, b) => a - b);
  if (steps.length === 0) return { metrics: [], bands: [] };
  const rows = await ctx.db
    .select()
    .from(metrics)
    .where(
      and(
        inArray(metrics.runUuid, sql`(select value from json_each(${ids}))`),
        eq(metrics.key, req.metricKey),
        inArray(metrics.step, sql`(select value from json_each(${JSON.stringify(steps)}))`),
      ),
    )
    .orderBy(asc(metrics.runUuid), asc(metrics.step), asc(metrics.timestamp), asc(metrics.value));
  // MLflow returns runs in request order, each capped at 25,000 points.
  const byRun = new Map<string, MetricWithRunIdWire[]>();
  for (const row of rows) {
    const list = byRun.get(row.runUuid) ?? [];
    if (list.length < limits.metricHistoryPage) list.push({ ...metricToWire(row), run_id: row.runUuid });
    byRun.set(row.runUuid, list);
  }
  return {
    metrics: req.runIds.flatMap((runId) => byRun.get(runId) ?? []),
    bands: req.minMax ? await bandsOf(ctx, ids, req.metricKey, steps) : [],
  };
}
