import * as core from "@edgeflow/core";
import * as wire from "@edgeflow/schema";
import { type Route, route } from "./route";

export const metricRoutes: Route[] = [
  route(
    "GET",
    "/mlflow/metrics/get-history",
    wire.GetMetricHistory,
    wire.MetricHistoryResponse,
    (input, ctx) => core.getMetricHistory(ctx, core.runIdOf(input), input.metric_key, input),
  ),
  route(
    "GET",
    "/mlflow/metrics/get-history-bulk-interval",
    wire.GetMetricHistoryBulkInterval,
    wire.MetricHistoryBulkIntervalResponse,
    (input, ctx) => core.getMetricHistoryBulkInterval(ctx, input),
  ),
  route(
    "GET",
    "/mlflow/metrics/get-history-bulk",
    wire.GetMetricHistoryBulk,
    wire.MetricHistoryBulkIntervalResponse,
    (input, ctx) => core.getMetricHistoryBulk(ctx, input),
  ),
];
