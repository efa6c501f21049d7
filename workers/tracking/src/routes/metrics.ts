import * as core from "@edgeflow/core";
import { endpoints as api } from "@edgeflow/schema";
import * as rule from "../auth/rules";
import { type Route, route } from "./route";

export const metricRoutes: Route[] = [
  route(api.getMetricHistory, rule.run("read"), (input, ctx) =>
    core.getMetricHistory(ctx, core.runIdOf(input), input.metric_key, input),
  ),
  route(api.getMetricHistoryBulkInterval, rule.run("read", rule.fieldList("run_ids")), (input, ctx) =>
    core.getMetricHistoryBulkInterval(ctx, input),
  ),
  route(api.getMetricHistoryBulk, rule.run("read", rule.fieldList("run_id")), (input, ctx) =>
    core.getMetricHistoryBulk(ctx, input),
  ),
];
