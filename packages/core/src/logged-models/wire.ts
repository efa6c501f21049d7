/** Logged-model rows → MLflow's LoggedModel JSON: pure functions. */
import type { LoggedModelWire } from "@edgeflow/schema";
import { decodeMetricValue } from "../tracking/metric-values";
import type { LoggedModelParts } from "./reader";

/** As MLflow's LoggedModel.to_proto writes it (status_message is not part of it). */
export function loggedModelToWire(parts: LoggedModelParts): LoggedModelWire {
  const { model } = parts;
  return {
    info: {
      experiment_id: String(model.experimentId),
      model_id: model.modelId,
      name: model.name,
      artifact_uri: model.artifactLocation,
      creation_timestamp_ms: model.creationTimestampMs,
      last_updated_timestamp_ms: model.lastUpdatedTimestampMs,
      model_type: model.modelType ?? undefined,
      source_run_id: model.sourceRunId ?? undefined,
      status: model.status,
      tags: parts.tags.map((tag) => ({ key: tag.key, value: tag.value })),
    },
    data: {
      params: parts.params.map((param) => ({ key: param.key, value: param.value })),
      metrics: parts.metrics.map((metric) => ({
        key: metric.key,
        value: decodeMetricValue(metric.value, metric.isNan),
        timestamp: metric.timestampMs,
        step: metric.step,
        dataset_name: metric.datasetName ?? undefined,
        dataset_digest: metric.datasetDigest ?? undefined,
        model_id: metric.modelId,
        run_id: metric.runId,
      })),
    },
  };
}
