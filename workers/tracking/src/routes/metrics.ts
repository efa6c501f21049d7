import * as core from "@edgeflow/core";
import * as wire from "@edgeflow/schema";
import * as rule from "../auth/rules";
import { type Route, route } from "./route";

export const metricRoutes: Route[] = [
  route(
    "GET",
    "/mlflow/metrics/get-history",
    rule.run("read"),
    wire.GetMetricHistory,
    wire.MetricHistoryResponse,
    (input, ctx) => core.getMetricHistory(ctx, core.runIdOf(input), input.metric_key, input),
  ),
  route(
    "GET",
    "/mlflow/metrics/get-history-bulk-interval",
    rule.run("read", rule.fieldList("run_ids")),
    wire.GetMetricHistoryBulkInterval,
    wire.MetricHistoryBulkIntervalResponse,
    (input, ctx) => core.getMetricHistoryBulkInterval(ctx, input),
  ),
  route(
    "GET",
    "/mlflow/metrics/get-history-bulk",
    rule.run("read", rule.fieldList("run_id")),
    wire.GetMetricHistoryBulk,
    wire.MetricHistoryBulkIntervalResponse,
    (input, ctx) => core.getMetricHistoryBulk(ctx, input),
  ),
];
