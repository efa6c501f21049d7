import type { MetricBandWire, MetricWithRunIdWire } from "@edgeflow/schema";
import { sql } from "drizzle-orm";
import type { TrackingContext } from "../context";
import { jsonRows, jsonValues } from "../json-rows";
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

interface RunSpan {
  runId: string;
  lo: number;
  hi: number;
}

/** Each run's first and last step: two index seeks per run. */
async function runSpans(ctx: TrackingContext, runIds: readonly string[], key: string): Promise<RunSpan[]> {
  const rows = await ctx.db.all<{ runId: string; lo: number | null; hi: number | null }>(sql`
    select r.value as runId,
           (select min(step) from metrics where run_uuid = r.value and key = ${key}) as lo,
           (select max(step) from metrics where run_uuid = r.value and key = ${key}) as hi
    from ${jsonRows(runIds)} as r`);
  return rows.flatMap((row) =>
    row.lo === null || row.hi === null ? [] : [{ runId: row.runId, lo: row.lo, hi: row.hi }],
  );
}

/**
 * The distinct steps in [lo, hi] across the runs. When one run alone logged every step of the
 * range (the usual `step += 1` history), that is the whole range, known from that run's index
 * range only; otherwise every run's range is read.
 */
async function distinctSteps(
  ctx: TrackingContext,
  runIds: readonly string[],
  key: string,
  spans: RunSpan[],
  lo: number,
  hi: number,
) {
  const covering = spans.find((span) => span.lo <= lo && span.hi >= hi);
  if (covering) {
    const [row] = await ctx.db.all<{ n: number }>(sql`
      select count(distinct step) as n from metrics
      where run_uuid = ${covering.runId} and key = ${key} and step between ${lo} and ${hi}`);
    if (row?.n === hi - lo + 1) return Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);
  }
  const rows = await ctx.db.all<{ step: number }>(sql`
    select distinct step from metrics
    where run_uuid in ${jsonValues(runIds)} and key = ${key}
      and step between ${lo} and ${hi}
    order by step`);
  return rows.map((row) => row.step);
}

/** MLflow's index sampling over the distinct steps in [lo, hi] (a span of at most EXACT_SPAN). */
async function exactSample(
  ctx: TrackingContext,
  runIds: readonly string[],
  req: SampleRequest,
  spans: RunSpan[],
  lo: number,
  hi: number,
) {
  const steps = await distinctSteps(ctx, runIds, req.metricKey, spans, lo, hi);
  if (steps.length <= req.maxResults) return steps;
  const interval = steps.length / req.maxResults;
  const sampled: number[] = [];
  for (let i = 0; i < req.maxResults; i++) sampled.push(steps[Math.trunc(i * interval)] as number);
  sampled.push(steps[steps.length - 1] as number);
  return sampled;
}

/** Evenly spaced step values in [lo, hi], each moved to the first step logged at or after it. */
async function seekSample(
  ctx: TrackingContext,
  runIds: readonly string[],
  req: SampleRequest,
  lo: number,
  hi: number,
) {
  const interval = (hi - lo + 1) / req.maxResults;
  const rows = await ctx.db.all<{ step: number | null }>(sql`
    with recursive i(k) as (select 0 union all select k + 1 from i where k < ${req.maxResults - 1}),
    targets as (select ${lo} + cast(k * ${interval} as integer) as t from i)
    select min((select step from metrics
                where run_uuid = r.value and key = ${req.metricKey} and step >= t and step <= ${hi}
                order by step limit 1)) as step
    from targets, ${jsonRows(runIds)} as r
    group by t
    union
    select max((select step from metrics
                where run_uuid = r.value and key = ${req.metricKey} and step <= ${hi}
                order by step desc limit 1))
    from ${jsonRows(runIds)} as r`);
  return rows.flatMap((row) => (row.step === null ? [] : [row.step]));
}

/**
 * Each run's min and max value from each sampled step up to the next (the last step alone).
 * CROSS JOIN pins SQLite's loop order: per run and interval, one index range of the metric.
 */
async function bandsOf(ctx: TrackingContext, runIds: readonly string[], key: string, steps: number[]) {
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
    from ${jsonRows(runIds)} as r cross join ${jsonRows(bounds)} as b cross join metrics m
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

/**
 * The points at the chosen steps, in request order. Rows carry the run's index in the request
 * rather than its id and no key (the caller knows both): a 100-run answer moves half the bytes
 * out of D1.
 */
async function sampledRows(ctx: TrackingContext, runIds: readonly string[], key: string, steps: number[]) {
  return ctx.db.all<{ run: number; step: number; timestamp: number; value: number; isNan: number }>(sql`
    select r.key as run, m.step, m.timestamp, m.value, m.is_nan as isNan
    from ${jsonRows(runIds)} as r cross join metrics m
    where m.run_uuid = r.value and m.key = ${key}
      and m.step in ${jsonValues(steps)}
    order by r.key, m.step, m.timestamp, m.value`);
}

export async function sampleMetricHistory(ctx: TrackingContext, req: SampleRequest): Promise<SampledHistory> {
  const spans = await runSpans(ctx, req.runIds, req.metricKey);
  const edges = spans.flatMap((span) => [span.lo, span.hi]);
  if (edges.length === 0) return { metrics: [], bands: [] };
  const start = req.start ?? 0;
  const end = req.end ?? Math.max(...edges);
  const lo = Math.max(start, Math.min(...edges));
  const hi = Math.min(end, Math.max(...edges));
  const sampled =
    lo > hi
      ? []
      : hi - lo + 1 <= EXACT_SPAN
        ? await exactSample(ctx, req.runIds, req, spans, lo, hi)
        : await seekSample(ctx, req.runIds, req, lo, hi);
  const stepSet = new Set([...sampled, ...edges.filter((step) => step >= start && step <= end)]);
  const steps = [...stepSet].sort((a, b) => a - b);
  if (steps.length === 0) return { metrics: [], bands: [] };
  const rows = await sampledRows(ctx, req.runIds, req.metricKey, steps);
  // MLflow returns runs in request order (the query's order), each capped at 25,000 points.
  const out: MetricWithRunIdWire[] = [];
  let current = -1;
  let count = 0;
  for (const row of rows) {
    if (row.run !== current) [current, count] = [row.run, 0];
    if (count++ >= limits.metricHistoryPage) continue;
    out.push({
      ...metricToWire({ ...row, key: req.metricKey, isNan: row.isNan === 1 }),
      run_id: req.runIds[row.run] as string,
    });
  }
  return {
    metrics: out,
    bands: req.minMax ? await bandsOf(ctx, req.runIds, req.metricKey, steps) : [],
  };
}
