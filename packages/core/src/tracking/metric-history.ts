import { type MetricWire, type MetricWithRunIdWire, MlflowError, metrics } from "@edgeflow/schema";
import { and, asc, eq, inArray } from "drizzle-orm";
import type { TrackingContext } from "../context";
import { jsonValues } from "../json-rows";
import { limits } from "../limits";
import { decodePageToken, encodePageToken } from "../search";
import { validateMaxResults } from "../validation";
import { type SampledHistory, sampleMetricHistory } from "./metric-sampling";
import { metricToWire } from "./wire";

/**
 * A metric's full history in (step, timestamp, value) order — the metrics table's primary key
 * order, so no sort is needed. Without max_results everything is returned, as MLflow's server
 * does; with it, pages of at most `metricHistoryPage` points and a page token.
 */
export async function getMetricHistory(
  ctx: TrackingContext,
  runId: string,
  metricKey: string,
  page: { max_results?: number; page_token?: string },
): Promise<{ metrics: MetricWire[]; next_page_token?: string }> {
  const paged = page.max_results !== undefined || page.page_token !== undefined;
  const offset = decodePageToken(page.page_token);
  const limit = paged
    ? validateMaxResults(page.max_results, limits.metricHistoryPage, limits.metricHistoryPage)
    : -1;
  const rows = await ctx.db
    .select({
      key: metrics.key,
      value: metrics.value,
      isNan: metrics.isNan,
      timestamp: metrics.timestamp,
      step: metrics.step,
    })
    .from(metrics)
    .where(and(eq(metrics.runUuid, runId), eq(metrics.key, metricKey)))
    .orderBy(asc(metrics.step), asc(metrics.timestamp), asc(metrics.value))
    .limit(paged ? limit + 1 : -1)
    .offset(offset);
  const hasMore = paged && rows.length > limit;
  return {
    metrics: (hasMore ? rows.slice(0, limit) : rows).map(metricToWire),
    next_page_token: hasMore ? encodePageToken(offset + limit) : undefined,
  };
}

/** Server-side downsampling for charts (metrics/get-history-bulk-interval), with MLflow's rules. */
export async function getMetricHistoryBulkInterval(
  ctx: TrackingContext,
  input: {
    run_ids: string[];
    metric_key: string;
    start_step?: number;
    end_step?: number;
    max_results?: number;
    min_max?: boolean;
  },
): Promise<SampledHistory> {
  const runIds = input.run_ids;
  if (runIds.length > limits.bulkIntervalMaxRuns) {
    throw MlflowError.invalidParameter(
      `GetMetricHistoryBulkInterval request must specify at most ${limits.bulkIntervalMaxRuns} run_ids. Received ${runIds.length} run_ids.`,
    );
  }
  const maxResults = input.max_results ?? limits.bulkIntervalMaxResultsPerRun;
  if (maxResults < 1 || maxResults > limits.bulkIntervalMaxResultsPerRun) {
    throw MlflowError.invalidParameter(
      `max_results must be between 1 and ${limits.bulkIntervalMaxResultsPerRun}.`,
    );
  }
  const { start_step: start, end_step: end } = input;
  if (start !== undefined && end !== undefined && start > end) {
    throw MlflowError.invalidParameter(
      `end_step must be greater than start_step. Found start_step=${start} and end_step=${end}.`,
    );
  }
  if ((start === undefined) !== (end === undefined)) {
    throw MlflowError.invalidParameter(
      "If either start step or end step are specified, both must be specified.",
    );
  }
  return sampleMetricHistory(ctx, {
    runIds,
    metricKey: input.metric_key,
    start,
    end,
    maxResults,
    minMax: input.min_max === true,
  });
}

/** The UI's metrics/get-history-bulk: several runs' histories of one metric, MLflow's order and cap. */
export async function getMetricHistoryBulk(
  ctx: TrackingContext,
  input: { run_id?: string[]; metric_key?: string; max_results?: number },
): Promise<{ metrics: MetricWithRunIdWire[] }> {
  const runIds = input.run_id ?? [];
  if (runIds.length === 0) {
    throw MlflowError.invalidParameter("GetMetricHistoryBulk request must specify at least one run_id.");
  }
  if (runIds.length > limits.bulkIntervalMaxRuns) {
    throw MlflowError.invalidParameter(
      `GetMetricHistoryBulk request cannot specify more than ${limits.bulkIntervalMaxRuns} run_ids. Received ${runIds.length} run_ids.`,
    );
  }
  if (input.metric_key === undefined) {
    throw MlflowError.invalidParameter("GetMetricHistoryBulk request must specify a metric_key.");
  }
  const maxResults = Math.min(input.max_results ?? limits.metricHistoryPage, limits.metricHistoryPage);
  const rows = await ctx.db
    .select()
    .from(metrics)
    .where(and(inArray(metrics.runUuid, jsonValues(runIds)), eq(metrics.key, input.metric_key)))
    .orderBy(asc(metrics.runUuid), asc(metrics.timestamp), asc(metrics.step), asc(metrics.value))
    .limit(Math.max(maxResults, 0));
  return { metrics: rows.map((row) => ({ ...metricToWire(row), run_id: row.runUuid })) };
}
